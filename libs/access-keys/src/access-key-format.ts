import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** `AKIA` + 16 base32 characters (80 random bits): 20 characters, the shape AWS tools expect. */
export const ACCESS_KEY_ID = /^AKIA[A-Z2-7]{16}$/;

export function generateAccessKeyId(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(10);
  let bits = 0;
  let value = 0;
  let out = 'AKIA';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** 40 characters of base64 (240 random bits), as AWS secret access keys look. */
export function generateSecretAccessKey(random: (n: number) => Buffer = randomBytes): string {
  return random(30).toString('base64');
}

/** What the secret is bound to when encrypted: a ciphertext moved onto another key fails to decrypt. */
export const secretBinding = (accessKeyId: string) => `access-key:${accessKeyId}`;
