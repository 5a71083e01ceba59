import type { KeyObject } from 'node:crypto';
import { Checkpoint, checkpointSignatureValid } from './checkpoint-signature';
import { ChainedRecord, ChainVerdict, ChainVerifier } from './hash-chain';

/**
 * One line of `GET /api/audit/export` (NDJSON): the signed checkpoints first, then every chained
 * record in seq order, exactly as stored. An auditor verifies a saved export offline with the
 * public key they keep (`npm run audit:verify -- export.ndjson key.pem`), needing neither Vigil
 * nor its database.
 */
export type AuditExportLine = ({ type: 'checkpoint' } & Checkpoint) | ({ type: 'record' } & ChainedRecord);

export interface OfflineVerdict extends ChainVerdict {
  checkpointsVerified: number;
  /** checkpoints signed by another key, or with a bad signature (the first makes the verdict not ok) */
  checkpointsRejected: number;
  lastCheckpointSeq: number | null;
}

/** Verifies an export: every checkpoint's signature with `publicKey`, then the chain through them. */
export function verifyExport(lines: Iterable<AuditExportLine>, publicKey: KeyObject): OfflineVerdict {
  const checkpoints: Checkpoint[] = [];
  const records: ChainedRecord[] = [];
  for (const line of lines) {
    if (line.type === 'checkpoint') checkpoints.push(line);
    else if (line.type === 'record') records.push(line);
  }
  const valid = checkpoints.filter((c) => checkpointSignatureValid(publicKey, c));
  const rejected = checkpoints.length - valid.length;
  const lastCheckpointSeq = valid.length > 0 ? Math.max(...valid.map((c) => c.seq)) : null;
  const summary = { checkpointsVerified: valid.length, checkpointsRejected: rejected, lastCheckpointSeq };
  if (rejected > 0) {
    const bad = checkpoints.find((c) => !valid.includes(c))!;
    return { ok: false, checked: 0, brokenAt: bad.seq, reason: 'checkpoint-signature', ...summary };
  }
  const verifier = new ChainVerifier(valid.map((c) => ({ seq: c.seq, hash: c.hash, source: 'checkpoint' as const })));
  verifier.addAll([...records].sort((a, b) => a.seq - b.seq));
  return { ...verifier.finish(), ...summary };
}

export function parseExportLine(text: string): AuditExportLine {
  const line = JSON.parse(text) as AuditExportLine;
  if (line.type === 'record') return { ...line, seq: Number(line.seq), at: Number(line.at) };
  if (line.type === 'checkpoint') return { ...line, seq: Number(line.seq), at: Number(line.at) };
  throw new Error(`not an audit export line: ${text.slice(0, 80)}`);
}
