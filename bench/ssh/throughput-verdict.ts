import { round } from '../support/stats';

export type Kind = 'text' | 'binary';

export interface ThroughputVerdict {
  vsDirect: number;
  vsRelay: number;
  ok: boolean;
  /** one phrase per missed goal, with the shortfall in MB/s */
  misses: string[];
}

/** Issue 13 goal 1: Vigil ≥ 0.8× direct AND within 10% of the bare relay (≥ 0.9× it). */
export function judgeThroughput(mbPerSecond: { vigil: number; direct: number; bareRelay: number }): ThroughputVerdict {
  const { vigil, direct, bareRelay } = mbPerSecond;
  const vsDirect = vigil / direct;
  const vsRelay = vigil / bareRelay;
  const misses: string[] = [];
  if (!(vsDirect >= 0.8)) misses.push(`${round(vsDirect, 2)}× direct vs 0.8×: ${round(0.8 * direct - vigil)} MB/s short`);
  if (!(vsRelay >= 0.9)) misses.push(`${round(vsRelay, 2)}× the bare relay vs 0.9×: ${round(0.9 * bareRelay - vigil)} MB/s short`);
  return { vsDirect, vsRelay, ok: misses.length === 0, misses };
}

/** What the attached viewer got in one run, in words: output characters and every other event by name. */
export function summarizeViewer(run: { viewerChars?: number; viewerEvents?: Record<string, number> }): string {
  const events = Object.entries(run.viewerEvents ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => `${count} ${name}`);
  return `${round((run.viewerChars ?? 0) / 1e6, 2)} MB of output${events.length ? ` in ${events.join(', ')}` : ', no events'}`;
}
