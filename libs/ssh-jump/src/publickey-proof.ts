import { utils } from 'ssh2';

/**
 * The key types the jump accepts, with the hash each signature algorithm must use. `ssh-rsa` with
 * SHA-1 (the legacy `ssh-rsa` signature) and DSA are refused, as OpenSSH has done since 8.8.
 */
const ACCEPTED: Record<string, ReadonlyArray<string | undefined>> = {
  'ssh-ed25519': [undefined],
  'ecdsa-sha2-nistp256': [undefined],
  'ecdsa-sha2-nistp384': [undefined],
  'ecdsa-sha2-nistp521': [undefined],
  'ssh-rsa': ['sha256', 'sha512'],
};

export interface PublicKeyAttempt {
  /** The key algorithm named in the request, as ssh2 reports it (`rsa-sha2-*` arrive as `ssh-rsa`). */
  algo: string;
  /** The public key blob the client sent. */
  data: Buffer;
  /** The hash named by the signature algorithm (`sha256` for `rsa-sha2-256`), if any. */
  hashAlgo?: string;
}

export type PublicKeyVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Whether the algorithm named in a publickey request fits the key it carries. Checked before the
 * registration lookup and before the signature: a request that names one algorithm over another
 * type's key must never reach verification (ssh2's verify() answers such a mismatch with an Error
 * object, not `false`).
 */
export function checkKeyAlgorithm(attempt: PublicKeyAttempt): PublicKeyVerdict {
  const parsed = utils.parseKey(attempt.data);
  if (parsed instanceof Error || Array.isArray(parsed)) return { ok: false, reason: 'unparsable public key' };
  const hashes = ACCEPTED[parsed.type];
  if (!hashes) return { ok: false, reason: `key type ${parsed.type} is not accepted` };
  if (attempt.algo !== parsed.type) return { ok: false, reason: `algorithm ${attempt.algo} does not match a ${parsed.type} key` };
  if (!hashes.includes(attempt.hashAlgo)) {
    return { ok: false, reason: `signature hash ${attempt.hashAlgo ?? 'sha1'} is not accepted for ${parsed.type}` };
  }
  return { ok: true };
}

/**
 * Proof of possession: the algorithm fits the key and the signature verifies over `blob`. Only a
 * literal `true` from ssh2 counts; anything else (false, an Error, a throw) is a refusal.
 */
export function verifyPublicKeyProof(attempt: PublicKeyAttempt, blob: Buffer, signature: Buffer): PublicKeyVerdict {
  const fits = checkKeyAlgorithm(attempt);
  if (!fits.ok) return fits;
  const parsed = utils.parseKey(attempt.data);
  if (parsed instanceof Error || Array.isArray(parsed)) return { ok: false, reason: 'unparsable public key' };
  let verified: unknown;
  try {
    verified = parsed.verify(blob, signature, attempt.hashAlgo);
  } catch {
    verified = false;
  }
  return verified === true ? { ok: true } : { ok: false, reason: 'signature does not verify' };
}
