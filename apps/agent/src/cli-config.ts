import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from './cli-args';

export interface AgentConfig {
  url?: string;
  token?: string;
  queueDir: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  owner?: string;
  timeoutMs?: number;
  maxQueueItems?: number;
}

const FILE_KEYS = ['url', 'token', 'queueDir', 'caFile', 'certFile', 'keyFile', 'owner', 'timeoutMs', 'maxQueueItems'] as const;
const ENV: Record<string, keyof AgentConfig> = {
  VIGIL_AGENT_URL: 'url',
  VIGIL_AGENT_TOKEN: 'token',
  VIGIL_AGENT_QUEUE_DIR: 'queueDir',
  VIGIL_AGENT_CA_FILE: 'caFile',
  VIGIL_AGENT_CERT_FILE: 'certFile',
  VIGIL_AGENT_KEY_FILE: 'keyFile',
  VIGIL_AGENT_OWNER: 'owner',
  VIGIL_AGENT_MAX_QUEUE: 'maxQueueItems',
};
const FLAGS: Record<string, keyof AgentConfig> = {
  url: 'url',
  token: 'token',
  'queue-dir': 'queueDir',
  'ca-file': 'caFile',
  'cert-file': 'certFile',
  'key-file': 'keyFile',
};

/** Root keeps its queue with the system's state; anyone else in their home. */
export function defaultQueueDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/vigil-agent/queue' : path.join(os.homedir(), '.vigil-agent', 'queue');
}

/** Config file, then environment, then flags: each overrides the one before. Throws UsageError. */
export function resolveConfig(values: Record<string, unknown>, env: NodeJS.ProcessEnv): AgentConfig {
  const config: Partial<Record<keyof AgentConfig, unknown>> = {};
  const file = (values.config as string | undefined) ?? env.VIGIL_AGENT_CONFIG;
  if (file) Object.assign(config, readConfigFile(file));
  for (const [name, key] of Object.entries(ENV)) if (env[name]) config[key] = env[name];
  for (const [flag, key] of Object.entries(FLAGS)) if (typeof values[flag] === 'string') config[key] = values[flag];
  if (typeof values.timeout === 'string') config.timeoutMs = values.timeout;
  const timeoutMs = config.timeoutMs === undefined ? undefined : Number(config.timeoutMs);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 50 && timeoutMs <= 600_000)) throw new UsageError('timeout must be an integer number of milliseconds, 50 to 600000');
  const maxQueueItems = config.maxQueueItems === undefined ? undefined : Number(config.maxQueueItems);
  if (maxQueueItems !== undefined && !(Number.isInteger(maxQueueItems) && maxQueueItems >= 1 && maxQueueItems <= 10_000_000)) throw new UsageError('maxQueueItems must be an integer, 1 to 10000000');
  if (config.url !== undefined) {
    try {
      const u = new URL(String(config.url));
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    } catch {
      throw new UsageError(`url must be an http:// or https:// URL, got ${JSON.stringify(String(config.url))}`);
    }
  }
  if (config.url && String(config.url).startsWith('http:') && config.certFile) throw new UsageError('a client certificate needs an https:// url');
  return {
    url: config.url as string | undefined,
    token: config.token as string | undefined,
    queueDir: (config.queueDir as string | undefined) ?? defaultQueueDir(),
    caFile: config.caFile as string | undefined,
    certFile: config.certFile as string | undefined,
    keyFile: config.keyFile as string | undefined,
    owner: config.owner as string | undefined,
    timeoutMs,
    maxQueueItems,
  };
}

function readConfigFile(file: string): Partial<Record<keyof AgentConfig, unknown>> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the config file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`the config file ${file} must hold a JSON object`);
  const out: Partial<Record<keyof AgentConfig, unknown>> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(FILE_KEYS as readonly string[]).includes(key)) throw new UsageError(`the config file ${file} has an unknown key ${JSON.stringify(key)} (known: ${FILE_KEYS.join(', ')})`);
    const numeric = key === 'timeoutMs' || key === 'maxQueueItems';
    const ok = numeric ? typeof value === 'number' : typeof value === 'string' && value.length > 0;
    if (!ok) throw new UsageError(`the config file ${file}: ${key} must be ${numeric ? 'a number' : 'a non-empty string'}`);
    out[key as keyof AgentConfig] = value;
  }
  return out;
}
