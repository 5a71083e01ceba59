import { createHash } from 'node:crypto';

/** OpenSSH-style fingerprint of a wire-format public key blob: `SHA256:<base64 without padding>`. */
export function sha256Fingerprint(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Accepts stored fingerprints with or without the `SHA256:` prefix and with padding. */
export function normalizeFingerprint(fingerprint: string): string {
  const bare = fingerprint.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  return `SHA256:${bare}`;
}

export type HostKeyDecision = { action: 'accept' } | { action: 'pin' } | { action: 'refuse'; expected: string };

/** Trust on first use: nothing pinned → pin what we see; pinned → must match exactly. */
export function decideHostKey(pinned: string | null | undefined, seen: string): HostKeyDecision {
  if (pinned === null || pinned === undefined || pinned.trim() === '') return { action: 'pin' };
  const expected = normalizeFingerprint(pinned);
  return expected === seen ? { action: 'accept' } : { action: 'refuse', expected };
}
