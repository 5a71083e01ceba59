import { percentile } from '../support/stats';
import { JsonClient } from '../support/json-client';
import { SEED } from './seed-access-log';

export interface LatencyResult {
  label: string;
  queries: number;
  p50: number;
  p95: number;
  meanRows: number;
}

/** Sequential access-log searches over HTTP, each with a random owner and a random window. */
export async function measureQueryLatency(
  url: string,
  token: string,
  now: number,
  label: string,
  windowDays: number,
  queries: number,
  withOwner = true,
): Promise<LatencyResult> {
  const client = new JsonClient(url, 1);
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < queries + 20; i++) {
    const to = now - Math.floor(((i * 7919) % (SEED.days - windowDays)) * 24 * 3600_000);
    const from = to - windowDays * 24 * 3600_000;
    const owner = withOwner ? `&owner=owner-${(i * 31) % SEED.owners}` : '';
    const path = `/api/access-logs?limit=100${owner}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const started = process.hrtime.bigint();
    const res = await client.request('GET', path, token);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (res.status !== 200) throw new Error(`query failed: ${res.status} ${JSON.stringify(res.body)}`);
    if (i >= 20) {
      samples.push(ms); // the first 20 warm caches and JIT
      rows += res.body.items.length;
    }
  }
  client.close();
  return { label, queries, p50: percentile(samples, 50), p95: percentile(samples, 95), meanRows: rows / queries };
}
