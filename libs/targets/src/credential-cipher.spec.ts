import { randomBytes } from 'node:crypto';
import { CredentialCipher } from './credential-cipher';

describe('CredentialCipher', () => {
  const cipher = new CredentialCipher(randomBytes(32));

  it('round-trips and never stores the plaintext', () => {
    const stored = cipher.encrypt('s3cret-password', 'db-01');
    expect(stored).not.toContain('s3cret');
    expect(cipher.decrypt(stored, 'db-01')).toBe('s3cret-password');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('x', 't')).not.toBe(cipher.encrypt('x', 't'));
  });

  it('refuses a ciphertext moved to another target, a tampered one, or another key', () => {
    const stored = cipher.encrypt('pw', 'db-01');
    expect(() => cipher.decrypt(stored, 'db-02')).toThrow();
    const parts = stored.split(':');
    parts[3] = Buffer.from('tampered').toString('base64');
    expect(() => cipher.decrypt(parts.join(':'), 'db-01')).toThrow();
    expect(() => new CredentialCipher(randomBytes(32)).decrypt(stored, 'db-01')).toThrow();
  });
});
