import { createHash, randomBytes } from 'node:crypto';

/** A bearer secret: 256 random bits with a readable prefix that tells what kind of token it is. */
export function generateToken(prefix: 'vgu' | 'vga'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are stored as their SHA-256: they are random, so a slow KDF adds nothing. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
