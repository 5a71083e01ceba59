import * as path from 'node:path';
import { parseAllowedOrigins } from './allowed-origins';
import { loadTlsFiles } from './tls-files';
import { parseSsmImportEnv } from './ssm-import-env';
import { parseTrustProxy } from './trust-proxy';
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
      // a pooler that does not keep a client's prepared statements (PgBouncer before 1.21, or
      // without max_prepared_statements, in transaction mode) needs them off
      const prepared = text('VIGIL_PG_PREPARED_STATEMENTS', '1');
      if (prepared !== '0' && prepared !== '1') problems.push(`VIGIL_PG_PREPARED_STATEMENTS must be 0 or 1 (got "${prepared}")`);
      database = { kind: 'postgres', url: databaseUrl, preparedStatements: prepared !== '0' };
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

  const loginThrottle = {
    maxFailures: integer('VIGIL_LOGIN_MAX_FAILURES', 5, 1, 1000),
    maxFailuresPerAccount: integer('VIGIL_LOGIN_MAX_FAILURES_PER_ACCOUNT', 20, 1, 100_000),
    maxFailuresPerIp: integer('VIGIL_LOGIN_MAX_FAILURES_PER_IP', 50, 1, 100_000),
    windowSeconds: integer('VIGIL_LOGIN_WINDOW_SECONDS', 900, 1, 7 * 24 * 3600),
    lockoutSeconds: integer('VIGIL_LOGIN_LOCKOUT_SECONDS', 60, 1, 7 * 24 * 3600),
    maxLockoutSeconds: integer('VIGIL_LOGIN_MAX_LOCKOUT_SECONDS', 24 * 3600, 1, 7 * 24 * 3600),
  };
  if (loginThrottle.maxLockoutSeconds < loginThrottle.lockoutSeconds) {
    problems.push('VIGIL_LOGIN_MAX_LOCKOUT_SECONDS must be at least VIGIL_LOGIN_LOCKOUT_SECONDS');
  }
  // the SSH jump's door before authentication (OpenSSH's LoginGraceTime, MaxStartups, PerSourceMaxStartups)
  const jumpPreAuth = {
    loginGraceMs: integer('VIGIL_JUMP_LOGIN_GRACE_MS', 30_000, 500, 600_000),
    maxStartups: integer('VIGIL_JUMP_MAX_STARTUPS', 100, 1, 100_000),
    maxStartupsPerIp: integer('VIGIL_JUMP_MAX_STARTUPS_PER_IP', 10, 1, 100_000),
  };
  if (jumpPreAuth.maxStartupsPerIp > jumpPreAuth.maxStartups) {
    problems.push('VIGIL_JUMP_MAX_STARTUPS_PER_IP must not exceed VIGIL_JUMP_MAX_STARTUPS');
  }
  const trustProxy = parseTrustProxy(env.VIGIL_TRUST_PROXY);
  if (trustProxy.problem) problems.push(trustProxy.problem);

  const allowedOrigins = parseAllowedOrigins(env.VIGIL_ALLOWED_ORIGINS);
  if (allowedOrigins.problem) problems.push(allowedOrigins.problem);
  const tls = loadTlsFiles(env.TLS_CERT, env.TLS_KEY);
  problems.push(...tls.problems);
  const ssmImport = parseSsmImportEnv(env, integer);
  problems.push(...ssmImport.problems);

  const audit = {
    chainPollMs: integer('VIGIL_AUDIT_CHAIN_POLL_MS', 500, 10, 60_000),
    checkpointIntervalMs: integer('VIGIL_AUDIT_CHECKPOINT_INTERVAL_MS', 60_000, 100, 24 * 3600_000),
    signingKeyFile: env.VIGIL_AUDIT_SIGNING_KEY_FILE ? path.resolve(env.VIGIL_AUDIT_SIGNING_KEY_FILE) : null,
  };
  const smtpUrl = env.VIGIL_SMTP_URL || null;
  if (smtpUrl && !/^smtps?:\/\/.+/.test(smtpUrl)) problems.push('VIGIL_SMTP_URL must be an smtp:// or smtps:// URL');
  const publicUrl = env.VIGIL_PUBLIC_URL || null;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) problems.push('VIGIL_PUBLIC_URL must be an http(s):// URL (the console address used in notification links)');
  const events = {
    pollMs: integer('VIGIL_EVENTS_POLL_MS', 1_000, 10, 60_000),
    leaseMs: integer('VIGIL_EVENTS_LEASE_MS', 30_000, 500, 3600_000),
    retryBaseMs: integer('VIGIL_EVENTS_RETRY_BASE_MS', 1_000, 1, 3600_000),
    retryMaxMs: integer('VIGIL_EVENTS_RETRY_MAX_MS', 15 * 60_000, 1, 24 * 3600_000),
    // EventBridge's defaults: a 24-hour window and 185 attempts, then the dead-letter list
    retryWindowMs: integer('VIGIL_EVENTS_RETRY_WINDOW_MS', 24 * 3600_000, 1, 7 * 24 * 3600_000),
    maxAttempts: integer('VIGIL_EVENTS_MAX_ATTEMPTS', 185, 1, 10_000),
    requestTimeoutMs: integer('VIGIL_EVENTS_REQUEST_TIMEOUT_MS', 5_000, 50, 120_000),
    concurrency: integer('VIGIL_EVENTS_CONCURRENCY', 16, 1, 1_000),
    smtp: { url: smtpUrl, from: text('VIGIL_SMTP_FROM', 'vigil@localhost') },
    publicUrl: publicUrl ? publicUrl.replace(/\/+$/, '') : null,
  };

  const config: VigilConfig = {
    port,
    host: text('HOST', '0.0.0.0'),
    jumpSshPort,
    dataDir,
    database,
    redisUrl,
    guacd: { host: text('GUACD_HOST', '127.0.0.1'), port: integer('GUACD_PORT', 4822, 1, 65535) },
    admin: { username: adminUser, password: adminPassword },
    // as short as 2 s: sockets close at their token's expiry, which tests prove without waiting a minute
    tokenTtlSeconds: integer('VIGIL_TOKEN_TTL_SECONDS', 8 * 3600, 2, 30 * 24 * 3600),
    heartbeatTimeoutMs: integer('VIGIL_HEARTBEAT_TIMEOUT_MS', 90_000, 100, 24 * 3600_000),
    disconnectGraceMs: integer('VIGIL_DISCONNECT_GRACE_MS', 300_000, 0, 7 * 24 * 3600_000),
    sweepIntervalMs: integer('VIGIL_SWEEP_INTERVAL_MS', 5_000, 50, 3600_000),
    accessLogRetentionDays: integer('VIGIL_ACCESS_LOG_RETENTION_DAYS', 0, 0, 36500),
    masterKey,
    demo: demo === '1',
    logLevel: logLevel as VigilConfig['logLevel'],
    loginThrottle,
    jumpPreAuth,
    trustProxy: trustProxy.value,
    allowedOrigins: allowedOrigins.value,
    tls: tls.value,
    ssmImport: ssmImport.value,
    audit,
    events,
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
