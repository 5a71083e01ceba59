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
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://u@127.0.0.1:5432/vigil' });
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
