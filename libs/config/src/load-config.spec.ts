import { ConfigValidationError, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('defaults to embedded SQLite in ./data on port 8080', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.jumpSshPort).toBe(2222);
    expect(config.database.kind).toBe('sqlite');
    expect(config.accessLogRetentionDays).toBe(0);
  });

  it('selects PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:5432/vigil' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@127.0.0.1:5432/vigil', preparedStatements: true });
    const pooled = loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:6432/vigil', VIGIL_PG_PREPARED_STATEMENTS: '0' });
    expect(pooled.database).toEqual({ kind: 'postgres', url: 'postgres://u@127.0.0.1:6432/vigil', preparedStatements: false });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/v', VIGIL_PG_PREPARED_STATEMENTS: 'yes' })).toThrow(/VIGIL_PG_PREPARED_STATEMENTS must be 0 or 1/);
  });

  it('reports every bad variable at once, each by name', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', VIGIL_HEARTBEAT_TIMEOUT_MS: '-5', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    expect(problems).toMatch(/PORT must be an integer/);
    expect(problems).toMatch(/DATABASE_URL must be a postgres/);
    expect(problems).toMatch(/VIGIL_HEARTBEAT_TIMEOUT_MS/);
    expect(problems).toMatch(/LOG_LEVEL must be one of/);
  });

  it('rejects a short bootstrap admin password', () => {
    expect(() => loadConfig({ VIGIL_ADMIN_PASSWORD: 'short' })).toThrow(/VIGIL_ADMIN_PASSWORD/);
  });
});

describe('loadConfig master key', () => {
  it('accepts a 32-byte base64 key and rejects anything else', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ VIGIL_MASTER_KEY: key }).masterKey?.length).toBe(32);
    expect(() => loadConfig({ VIGIL_MASTER_KEY: 'c2hvcnQ=' })).toThrow(/VIGIL_MASTER_KEY must be 32 bytes/);
  });
});

describe('loadConfig audit and event delivery', () => {
  it('defaults to EventBridge-like retries and a minute between checkpoints', () => {
    const config = loadConfig({});
    expect(config.audit).toEqual({ chainPollMs: 500, checkpointIntervalMs: 60_000, signingKeyFile: null });
    expect(config.events).toMatchObject({ retryWindowMs: 24 * 3600_000, maxAttempts: 185, smtp: { url: null, from: 'vigil@localhost' }, publicUrl: null });
  });

  it('takes a signing key file, an SMTP server and a public URL', () => {
    const config = loadConfig({ VIGIL_AUDIT_SIGNING_KEY_FILE: '/etc/vigil/audit.pem', VIGIL_SMTP_URL: 'smtp://127.0.0.1:2525', VIGIL_PUBLIC_URL: 'https://vigil.example.com/' });
    expect(config.audit.signingKeyFile).toBe('/etc/vigil/audit.pem');
    expect(config.events.smtp.url).toBe('smtp://127.0.0.1:2525');
    expect(config.events.publicUrl).toBe('https://vigil.example.com');
  });

  it('names every bad audit or events variable', () => {
    let problems = '';
    try {
      loadConfig({ VIGIL_SMTP_URL: 'http://mail', VIGIL_PUBLIC_URL: 'javascript:alert(1)', VIGIL_EVENTS_MAX_ATTEMPTS: '0', VIGIL_AUDIT_CHECKPOINT_INTERVAL_MS: '5' });
    } catch (e) {
      problems = (e as ConfigValidationError).problems.join('\n');
    }
    for (const name of ['VIGIL_SMTP_URL', 'VIGIL_PUBLIC_URL', 'VIGIL_EVENTS_MAX_ATTEMPTS', 'VIGIL_AUDIT_CHECKPOINT_INTERVAL_MS']) expect(problems).toContain(name);
  });
});
