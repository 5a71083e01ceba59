import { io, Socket } from 'socket.io-client';
import { inBatches } from '../ssh/live-client';
import { login } from '../ssh/setup';
import { JsonClient } from '../support/json-client';
import { percentile } from '../support/stats';
import { CapacityGateway } from './environment';

export const PAGE_OWNER = 'owner-0';
const OWNER_PASSWORD = 'capacity-owner-password';

export interface Percentiles {
  p50: number;
  p95: number;
  max: number;
  samples: number;
}

export function percentiles(samples: number[]): Percentiles {
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), max: samples.length ? Math.max(...samples) : NaN, samples: samples.length };
}

/** A user with the owner role named like an owner of the seeded sessions and access-log rows. */
export async function ownerToken(gateway: CapacityGateway, username: string): Promise<string> {
  const res = await gateway.api.request('POST', '/api/users', gateway.adminToken, { username, password: OWNER_PASSWORD, roles: ['owner'], privileges: [] });
  if (res.status >= 300 && res.status !== 409) throw new Error(`create ${username}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return login(gateway.gateway.url, username, OWNER_PASSWORD);
}

export interface OpenedSessions {
  opened: number;
  seconds: number;
  /** session id → the token of the agent that opened it (heartbeats must come from it) */
  agentOf: Map<string, string>;
  pageOwnerIds: string[];
}

/** `count` agent-reported sessions through `agents` agents over HTTP, owners `owner-(i % owners)`. */
export async function openRegistrySessions(gateway: CapacityGateway, count: number, agents: number, owners: number): Promise<OpenedSessions> {
  const tokens: string[] = [];
  for (let a = 0; a < agents; a++) {
    const res = await gateway.api.request('POST', '/api/agents', gateway.adminToken, { name: `capacity-${a}`, kind: 'agent' });
    if (res.status >= 300) throw new Error(`create agent: HTTP ${res.status}`);
    tokens.push(res.body.token);
  }
  const client = new JsonClient(gateway.gateway.url, agents);
  const agentOf = new Map<string, string>();
  const pageOwnerIds: string[] = [];
  const started = performance.now();
  // The page owner's sessions first: the oldest silent sessions are the ones the sweeper reaches first.
  const all = Array.from({ length: count }, (_, i) => i);
  const open = (indexes: number[]) => inBatches(
    indexes,
    agents,
    async (i) => {
      const token = tokens[i % agents];
      for (let attempt = 0; ; attempt++) {
        const res = await client.request('POST', '/api/agent/sessions', token, {
          externalId: `capacity-${i}`,
          type: 'PAM',
          user: `user-${i % 5000}`,
          device: `10.2.${i % 250}.${i % 200}`,
          client: `srv-${i % 500}`,
          port: 22,
          owner: `owner-${i % owners}`,
        });
        if (res.status === 201 || res.status === 200) {
          agentOf.set(res.body.id, token);
          if (i % owners === 0) pageOwnerIds.push(res.body.id);
          return;
        }
        if ((res.status !== 429 && res.status !== 503) || attempt > 50) throw new Error(`open session: HTTP ${res.status} ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, Number(res.body?.retryAfterMs ?? 200)));
      }
    },
  );
  await open(all.filter((i) => i % owners === 0));
  await open(all.filter((i) => i % owners !== 0));
  client.close();
  return { opened: agentOf.size, seconds: (performance.now() - started) / 1000, agentOf, pageOwnerIds };
}

/** The sessions page's list calls, timed: one page of ≤ 1,000, or every page (what the console fetches). */
export async function measureList(gateway: CapacityGateway, token: string, queries: number, allPages: boolean): Promise<Percentiles & { rows: number }> {
  const client = new JsonClient(gateway.gateway.url, 1);
  const samples: number[] = [];
  let rows = 0;
  for (let i = 0; i < queries + 3; i++) {
    const started = performance.now();
    let count = 0;
    let nextToken: string | undefined;
    do {
      const res = await client.request('GET', `/api/sessions?limit=1000${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`, token);
      if (res.status !== 200) throw new Error(`list: HTTP ${res.status}`);
      count += res.body.items.length;
      nextToken = allPages ? res.body.nextToken : undefined;
    } while (nextToken);
    if (i >= 3) samples.push(performance.now() - started); // 3 warm-up calls
    rows = count;
  }
  client.close();
  return { ...percentiles(samples), rows };
}

function openPage(url: string, token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/sessions`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 30_000 });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

export interface FanOutResult extends Percentiles {
  pages: number;
  updates: number;
  /** per update, until the last of the pages had it */
  lastPage: Percentiles;
  /** updates some page never received within 10 s */
  missed: number;
}

/**
 * `session.updated` fan-out: `pages` open sessions pages (socket.io `/sessions`, half an admin's,
 * half the sessions' owner's own), then `updates` times a silent (Disconnected) session of that
 * owner is revived by its agent's heartbeat, which the registry publishes as `session.updated`.
 * Timed from the heartbeat request to each page's receipt.
 */
export async function measureFanOut(gateway: CapacityGateway, opened: OpenedSessions, ownerPageToken: string, pages: number, updates: number): Promise<FanOutResult> {
  const sockets = await inBatches(Array.from({ length: pages }, (_, i) => i), 10, (i) =>
    openPage(gateway.gateway.url, i % 2 === 0 ? gateway.adminToken : ownerPageToken),
  );
  // The sweeper's own updates (10,000 sessions going silent) must be over before the clock runs.
  let background = 0;
  sockets.forEach((s) => s.onAny(() => background++));
  for (const deadline = Date.now() + 180_000; ; ) {
    const seen = background;
    await new Promise((r) => setTimeout(r, 2_000));
    if (background === seen || Date.now() > deadline) break;
  }
  const waiting = new Map<string, { at: number; got: number; done: () => void; samples: number[] }>();
  for (const socket of sockets) {
    socket.on('session.updated', (session: { id: string; status: string }) => {
      const w = waiting.get(session.id);
      if (!w || session.status !== 'Connected') return;
      w.samples.push(performance.now() - w.at);
      if (++w.got === pages) w.done();
    });
  }
  const client = new JsonClient(gateway.gateway.url, 1);
  const all: number[] = [];
  const last: number[] = [];
  let missed = 0;
  try {
    const ids = opened.pageOwnerIds.slice(0, updates);
    for (const id of ids) {
      let done!: () => void;
      const complete = new Promise<void>((r) => (done = r));
      const w = { at: performance.now(), got: 0, done, samples: [] as number[] };
      waiting.set(id, w);
      const res = await client.request('POST', `/api/agent/sessions/${id}/heartbeat`, opened.agentOf.get(id)!);
      if (res.status !== 204) throw new Error(`heartbeat: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      const inTime = await Promise.race([complete.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
      waiting.delete(id);
      all.push(...w.samples);
      if (inTime) last.push(Math.max(...w.samples));
      else missed++;
    }
    return { ...percentiles(all), pages, updates: ids.length, lastPage: percentiles(last), missed };
  } finally {
    client.close();
    sockets.forEach((s) => s.close());
  }
}

/** Waits until every session of `token`'s owner is Disconnected (the sweeper has run over the silent ones). */
export async function waitAllDisconnected(gateway: CapacityGateway, token: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await gateway.api.request('GET', '/api/sessions?limit=1000', token);
    const items = (res.body?.items ?? []) as { status: string }[];
    if (items.length > 0 && items.every((s) => s.status === 'Disconnected')) return;
    if (Date.now() > deadline) throw new Error(`sessions still not Disconnected after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
