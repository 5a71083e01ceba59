import { DescribeSessionsCommand, DescribeSessionsCommandInput, SSMClient } from '@aws-sdk/client-ssm';
import { JsonClient } from '../support/json-client';
import { percentile } from '../support/stats';

export interface LatencyResult {
  label: string;
  client: string;
  queries: number;
  p50: number;
  p95: number;
  meanRows: number;
}

/** The first queries warm caches, the JIT and the keep-alive connections; they are not counted. */
const WARM_UP = 20;

async function timed<T>(samples: number[], counted: boolean, work: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await work();
  if (counted) samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  return result;
}

/**
 * Sequential DescribeSessions calls through @aws-sdk/client-ssm (SigV4 signing, the JSON protocol,
 * the SDK's parsing: what a script pays), query i signed with key i % keys.
 */
export async function measureSdk(clients: SSMClient[], label: string, queries: number, input: (i: number) => DescribeSessionsCommandInput): Promise<LatencyResult> {
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < queries + WARM_UP; i++) {
    const answer = await timed(samples, i >= WARM_UP, () => clients[i % clients.length].send(new DescribeSessionsCommand(input(i))));
    if (i >= WARM_UP) rows += answer.Sessions?.length ?? 0;
  }
  return { label, client: '@aws-sdk/client-ssm DescribeSessions', queries, p50: percentile(samples, 50), p95: percentile(samples, 95), meanRows: rows / queries };
}

/** The same searches over Vigil's own HTTP API (`GET /api/access-logs`), the baseline. */
export async function measureHttp(url: string, tokens: string[], label: string, queries: number, path: (i: number) => string): Promise<LatencyResult> {
  const client = new JsonClient(url, 1);
  const samples: number[] = [];
  let rows = 0;
  try {
    for (let i = 0; i < queries + WARM_UP; i++) {
      const res = await timed(samples, i >= WARM_UP, () => client.request('GET', path(i), tokens[i % tokens.length]));
      if (res.status !== 200) throw new Error(`GET ${path(i)}: ${res.status} ${JSON.stringify(res.body)}`);
      if (i >= WARM_UP) rows += res.body.items.length;
    }
  } finally {
    client.close();
  }
  return { label, client: 'HTTP GET /api/access-logs (baseline)', queries, p50: percentile(samples, 50), p95: percentile(samples, 95), meanRows: rows / queries };
}
