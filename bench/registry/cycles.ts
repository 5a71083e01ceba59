import { JsonClient } from '../support/json-client';

export interface CycleResult {
  cycles: number;
  seconds: number;
  perSecond: number;
  errors: number;
}

/**
 * `concurrency` agents, each opening a session and ending it, back to back, over keep-alive HTTP.
 * One cycle = one open (201) + one end (200). Warm-up cycles are not counted.
 */
export async function measureCycles(url: string, agentToken: string, concurrency: number, warmupMs: number, measureMs: number): Promise<CycleResult> {
  const client = new JsonClient(url, concurrency);
  let counting = false;
  let stop = false;
  let cycles = 0;
  let errors = 0;
  let sequence = 0;

  const agent = async (n: number) => {
    while (!stop) {
      const opened = await client.request('POST', '/api/agent/sessions', agentToken, {
        externalId: `bench-${n}-${sequence++}`,
        type: 'PAM_SSH',
        user: `user-${n}`,
        device: '10.1.2.3',
        client: 'srv-bench',
        port: 22,
        owner: `owner-${n % 10}`,
      });
      if (opened.status !== 201) {
        errors++;
        continue;
      }
      const ended = await client.request('POST', `/api/agent/sessions/${opened.body.id}/end`, agentToken, {});
      if (ended.status !== 200) errors++;
      else if (counting) cycles++;
    }
  };

  const running = Array.from({ length: concurrency }, (_, n) => agent(n));
  await new Promise((r) => setTimeout(r, warmupMs));
  counting = true;
  const started = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, measureMs));
  counting = false;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  stop = true;
  await Promise.all(running);
  client.close();
  return { cycles, seconds, perSecond: cycles / seconds, errors };
}
