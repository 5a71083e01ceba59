import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Event rules and their durable delivery (libs/events, issue 9).
 *
 * - `event_rules`: an EventBridge pattern and 1-5 targets (JSON; a webhook's secret inside it is
 *   AES-256-GCM encrypted with the credential key). `name_key` is the lower-cased name, unique.
 * - `event_deliveries`: one row per (event envelope, rule, target), inserted in the transaction
 *   that chains the audit record, so no chained event is ever without its deliveries. Claimed
 *   with a lease; `audit_seq` + `sub_seq` order a target's rows of one `order_key` (the session
 *   id, or '' for events about no session): only the oldest pending one is eligible.
 * - `event_delivery_attempts`: every attempt's status code, latency and error.
 */
export class EventRules1733000000600 implements MigrationInterface {
  name = 'EventRules1733000000600';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'event_rules',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '64' },
          { name: 'name_key', type: 'varchar', length: '64', isUnique: true },
          { name: 'description', type: 'varchar', length: '512', isNullable: true },
          { name: 'event_pattern', type: 'text' },
          { name: 'enabled', type: 'boolean' },
          { name: 'targets', type: 'text' },
          { name: 'created_at', type: 'bigint' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'event_deliveries',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'rule_id', type: 'varchar', length: '36' },
          { name: 'target_id', type: 'varchar', length: '36' },
          // the envelope's id: the same on every redelivery (receivers deduplicate on it)
          { name: 'event_id', type: 'varchar', length: '36' },
          { name: 'detail_type', type: 'varchar', length: '64' },
          { name: 'audit_seq', type: 'bigint' },
          { name: 'sub_seq', type: 'integer' },
          { name: 'order_key', type: 'varchar', length: '64' },
          // pending | delivered | dead
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'next_attempt_at', type: 'bigint' },
          { name: 'lease_until', type: 'bigint', isNullable: true },
          { name: 'leased_by', type: 'varchar', length: '64', isNullable: true },
          { name: 'first_attempt_at', type: 'bigint', isNullable: true },
          { name: 'last_status_code', type: 'integer', isNullable: true },
          { name: 'last_error', type: 'varchar', length: '512', isNullable: true },
          { name: 'last_latency_ms', type: 'integer', isNullable: true },
          { name: 'created_at', type: 'bigint' },
          { name: 'delivered_at', type: 'bigint', isNullable: true },
          { name: 'envelope', type: 'text' },
        ],
      }),
    );
    await q.createIndices('event_deliveries', [
      new TableIndex({ name: 'ux_event_deliveries_event', columnNames: ['event_id', 'rule_id', 'target_id'], isUnique: true }),
      // The claim: due pending rows in claim order, and "is there an older pending row of this
      // target and key". Partial (pending only): a delivered row leaves them, so they stay as small
      // as the queue, and the ordered scan (not a bitmap scan) lets PostgreSQL skip the dead entries
      // a busy queue leaves behind until vacuum.
      new TableIndex({ name: 'ix_event_deliveries_due', columnNames: ['next_attempt_at', 'audit_seq', 'sub_seq'], where: "status = 'pending'" }),
      new TableIndex({ name: 'ix_event_deliveries_order', columnNames: ['target_id', 'order_key', 'audit_seq', 'sub_seq'], where: "status = 'pending'" }),
      new TableIndex({ name: 'ix_event_deliveries_rule', columnNames: ['rule_id', 'id'] }),
    ]);
    await q.createTable(
      new Table({
        name: 'event_delivery_attempts',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'delivery_id', type: 'varchar', length: '36' },
          // the delivery's attempt number (counting again from 1 after a redrive)
          { name: 'attempt', type: 'integer' },
          { name: 'at', type: 'bigint' },
          { name: 'status_code', type: 'integer', isNullable: true },
          { name: 'latency_ms', type: 'integer', isNullable: true },
          { name: 'error', type: 'varchar', length: '512', isNullable: true },
          { name: 'gateway', type: 'varchar', length: '64', isNullable: true },
        ],
      }),
    );
    await q.createIndex('event_delivery_attempts', new TableIndex({ name: 'ix_event_delivery_attempts_delivery', columnNames: ['delivery_id', 'id'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('event_delivery_attempts');
    await q.dropTable('event_deliveries');
    await q.dropTable('event_rules');
  }
}
