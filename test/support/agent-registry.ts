import type { TestGateway } from './test-gateway';

type Row = { id: string; externalId: string; [key: string]: unknown };

/** Every row of a paged list (`/api/sessions` or `/api/access-logs`) whose externalId starts with `prefix`. */
export async function listByPrefix(http: TestGateway['http'], adminToken: string, route: '/api/sessions' | '/api/access-logs', prefix: string): Promise<Row[]> {
  const rows: Row[] = [];
  let nextToken: string | undefined;
  do {
    const res = await http
      .get(route)
      .query({ limit: 1000, ...(nextToken ? { nextToken } : {}) })
      .auth(adminToken, { type: 'bearer' })
      .expect(200);
    rows.push(...(res.body.items as Row[]).filter((r) => r.externalId.startsWith(prefix)));
    nextToken = res.body.nextToken;
  } while (nextToken);
  return rows;
}

/** externalId → how many rows carry it. */
export function countByExternalId(rows: Row[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.externalId, (counts.get(row.externalId) ?? 0) + 1);
  return counts;
}
