import { hash } from 'node:crypto';

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

export type ChainedRecord = ChainedFields & { prevHash: string; hash: string };

/**
 * Each record's hash covers its own fields and the previous record's hash: changing, removing or
 * reordering any record breaks every hash after it.
 */
export function chainHash(prevHash: string, record: ChainedFields): string {
  const canonical = JSON.stringify([record.seq, record.at, record.actor, record.action, record.sessionId, record.detail]);
  // one-shot: the same digest as update(prevHash), update('\n'), update(canonical), without a Hash object per record
  return hash('sha256', `${prevHash}\n${canonical}`, 'hex');
}

/**
 * A (seq, hash) the chain must pass through, kept apart from the records: the stored head today
 * (`audit_head`), signed checkpoints later. Records rewritten with recomputed hashes still link
 * to each other; they no longer reach the anchor's hash. An anchor is only as trustworthy as
 * where it is kept: the head sits in the same database as the records.
 */
export interface ChainAnchor {
  seq: number;
  hash: string;
  source: 'head' | 'checkpoint';
}

/**
 * - `record-mismatch`: a record's hash or its link to the previous one is wrong (edited in place)
 * - `missing-record`: a sequence number is skipped (a record deleted from the middle)
 * - `head-mismatch` / `checkpoint-mismatch`: the chain is consistent but does not reach the
 *   anchor's hash: records up to `brokenAt` were rewritten and their hashes recomputed
 * - `truncated`: the chain ends before an anchor (the last records were deleted)
 * - `beyond-head`: records exist that no head ever covered (appended behind Vigil's back)
 * - `checkpoint-signature`: a checkpoint claims this gateway's key but its signature is wrong
 * - `checkpoint-missing`: records old enough to be covered by a signed checkpoint are not (the
 *   checkpoints were deleted, e.g. to hide a rewrite of the whole chain and head)
 */
export type ChainBreak =
  | 'record-mismatch'
  | 'missing-record'
  | 'head-mismatch'
  | 'checkpoint-mismatch'
  | 'truncated'
  | 'beyond-head'
  | 'checkpoint-signature'
  | 'checkpoint-missing';

export interface ChainVerdict {
  ok: boolean;
  /** records that passed every check before the first problem */
  checked: number;
  /** seq of the first record found wrong or missing */
  brokenAt?: number;
  reason?: ChainBreak;
}

/**
 * Verifies a chain fed in seq order, page by page (memory stays flat however long the chain),
 * against the genesis hash and the anchors. Stops at the first problem.
 */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private expectedSeq = 1;
  private checked = 0;
  private broken?: { brokenAt: number; reason: ChainBreak };
  private readonly anchors: ChainAnchor[];

  constructor(anchors: ChainAnchor[] = []) {
    this.anchors = [...anchors].sort((a, b) => a.seq - b.seq);
    // An anchor before the first record can only be the genesis.
    while (this.anchors[0]?.seq === 0) {
      const anchor = this.anchors.shift()!;
      if (anchor.hash !== GENESIS_HASH) this.broken ??= { brokenAt: 1, reason: mismatchOf(anchor) };
    }
  }

  /** False once the chain is broken: feeding more changes nothing. */
  add(record: ChainedRecord): boolean {
    if (this.broken) return false;
    if (record.seq !== this.expectedSeq) {
      this.broken = { brokenAt: this.expectedSeq < record.seq ? this.expectedSeq : record.seq, reason: this.expectedSeq < record.seq ? 'missing-record' : 'record-mismatch' };
      return false;
    }
    if (record.prevHash !== this.prev || chainHash(this.prev, record) !== record.hash) {
      this.broken = { brokenAt: record.seq, reason: 'record-mismatch' };
      return false;
    }
    // the head and a checkpoint may anchor the same record
    while (this.anchors[0]?.seq === record.seq) {
      const anchor = this.anchors.shift()!;
      if (anchor.hash !== record.hash) {
        this.broken = { brokenAt: record.seq, reason: mismatchOf(anchor) };
        return false;
      }
    }
    this.prev = record.hash;
    this.expectedSeq++;
    this.checked++;
    return true;
  }

  addAll(records: ChainedRecord[]): boolean {
    for (const record of records) if (!this.add(record)) return false;
    return true;
  }

  /** The verdict once every record was fed. */
  finish(): ChainVerdict {
    if (this.broken) return { ok: false, checked: this.checked, ...this.broken };
    if (this.anchors.length > 0) return { ok: false, checked: this.checked, brokenAt: this.expectedSeq, reason: 'truncated' };
    return { ok: true, checked: this.checked };
  }
}

/** Verifies records given in seq order, starting from the genesis hash, through the anchors. */
export function verifyChain(records: ChainedRecord[], anchors: ChainAnchor[] = []): ChainVerdict {
  const verifier = new ChainVerifier(anchors);
  verifier.addAll(records);
  return verifier.finish();
}

function mismatchOf(anchor: ChainAnchor): ChainBreak {
  return anchor.source === 'head' ? 'head-mismatch' : 'checkpoint-mismatch';
}
