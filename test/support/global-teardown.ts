import * as fs from 'node:fs';
import type { PostgresServer } from './postgres-server';

export default async function globalTeardown(): Promise<void> {
  const postgres = (globalThis as { __vigilPostgres?: PostgresServer }).__vigilPostgres;
  if (postgres) {
    await postgres.stop();
    fs.rmSync(postgres.dir, { recursive: true, force: true });
  }
}
