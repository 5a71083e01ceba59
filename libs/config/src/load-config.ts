import * as path from 'node:path';
import { VigilConfig } from './vigil-config';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;
const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

/**
 * Parses and validates the environment. Every bad variable is reported at once, each with
 * what was expected, so a misconfigured deployment fails at boot rather than at first use.
 */
export function loadConfig(env: Env = process.env): VigilConfig {
  const problems: string[] = [];

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return Number(raw);
  };
  const text = (name: string, fallback: string): string => {
    const raw = env[name];
    return raw === undefined || raw === '' ? fallback : raw;
  };

  const port = integer('PORT', 8080, 0, 65535);
  const jumpSshPort = integer('JUMP_SSH_PORT', 2222, 0, 65535);
  const dataDir = path.resolve(text('VIGIL_DATA_DIR', './data'));

  let database: VigilConfig['database'] = { kind: 'sqlite', file: path.join(dataDir, 'vigil.sqlite') };
  const databaseUrl = env.DATABASE_URL;
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\/.+/.test(databaseUrl)) {
      problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use embedded SQLite)');
    } else {
      database = { kind: 'postgres', url: databaseUrl };
    }
  }

  const redisUrl = env.REDIS_URL || null;
  if (redisUrl && !/^rediss?:\/\/.+/.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');

  const adminUser = text('VIGIL_ADMIN_USER', 'admin');
  if (!/^[a-zA-Z0-9._-]{1,64}$/.test(adminUser)) {
    problems.push('VIGIL_ADMIN_USER must be 1-64 characters of letters, digits, ".", "_" or "-"');
  }
  const adminPassword = env.VIGIL_ADMIN_PASSWORD || null;
  if (adminPassword !== null && adminPassword.length < 8) {
    problems.push('VIGIL_ADMIN_PASSWORD must be at least 8 characters');
  }

  let masterKey: Buffer | null = null;
  if (env.VIGIL_MASTER_KEY) {
    masterKey = Buffer.from(env.VIGIL_MASTER_KEY, 'base64');
    if (masterKey.length !== 32) problems.push('VIGIL_MASTER_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  }

  const demo = text('VIGIL_DEMO', '0');
  if (demo !== '0' && demo !== '1') problems.push(`VIGIL_DEMO must be 0 or 1 (got "${demo}")`);

  const logLevel = text('LOG_LEVEL', 'log');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }

  const config: VigilConfig = {
    port,
    host: text('HOST', '0.0.0.0'),
    jumpSshPort,
    dataDir,
    database,
    redisUrl,
    guacd: { host: text('GUACD_HOST', '127.0.0.1'), port: integer('GUACD_PORT', 4822, 1, 65535) },
    admin: { username: adminUser, password: adminPassword },
    tokenTtlSeconds: integer('VIGIL_TOKEN_TTL_SECONDS', 8 * 3600, 60, 30 * 24 * 3600),
    heartbeatTimeoutMs: integer('VIGIL_HEARTBEAT_TIMEOUT_MS', 90_000, 100, 24 * 3600_000),
    disconnectGraceMs: integer('VIGIL_DISCONNECT_GRACE_MS', 300_000, 0, 7 * 24 * 3600_000),
    sweepIntervalMs: integer('VIGIL_SWEEP_INTERVAL_MS', 5_000, 50, 3600_000),
    accessLogRetentionDays: integer('VIGIL_ACCESS_LOG_RETENTION_DAYS', 0, 0, 36500),
    masterKey,
    demo: demo === '1',
    logLevel: logLevel as VigilConfig['logLevel'],
  };
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}

/** For entry points: the validated config, or a message per bad variable on stderr and exit code 2. */
export function loadConfigOrExit(env: Env = process.env): VigilConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
