import * as path from 'node:path';
import { PostgresServer } from './postgres-server';
import { repoRoot } from './repo-root';

/**
 * Starts the real services the suites need, once per run, and passes their addresses to the
 * workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const postgres = await PostgresServer.start(path.join(repoRoot(), '.test-services', `pg-${process.pid}`));
  process.env.VIGIL_TEST_POSTGRES_URL = postgres.url;
  (globalThis as { __vigilPostgres?: PostgresServer }).__vigilPostgres = postgres;
}
