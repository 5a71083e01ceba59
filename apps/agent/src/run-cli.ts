import * as os from 'node:os';
import {
  AGENT_END_REASONS,
  AGENT_SESSION_TYPES,
  AgentTransport,
  EndReason,
  OpenRequest,
  QueueFullError,
  SessionType,
  TransportError,
  UnknownSessionError,
  VigilAgent,
} from '@vigil/agent-sdk';
import { Command, ParsedCommand, UsageError, commandHelp, generalHelp, parseCommandLine } from './cli-args';
import { AgentConfig, resolveConfig } from './cli-config';
import { EXIT } from './exit-codes';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** resolves when the process is asked to stop (watch) */
  stopSignal?: Promise<void>;
}

export interface CliDeps {
  /** a transport instead of HTTP (tests) */
  transport?: AgentTransport;
  hostname?: () => string;
}

interface Reply {
  code: number;
  /** machine-readable fields for --json */
  data: Record<string, unknown>;
  /** the human line */
  text: string;
}

/** `vigil-agent <argv>`: returns the exit code; all output goes through `io`. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo, deps: CliDeps = {}): Promise<number> {
  const json = argv.includes('--json');
  const emit = (reply: Reply): number => {
    if (json) io.stdout(`${JSON.stringify({ ok: reply.code === 0, exitCode: reply.code, ...reply.data })}\n`);
    else if (reply.code === 0) io.stdout(`${reply.text}\n`);
    else io.stderr(`vigil-agent: ${reply.text}\n`);
    return reply.code;
  };
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    const hint = error.command ? ` (vigil-agent ${error.command} --help)` : ' (vigil-agent --help)';
    return emit({ code: EXIT.USAGE, data: { error: error.message }, text: error.message + hint });
  }
  if (parsed.help) {
    io.stdout(`${parsed.command ? commandHelp(parsed.command) : generalHelp()}\n`);
    return EXIT.OK;
  }
  try {
    const config = resolveConfig(parsed.values, env);
    return emit(await execute(parsed, config, io, deps));
  } catch (error) {
    return emit(replyFor(error, parsed.command));
  }
}

function replyFor(error: unknown, command: Command): Reply {
  if (error instanceof UsageError) return { code: EXIT.USAGE, data: { error: error.message }, text: `${error.message} (vigil-agent ${command} --help)` };
  if (error instanceof QueueFullError) return { code: EXIT.QUEUE_FULL, data: { error: error.message }, text: error.message };
  if (error instanceof UnknownSessionError) return { code: EXIT.UNKNOWN_SESSION, data: { error: error.message, externalId: error.externalId }, text: error.message };
  if (error instanceof TransportError) {
    if (error.retryable) return { code: EXIT.QUEUED, data: { state: 'queued', error: error.message }, text: `${error.message}` };
    if (error.status === 404) return { code: EXIT.UNKNOWN_SESSION, data: { error: error.message, status: 404 }, text: `unknown session: ${error.message}` };
    return { code: EXIT.REFUSED, data: { error: error.message, status: error.status ?? null }, text: `refused by the gateway: ${error.message}` };
  }
  if (error instanceof TypeError && /URL|token|certificate|key|CA/.test(error.message)) return { code: EXIT.USAGE, data: { error: error.message }, text: error.message };
  return { code: EXIT.INTERNAL, data: { error: String((error as Error)?.message ?? error) }, text: `internal error: ${String((error as Error)?.stack ?? error)}` };
}

function makeAgent(config: AgentConfig, deps: CliDeps, extra: { timeoutMs: number; heartbeatIntervalMs?: number; onEvent?: ConstructorParameters<typeof VigilAgent>[0]['onEvent'] }): VigilAgent {
  if (!deps.transport) {
    if (!config.url) throw new UsageError('no gateway url: set VIGIL_AGENT_URL, "url" in the config file, or --url');
    if (!config.token) throw new UsageError('no agent token: set VIGIL_AGENT_TOKEN or "token" in the config file');
  }
  return new VigilAgent({
    queueDir: config.queueDir,
    transport: deps.transport,
    url: config.url,
    token: config.token,
    tls: { caFile: config.caFile, certFile: config.certFile, keyFile: config.keyFile },
    requestTimeoutMs: config.timeoutMs ?? extra.timeoutMs,
    maxQueueItems: config.maxQueueItems,
    heartbeatIntervalMs: extra.heartbeatIntervalMs,
    onEvent: extra.onEvent,
  });
}

async function execute(parsed: ParsedCommand, config: AgentConfig, io: CliIo, deps: CliDeps): Promise<Reply> {
  const v = parsed.values;
  const str = (name: string): string | undefined => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const list = (name: string): string[] => (Array.isArray(v[name]) ? (v[name] as string[]) : []);
  // Every input is checked before anything touches the queue: a bad call queues nothing.
  switch (parsed.command) {
    case 'status': {
      const agent = new VigilAgent({ queueDir: config.queueDir, transport: nullTransport, maxQueueItems: config.maxQueueItems });
      const status = agent.status();
      await agent.close();
      return { code: EXIT.OK, data: { ...status }, text: `queue ${status.queueDir}: ${status.pending} pending${status.oldestPendingAt ? ` (oldest ${status.oldestPendingAt})` : ''}, ${status.openSessions} open sessions known${status.corruptLines ? `, ${status.corruptLines} corrupt lines skipped` : ''}` };
    }
    case 'open': {
      const request = openRequest(str, config, deps);
      const agent = makeAgent(config, deps, { timeoutMs: 1_500 });
      try {
        const result = await agent.open(request);
        if (result.state === 'queued') return { code: EXIT.QUEUED, data: { state: 'queued', externalId: request.externalId, error: result.error }, text: `queued ${request.externalId} (${result.error}); it is replayed by the next flush or watch` };
        return { code: EXIT.OK, data: { state: 'sent', externalId: request.externalId, sessionId: result.session.id, status: result.session.status }, text: `opened ${result.session.id} (${request.externalId})` };
      } finally {
        await agent.close();
      }
    }
    case 'end': {
      const externalId = str('external-id');
      const sessionId = str('session-id');
      if (!externalId === !sessionId) throw new UsageError('give exactly one of --external-id or --session-id');
      if (sessionId && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sessionId)) throw new UsageError('--session-id must be a UUID');
      const reason = str('reason') ?? 'ended';
      if (!(AGENT_END_REASONS as readonly string[]).includes(reason)) throw new UsageError(`--reason must be one of: ${AGENT_END_REASONS.join(', ')}`);
      const endDate = isoDate(str('end-date'), '--end-date');
      const agent = makeAgent(config, deps, { timeoutMs: 1_500 });
      try {
        const body = { reason: reason as EndReason, endDate };
        const result = externalId ? await agent.end(externalId, body) : await agent.endById(sessionId!, body);
        const ref = externalId ?? sessionId!;
        if (result.state === 'queued') return { code: EXIT.QUEUED, data: { state: 'queued', externalId: ref, error: result.error }, text: `queued the end of ${ref} (${result.error})` };
        return { code: EXIT.OK, data: { state: 'sent', sessionId: result.sessionId }, text: `ended ${result.sessionId}` };
      } finally {
        await agent.close();
      }
    }
    case 'heartbeat': {
      const agent = makeAgent(config, deps, { timeoutMs: 1_500 });
      try {
        const byId = list('session-id');
        const byExternal = list('external-id');
        const sent = [...(byExternal.length || !byId.length ? await agent.heartbeat(byExternal.length ? byExternal : undefined) : [])];
        if (byId.length) {
          await agent.heartbeatIds(byId);
          sent.push(...byId);
        }
        return { code: EXIT.OK, data: { sessions: sent.length }, text: `heartbeat sent for ${sent.length} session(s)` };
      } finally {
        await agent.close();
      }
    }
    case 'flush': {
      const agent = makeAgent(config, deps, { timeoutMs: 10_000 });
      try {
        const result = await agent.flush();
        const data = { sent: result.sent, dropped: result.dropped, remaining: result.remaining, error: result.error?.message };
        if (!result.error) return { code: EXIT.OK, data, text: `flushed: ${result.sent} sent, ${result.dropped} refused and dropped, 0 left` };
        const code = result.error.retryable ? EXIT.QUEUED : EXIT.REFUSED;
        return { code, data, text: `flush stopped: ${result.error.message}; ${result.sent} sent, ${result.remaining} still queued` };
      } finally {
        await agent.close();
      }
    }
    case 'watch': {
      const interval = str('interval') === undefined ? 30 : Number(str('interval'));
      if (!(Number.isFinite(interval) && interval >= 1 && interval <= 3600)) throw new UsageError('--interval must be 1 to 3600 seconds');
      const json = v.json === true;
      const log = (event: Record<string, unknown>): void => {
        const line = json ? JSON.stringify({ at: new Date().toISOString(), ...event }) : `${new Date().toISOString()} ${Object.entries(event).map(([k, x]) => `${k}=${x}`).join(' ')}`;
        io.stderr(`${line}\n`);
      };
      const agent = makeAgent(config, deps, { timeoutMs: 10_000, heartbeatIntervalMs: interval * 1000, onEvent: (e) => log({ ...e }) });
      log({ type: 'watching', queueDir: config.queueDir, pending: agent.status().pending });
      agent.start();
      await (io.stopSignal ?? new Promise<void>(() => undefined));
      await agent.close();
      const status = agent.status();
      return { code: EXIT.OK, data: { ...status }, text: `stopped; ${status.pending} pending` };
    }
  }
}

function openRequest(str: (name: string) => string | undefined, config: AgentConfig, deps: CliDeps): OpenRequest {
  const required = (name: string): string => {
    const value = str(name);
    if (!value) throw new UsageError(`--${name} is required`);
    return value;
  };
  const externalId = required('external-id');
  const type = required('type');
  if (!(AGENT_SESSION_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type must be one of: ${AGENT_SESSION_TYPES.join(', ')}`);
  const user = required('user');
  const device = required('device');
  const portText = str('port');
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new UsageError('--port must be 1 to 65535');
  const request: OpenRequest = {
    externalId,
    type: type as SessionType,
    user,
    device,
    client: str('client') ?? (deps.hostname ?? os.hostname)(),
    owner: str('owner') ?? config.owner ?? user,
    port,
    serviceUrl: str('service-url'),
    accountName: str('account-name'),
    serviceProvider: str('service-provider'),
    startDate: isoDate(str('start-date'), '--start-date'),
  };
  for (const key of Object.keys(request) as (keyof OpenRequest)[]) if (request[key] === undefined) delete request[key];
  return request;
}

function isoDate(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(Date.parse(value))) throw new UsageError(`${flag} must be an ISO-8601 date with a time zone, e.g. 2026-01-31T08:00:00Z`);
  return value;
}

/** status reads the queue only. */
const nullTransport: AgentTransport = {
  open: () => Promise.reject(new TransportError('offline', true)),
  heartbeat: () => Promise.resolve(),
  end: () => Promise.reject(new TransportError('offline', true)),
  close: () => Promise.resolve(),
};
