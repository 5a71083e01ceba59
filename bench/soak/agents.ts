import { JsonClient } from '../support/json-client';
import { LatencyWindow } from './latency-window';

export interface AgentLoadOptions {
  url: string;
  /** one agent credential per simulated agent */
  tokens: string[];
  sessionsPerAgent: number;
  heartbeatMs: number;
  /** each agent ends one of its sessions and opens a new one this often */
  churnMs: number;
  /** every n-th churn also replays the open of the session it just ended (an agent retrying) */
  replayEvery: number;
  owners: number;
}

export interface AgentLoad {
  latency: LatencyWindow;
  /** answers that were not what the contract says (each is counted in latency as a failure too) */
  unexpected: string[];
  opened: number;
  ended: number;
  replays: number;
  /** resolves when every agent has opened its sessions once */
  ramped: Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface OpenSession {
  id: string;
  externalId: string;
  nextHeartbeat: number;
}

/**
 * `tokens.length` agents, each a sequential loop on a shared keep-alive pool (as an agent with one
 * connection would be): it opens `sessionsPerAgent` sessions, heartbeats each every `heartbeatMs`
 * (phases spread at random), and every `churnMs` ends its oldest session and opens a new one.
 */
export function startAgents(options: AgentLoadOptions): AgentLoad {
  const client = new JsonClient(options.url, options.tokens.length);
  const latency = new LatencyWindow();
  const unexpected: string[] = [];
  let stopped = false;
  let sequence = 0;
  const load = { latency, unexpected, opened: 0, ended: 0, replays: 0 };

  const call = async (method: string, path: string, token: string, body: unknown, ok: number): Promise<{ status: number; body: any } | null> => {
    const started = performance.now();
    try {
      const res = await client.request(method, path, token, body);
      if (res.status !== ok) {
        latency.fail();
        if (unexpected.length < 20) unexpected.push(`${method} ${path.replace(/[0-9a-f-]{36}/, ':id')} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        return null;
      }
      latency.record(performance.now() - started);
      return res;
    } catch (error) {
      latency.fail();
      if (unexpected.length < 20) unexpected.push(`${method} ${path.replace(/[0-9a-f-]{36}/, ':id')}: ${(error as Error).message}`);
      return null;
    }
  };

  const agent = async (token: string, n: number, rampedOne: () => void) => {
    const sessions: OpenSession[] = [];
    const payload = (externalId: string) => ({
      externalId,
      type: 'PAM_SSH',
      user: `user-${n}`,
      device: `10.0.${n >> 8}.${n & 255}`,
      client: `srv-${n % 50}`,
      port: 22,
      serviceUrl: `ssh://srv-${n % 50}:22`,
      accountName: 'root',
      owner: `owner-${n % options.owners}`,
    });
    const open = async (): Promise<boolean> => {
      const externalId = `soak-${n}-${sequence++}`;
      const res = await call('POST', '/api/agent/sessions', token, payload(externalId), 201);
      if (!res) return false;
      load.opened++;
      sessions.push({ id: res.body.id, externalId, nextHeartbeat: Date.now() + Math.random() * options.heartbeatMs });
      return true;
    };
    for (let i = 0; i < options.sessionsPerAgent && !stopped; i++) await open();
    rampedOne();
    let churns = 0;
    let nextChurn = Date.now() + Math.random() * options.churnMs;
    while (!stopped) {
      const now = Date.now();
      for (const session of sessions) {
        if (stopped || session.nextHeartbeat > now) continue;
        await call('POST', `/api/agent/sessions/${session.id}/heartbeat`, token, undefined, 204);
        session.nextHeartbeat = now + options.heartbeatMs;
      }
      if (!stopped && nextChurn <= now && sessions.length > 0) {
        const oldest = sessions.shift()!;
        if (await call('POST', `/api/agent/sessions/${oldest.id}/end`, token, {}, 200)) load.ended++;
        if ((++churns + n) % options.replayEvery === 0) {
          // an agent that never heard the answer sends the same open again: the ended session, 200, no new one
          const replay = await call('POST', '/api/agent/sessions', token, payload(oldest.externalId), 200);
          if (replay) load.replays++;
          if (replay && replay.body.id !== oldest.id) unexpected.push(`replayed open of ${oldest.externalId} answered another session`);
        }
        await open();
        nextChurn = now + options.churnMs;
      }
      const due = Math.min(nextChurn, ...sessions.map((s) => s.nextHeartbeat));
      await sleep(Math.max(20, Math.min(1000, due - Date.now())));
    }
  };

  let rampedCount = 0;
  let resolveRamped!: () => void;
  const ramped = new Promise<void>((r) => (resolveRamped = r));
  const rampedOne = () => {
    if (++rampedCount === options.tokens.length) resolveRamped();
  };
  // Started 10 ms apart: 500 agents connecting in the same millisecond is a thundering herd, not a soak.
  const running = options.tokens.map((token, n) => sleep(n * 10).then(() => agent(token, n, rampedOne)));
  return Object.assign(load, {
    ramped,
    stop: async () => {
      stopped = true;
      await Promise.all(running);
      client.close();
    },
  });
}
