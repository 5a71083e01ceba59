/** One value of a Prometheus text exposition, summed over its label sets (e.g. open sessions of every type). */
export function metricValue(text: string, name: string): number {
  let total = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue; // a longer name with this prefix
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) {
      total += value;
      seen = true;
    }
  }
  return seen ? total : NaN;
}
