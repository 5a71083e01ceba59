import * as fs from 'node:fs';
import { metricValue } from '../soak/metrics-scrape';

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux). */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name (field 2) may hold spaces: count fields after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

export function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * The gateway's event-loop delay p99 and max since the previous call (prom-client resets its
 * monitorEventLoopDelay histogram at every scrape), from `/metrics`.
 */
export async function eventLoopDelay(gatewayUrl: string): Promise<{ p99Ms: number; maxMs: number }> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  return {
    p99Ms: metricValue(text, 'vigil_nodejs_eventloop_lag_p99_seconds') * 1000,
    maxMs: metricValue(text, 'vigil_nodejs_eventloop_lag_max_seconds') * 1000,
  };
}
