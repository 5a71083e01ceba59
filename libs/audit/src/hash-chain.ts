import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields an audit record's hash covers, in a fixed order (so the hash is reproducible). */
export interface ChainedFields {
  seq: number;
  at: number;
  actor: string;
  action: string;
  sessionId: string | null;
  detail: string;
}

/**
 * Each record's hash covers its own fields and the previous record's hash: changing, removing or
 * reordering any record breaks every hash after it.
 */
export function chainHash(prevHash: string, record: ChainedFields): string {
  const canonical = JSON.stringify([record.seq, record.at, record.actor, record.action, record.sessionId, record.detail]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export interface ChainVerdict {
  ok: boolean;
  checked: number;
  /** seq of the first record whose hash or link does not match */
  brokenAt?: number;
}

/** Verifies records given in seq order, starting from the genesis hash. */
export function verifyChain(records: (ChainedFields & { prevHash: string; hash: string })[]): ChainVerdict {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const record of records) {
    if (record.seq !== expectedSeq || record.prevHash !== prev || chainHash(prev, record) !== record.hash) {
      return { ok: false, checked: expectedSeq - 1, brokenAt: record.seq };
    }
    prev = record.hash;
    expectedSeq++;
  }
  return { ok: true, checked: records.length };
}
