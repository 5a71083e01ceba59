import { parseArgs } from 'node:util';

/** A bad command line: exit 2 with this message (and the command's help hint). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const COMMANDS = ['open', 'end', 'heartbeat', 'status', 'flush', 'watch'] as const;
export type Command = (typeof COMMANDS)[number];

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string; help: string; arg?: string };

const COMMON: Record<string, OptionSpec> = {
  config: { type: 'string', arg: 'FILE', help: 'JSON configuration file (env VIGIL_AGENT_CONFIG)' },
  url: { type: 'string', arg: 'URL', help: 'gateway URL (env VIGIL_AGENT_URL)' },
  token: { type: 'string', arg: 'TOKEN', help: 'agent token; prefer the env VIGIL_AGENT_TOKEN or the config file: command lines are visible to all' },
  'queue-dir': { type: 'string', arg: 'DIR', help: 'queue folder (env VIGIL_AGENT_QUEUE_DIR)' },
  'ca-file': { type: 'string', arg: 'FILE', help: "PEM CA of the gateway's certificate (env VIGIL_AGENT_CA_FILE)" },
  'cert-file': { type: 'string', arg: 'FILE', help: 'PEM client certificate (env VIGIL_AGENT_CERT_FILE)' },
  'key-file': { type: 'string', arg: 'FILE', help: 'PEM client key (env VIGIL_AGENT_KEY_FILE)' },
  timeout: { type: 'string', arg: 'MS', help: 'per request, default 1500 (watch: 10000)' },
  json: { type: 'boolean', help: 'one JSON object on stdout, for scripts' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
};

const SPECS: Record<Command, { summary: string; usage: string; options: Record<string, OptionSpec> }> = {
  open: {
    summary: 'report a session that started',
    usage: 'vigil-agent open --external-id ID --type TYPE --user USER --device DEVICE [options]',
    options: {
      'external-id': { type: 'string', arg: 'ID', help: 'your id for the session; repeating it is harmless (required)' },
      type: { type: 'string', arg: 'TYPE', help: 'CONSOLE, WebSSO, ESSO, PAM, PAM_RDP or PAM_SSH (required)' },
      user: { type: 'string', arg: 'USER', help: 'who logged in (required)' },
      device: { type: 'string', arg: 'DEVICE', help: 'where from: IP or name (required)' },
      client: { type: 'string', arg: 'HOST', help: 'the server reached; default this host name' },
      owner: { type: 'string', arg: 'NAME', help: 'Vigil user who may see it; default config "owner", else --user' },
      port: { type: 'string', arg: 'N', help: 'port' },
      'service-url': { type: 'string', arg: 'URL', help: 'scheme://... of the service' },
      'account-name': { type: 'string', arg: 'NAME', help: 'account used on the client' },
      'service-provider': { type: 'string', arg: 'NAME', help: 'identity or service provider' },
      'start-date': { type: 'string', arg: 'ISO', help: 'ISO-8601; default now' },
    },
  },
  end: {
    summary: 'report that a session ended',
    usage: 'vigil-agent end (--external-id ID | --session-id UUID) [--reason ended|failed|terminated]',
    options: {
      'external-id': { type: 'string', arg: 'ID', help: 'the id given to open (its open may still be queued)' },
      'session-id': { type: 'string', arg: 'UUID', help: "Vigil's session id instead" },
      reason: { type: 'string', arg: 'REASON', help: 'ended (default), failed or terminated' },
      'end-date': { type: 'string', arg: 'ISO', help: 'ISO-8601; default now' },
    },
  },
  heartbeat: {
    summary: 'tell the gateway sessions are still alive (default: every session the queue knows open)',
    usage: 'vigil-agent heartbeat [--external-id ID]... [--session-id UUID]...',
    options: {
      'external-id': { type: 'string', multiple: true, arg: 'ID', help: 'a session by your id (repeatable)' },
      'session-id': { type: 'string', multiple: true, arg: 'UUID', help: "a session by Vigil's id (repeatable)" },
    },
  },
  status: {
    summary: "show the queue: pending items, oldest, sessions known open (no network)",
    usage: 'vigil-agent status [--queue-dir DIR] [--json]',
    options: {},
  },
  flush: {
    summary: 'send everything queued, in order',
    usage: 'vigil-agent flush [options]',
    options: {},
  },
  watch: {
    summary: 'run: replay the queue with backoff and heartbeat every open session, until SIGTERM',
    usage: 'vigil-agent watch [--interval SECONDS]',
    options: {
      interval: { type: 'string', arg: 'SECONDS', help: 'heartbeat interval, default 30' },
    },
  },
};

export interface ParsedCommand {
  command: Command;
  values: Record<string, string | string[] | boolean | undefined>;
  help: boolean;
}

/** `undefined` command with help: the general help. */
export type Parsed = ParsedCommand | { command: undefined; help: true };

export function parseCommandLine(argv: string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { command: undefined, help: true };
  if (!(COMMANDS as readonly string[]).includes(first)) throw new UsageError(`unknown command ${JSON.stringify(first)}; commands: ${COMMANDS.join(', ')}`);
  const command = first as Command;
  const options = { ...COMMON, ...SPECS[command].options };
  let values: ParsedCommand['values'];
  try {
    ({ values } = parseArgs({
      args: rest,
      // parseArgs refuses keys present with an undefined value: copy only what is set.
      options: Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) }])),
      strict: true,
      allowPositionals: false,
    }) as { values: ParsedCommand['values'] });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, ''), command);
  }
  return { command, values, help: values.help === true };
}

export function generalHelp(): string {
  return [
    'usage: vigil-agent <command> [options]   (vigil-agent <command> --help for its options)',
    '',
    ...COMMANDS.map((c) => `  ${c.padEnd(10)} ${SPECS[c].summary}`),
    '',
    'Configuration: --config FILE (JSON: url, token, queueDir, caFile, certFile, keyFile, owner, timeoutMs,',
    '  maxQueueItems),',
    'then VIGIL_AGENT_URL, VIGIL_AGENT_TOKEN, VIGIL_AGENT_QUEUE_DIR, VIGIL_AGENT_CA_FILE, VIGIL_AGENT_CERT_FILE,',
    'VIGIL_AGENT_KEY_FILE, VIGIL_AGENT_OWNER, VIGIL_AGENT_MAX_QUEUE; flags override both.',
    'Exit codes: 0 ok, 1 internal error, 2 usage/configuration, 3 queued (gateway unreachable), 4 refused',
    'by the gateway, 5 unknown session, 6 queue full.',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const spec = SPECS[command];
  const line = (name: string, o: OptionSpec) => `  ${`--${name}${o.arg ? ` ${o.arg}` : ''}${o.short ? `, -${o.short}` : ''}`.padEnd(28)} ${o.help}`;
  return [
    `usage: ${spec.usage}`,
    '',
    spec.summary,
    '',
    ...(Object.keys(spec.options).length ? ['Options:', ...Object.entries(spec.options).map(([n, o]) => line(n, o)), ''] : []),
    'Common options:',
    ...Object.entries(COMMON).map(([n, o]) => line(n, o)),
  ].join('\n');
}
