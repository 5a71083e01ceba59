import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

export type DatabaseKind = 'sqlite' | 'postgres';
/** Every e2e suite runs against both engines. */
export const DATABASE_KINDS: DatabaseKind[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  kind: DatabaseKind;
  /** environment for the gateway: VIGIL_DATA_DIR always, DATABASE_URL for PostgreSQL */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A new, empty database: a temp folder for SQLite, a fresh database in the test cluster for PostgreSQL. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-test-'));
  const removeDir = () => fs.rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') return { kind, env: { VIGIL_DATA_DIR: dataDir }, drop: async () => removeDir() };

  const serverUrl = process.env.VIGIL_TEST_POSTGRES_URL;
  if (!serverUrl) throw new Error('VIGIL_TEST_POSTGRES_URL is not set: the jest global setup starts PostgreSQL');
  const name = `vigil_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = serverUrl.replace(/\/[^/]*$/, `/${name}`);
  return {
    kind,
    env: { VIGIL_DATA_DIR: dataDir, DATABASE_URL: url },
    drop: async () => {
      removeDir();
      await withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
