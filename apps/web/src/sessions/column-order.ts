/** Pure edits of the shown-column list. */
export function moveColumn(ids: string[], id: string, delta: -1 | 1): string[] {
  const from = ids.indexOf(id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= ids.length) return ids;
  const next = [...ids];
  [next[from], next[to]] = [next[to], next[from]];
  return next;
}

export const removeColumn = (ids: string[], id: string) => (ids.length > 1 ? ids.filter((c) => c !== id) : ids);

export const addColumn = (ids: string[], id: string) => (ids.includes(id) ? ids : [...ids, id]);
