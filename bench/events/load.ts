import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ReceivedRequest, WebhookReceiver } from '../../test/support/event-receivers';
import { percentile } from '../support/stats';

/** Minimal JSON over HTTP with keep-alive, for the bench's own calls. */
export async function json(url: string, method: string, path: string, token: string | null, body?: unknown): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** One POST with a keep-alive agent; resolves with its round-trip time in ms. */
export function timedPost(agent: HttpAgent, url: string, body: string, headers: Record<string, string> = {}): Promise<{ ms: number; status: number; text: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ms: performance.now() - started, status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summary(samples: number[]): Latency {
  return { count: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.length ? Math.max(...samples) : NaN };
}

export interface PacedRun {
  /** session start → each matching webhook received, ms */
  toWebhook: Latency;
  /** the agent's POST /api/agent/sessions round trip, ms */
  startCall: Latency;
  /** webhooks expected but not received within the drain time */
  missing: number;
  /** the rate achieved (session starts sent per second) */
  sentPerSecond: number;
}

/**
 * Starts sessions at a fixed rate (open loop: the next start does not wait for the previous
 * answer), each with a unique `client`, and measures for each one the time from sending the
 * start to each webhook the receiver gets about it (`perEvent` webhooks expected per session).
 */
export async function pacedSessionStarts(opts: {
  gatewayUrl: string;
  agentToken: string;
  receiver: WebhookReceiver;
  ratePerSecond: number;
  seconds: number;
  perEvent: number;
  label: string;
}): Promise<PacedRun> {
  const { gatewayUrl, agentToken, receiver, ratePerSecond, seconds, perEvent, label } = opts;
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const total = ratePerSecond * seconds;
  const sentAt = new Map<string, number>();
  const startCalls: number[] = [];
  const inFlight: Promise<void>[] = [];
  const firstRequest = receiver.requests.length;
  const t0 = Date.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / ratePerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const client = `${label}-${i}`;
    const body = JSON.stringify({ externalId: client, type: 'PAM_SSH', user: 'bench', device: '10.0.0.1', client, owner: 'admin', serviceProvider: 'bench' });
    sentAt.set(client, Date.now());
    inFlight.push(
      timedPost(agent, `${gatewayUrl}/api/agent/sessions`, body, { authorization: `Bearer ${agentToken}` }).then((r) => {
        if (r.status !== 201) throw new Error(`session start: ${r.status} ${r.text}`);
        startCalls.push(r.ms);
      }),
    );
  }
  const sentPerSecond = total / ((Date.now() - t0) / 1000);
  await Promise.all(inFlight);
  const expected = total * perEvent;
  const deadline = Date.now() + 30_000;
  const mine = () => receiver.requests.slice(firstRequest).filter((r) => r.status === 200 && sentAt.has(clientOf(r)));
  while (mine().length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const received = mine();
  agent.destroy();
  return {
    toWebhook: summary(received.map((r) => r.at - sentAt.get(clientOf(r))!)),
    startCall: summary(startCalls),
    missing: expected - received.length,
    sentPerSecond,
  };
}

function clientOf(r: ReceivedRequest): string {
  try {
    return String((JSON.parse(r.body) as { detail?: { client?: string } }).detail?.client ?? '');
  } catch {
    return '';
  }
}

/** The bare HTTP POST of an envelope-sized body to the receiver, from this process: the floor under any delivery. */
export async function bareRoundTrip(url: string, body: string, count: number): Promise<Latency> {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  for (let i = 0; i < count + 50; i++) {
    const { ms } = await timedPost(agent, url, body);
    if (i >= 50) samples.push(ms);
  }
  agent.destroy();
  return summary(samples);
}
