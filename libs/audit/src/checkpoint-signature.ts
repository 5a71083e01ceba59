import { KeyObject, createHash, createPublicKey, sign, verify } from 'node:crypto';

/**
 * Signed checkpoints of the audit chain's head. The signed text names the format, so a signature
 * made for anything else never verifies as a checkpoint. Pure: keys in, verdicts out (the
 * offline verifier, scripts/verify-audit.js, uses the same functions through dist/).
 */
export interface Checkpoint {
  seq: number;
  hash: string;
  /** epoch ms when it was signed */
  at: number;
  keyId: string;
  /** base64 Ed25519 signature over checkpointPayload() */
  signature: string;
}

export function checkpointPayload(seq: number, hash: string, at: number): Buffer {
  return Buffer.from(`vigil-audit-checkpoint/v1\n${seq}\n${hash}\n${at}\n`, 'utf8');
}

/** A public key's id: the first 32 hex digits of SHA-256 over its DER (SPKI) encoding. */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 32);
}

export function signCheckpoint(privateKey: KeyObject, seq: number, hash: string, at: number): Checkpoint {
  return { seq, hash, at, keyId: keyIdOf(privateKey), signature: sign(null, checkpointPayload(seq, hash, at), privateKey).toString('base64') };
}

/** True only for a signature by `publicKey` over exactly this checkpoint. */
export function checkpointSignatureValid(publicKey: KeyObject, checkpoint: Checkpoint): boolean {
  if (checkpoint.keyId !== keyIdOf(publicKey)) return false;
  try {
    return verify(null, checkpointPayload(checkpoint.seq, checkpoint.hash, checkpoint.at), publicKey, Buffer.from(checkpoint.signature, 'base64')) === true;
  } catch {
    return false;
  }
}
