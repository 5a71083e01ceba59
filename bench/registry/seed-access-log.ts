import Database from 'better-sqlite3';
import { Client } from 'pg';

export const SEED = {
  owners: 200,
  users: 5000,
  clients: 500,
  days: 365,
};

const TYPES = ['CONSOLE', 'WebSSO', 'ESSO', 'PAM', 'PAM_RDP', 'PAM_SSH'];

/**
 * Fills the access log with `rows` synthetic entries spread over a year (deterministic: entry i
 * belongs to owner i % owners and ends at a fixed step). Runs while the gateway is stopped.
 */
export async function seedAccessLog(target: { sqliteFile?: string; postgresUrl?: string }, rows: number, now: number): Promise<void> {
  const span = SEED.days * 24 * 3600_000;
  const step = span / rows;
  if (target.postgresUrl) {
    const client = new Client({ connectionString: target.postgresUrl });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO access_log (id, agent_id, external_id, type, status, user_name, device, client, port, service_url,
           account_name, service_provider, owner, start_date, end_date, duration_seconds, end_reason)
         SELECT md5(g::text)::uuid::text, 'seed-agent', 'seed-' || g, ($5::text[])[1 + g % 6], 'Terminated',
           'user-' || (g % $2), '10.0.' || (g % 250) || '.' || (g % 200), 'client-' || (g % $3), 22,
           'ssh://client-' || (g % $3), 'root', 'corp-idp', 'owner-' || (g % $4),
           ($6::bigint - $7::bigint + floor(g * $8::float8)::bigint - 1800000),
           ($6::bigint - $7::bigint + floor(g * $8::float8)::bigint), 1800, 'ended'
         FROM generate_series(0, $1::int - 1) AS g`,
        [rows, SEED.users, SEED.clients, SEED.owners, TYPES, now, span, step],
      );
      await client.query('ANALYZE access_log');
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(target.sqliteFile!);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(
    `INSERT INTO access_log (id, agent_id, external_id, type, status, user_name, device, client, port, service_url,
       account_name, service_provider, owner, start_date, end_date, duration_seconds, end_reason)
     VALUES (?, 'seed-agent', ?, ?, 'Terminated', ?, ?, ?, 22, ?, 'root', 'corp-idp', ?, ?, ?, 1800, 'ended')`,
  );
  const batch = db.transaction((from: number, to: number) => {
    for (let g = from; g < to; g++) {
      const end = Math.floor(now - span + g * step);
      const client = `client-${g % SEED.clients}`;
      insert.run(
        `00000000-0000-4000-8000-${g.toString(16).padStart(12, '0')}`,
        `seed-${g}`,
        TYPES[g % 6],
        `user-${g % SEED.users}`,
        `10.0.${g % 250}.${g % 200}`,
        client,
        `ssh://${client}`,
        `owner-${g % SEED.owners}`,
        end - 1800_000,
        end,
      );
    }
  });
  for (let from = 0; from < rows; from += 50_000) batch(from, Math.min(rows, from + 50_000));
  db.exec('ANALYZE');
  db.close();
}
