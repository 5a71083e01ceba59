/** The adapter's settings, validated once at start from the environment (main.ts passes process.env). */
export interface SsoAdapterConfig {
  vigilUrl: string;
  agentToken: string;
  /** HMAC key shared with the IdP (≥ 32 bytes); null: no webhook server (log lines only) */
  webhookSecret: string | null;
  host: string;
  port: number;
  queueDir: string;
  /** Vigil username who may see the sessions, or `@user` */
  owner: string;
  /** `client` of the sessions: the IdP's name */
  client: string;
  transport: 'socket' | 'http';
  /** read log lines on stdin */
  stdin: boolean;
}

export class ConfigError extends Error {}

export function loadAdapterConfig(env: Record<string, string | undefined>, argv: string[] = []): SsoAdapterConfig {
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new ConfigError(`${name} is required`);
    return value;
  };
  const vigilUrl = need('VIGIL_URL');
  if (!/^https?:\/\//.test(vigilUrl)) throw new ConfigError('VIGIL_URL must be an http(s) URL');
  const secret = env.SSO_WEBHOOK_SECRET?.trim() || null;
  if (secret !== null && Buffer.byteLength(secret) < 32) throw new ConfigError('SSO_WEBHOOK_SECRET must be at least 32 bytes (e.g. openssl rand -hex 32)');
  const stdin = argv.includes('--stdin');
  if (secret === null && !stdin) throw new ConfigError('set SSO_WEBHOOK_SECRET for the webhook, or pass --stdin to read log lines');
  const port = Number(env.SSO_PORT ?? '8090');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError('SSO_PORT must be a port number');
  const transport = env.SSO_TRANSPORT ?? 'socket';
  if (transport !== 'socket' && transport !== 'http') throw new ConfigError('SSO_TRANSPORT must be socket or http');
  const owner = env.SSO_OWNER?.trim() || 'admin';
  if (owner !== '@user' && !/^[a-zA-Z0-9._-]{1,64}$/.test(owner)) throw new ConfigError('SSO_OWNER must be a Vigil username or @user');
  return {
    vigilUrl,
    agentToken: need('VIGIL_AGENT_TOKEN'),
    webhookSecret: secret,
    host: env.SSO_HOST?.trim() || '127.0.0.1',
    port,
    queueDir: env.SSO_QUEUE_DIR?.trim() || './vigil-sso-queue',
    owner,
    client: env.SSO_CLIENT?.trim() || 'sso',
    transport,
    stdin,
  };
}
