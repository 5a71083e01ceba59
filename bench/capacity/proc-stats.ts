import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** CPU time (user + system, seconds) of a process, from the text of `/proc/<pid>/stat`. */
export function cpuSecondsFromStat(stat: string, ticksPerSecond: number): number {
  // The command name (field 2) is in parentheses and may contain spaces or ')': fields resume after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc stat: ${stat.slice(0, 80)}`);
  return (utime + stime) / ticksPerSecond;
}

/** Resident set size in bytes, from the text of `/proc/<pid>/status` (`VmRSS: 12345 kB`). */
export function rssBytesFromStatus(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error('no VmRSS in /proc status');
  return Number(match[1]) * 1024;
}

/** CPU share between two samples, in cores (1 = one core busy the whole interval). */
export function cpuCores(before: { cpu: number; at: number }, after: { cpu: number; at: number }): number {
  return (after.cpu - before.cpu) / ((after.at - before.at) / 1000);
}

let ticks: number | undefined;
function clockTicks(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticks;
}

export interface ProcSample {
  /** CPU seconds used so far */
  cpu: number;
  rss: number;
  /** wall-clock ms (performance.now) */
  at: number;
}

/** One reading of a process's CPU time and RSS (Linux /proc). */
export function sampleProcess(pid: number): ProcSample {
  return {
    cpu: cpuSecondsFromStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'), clockTicks()),
    rss: rssBytesFromStatus(fs.readFileSync(`/proc/${pid}/status`, 'utf8')),
    at: performance.now(),
  };
}

/**
 * RSS once it has stopped moving: the median of `samples` readings `gapMs` apart after the
 * heap has had time to settle (V8 grows and returns pages lazily; one reading is noise).
 */
export async function settledRss(pid: number, samples = 5, gapMs = 400): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < samples; i++) {
    readings.push(sampleProcess(pid).rss);
    if (i < samples - 1) await new Promise((r) => setTimeout(r, gapMs));
  }
  return readings.sort((a, b) => a - b)[Math.floor(readings.length / 2)];
}
