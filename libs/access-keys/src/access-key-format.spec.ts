import { ACCESS_KEY_ID, generateAccessKeyId, generateSecretAccessKey } from './access-key-format';

describe('access key format', () => {
  it('makes 20-character AKIA ids and 40-character secrets, different every time', () => {
    const ids = new Set(Array.from({ length: 200 }, () => generateAccessKeyId()));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(ACCESS_KEY_ID);
    const secret = generateSecretAccessKey();
    expect(secret).toHaveLength(40);
    expect(secret).not.toBe(generateSecretAccessKey());
  });

  it('encodes all 80 random bits (all-zero and all-one bytes give the first and last symbols)', () => {
    expect(generateAccessKeyId(() => Buffer.alloc(10, 0))).toBe(`AKIA${'A'.repeat(16)}`);
    expect(generateAccessKeyId(() => Buffer.alloc(10, 0xff))).toBe(`AKIA${'7'.repeat(16)}`);
  });
});
