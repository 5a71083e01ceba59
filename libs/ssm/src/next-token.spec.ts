import { randomBytes } from 'node:crypto';
import { NextTokenCodec } from './next-token';

const key = randomBytes(32);
const binding = { state: 'History', query: { owner: 'alice', startedFrom: 1 }, userId: 'u-1' };

describe('NextTokenCodec', () => {
  const codec = new NextTokenCodec(key);

  it('round-trips the cursor for the same query and caller, whatever the filter order, and is stable (reusable)', () => {
    const token = codec.encode({ ...binding, cursor: 'WzE3MjQ5MDQwMDAwMDAsImFiYyJd' });
    expect(codec.decode(token, { ...binding, query: { startedFrom: 1, owner: 'alice' } })).toBe('WzE3MjQ5MDQwMDAwMDAsImFiYyJd');
    expect(codec.encode({ ...binding, cursor: 'WzE3MjQ5MDQwMDAwMDAsImFiYyJd' })).toBe(token);
    expect(codec.encode({ ...binding, cursor: 'other' })).not.toBe(token);
  });

  it('refuses forged, truncated and altered tokens, and tokens of another query, state, caller or key', () => {
    const token = codec.encode({ ...binding, cursor: 'c1' });
    const [payload, mac] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify([1, 'History', 'x', 'u-1', 'c2'])).toString('base64url');
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A');
    for (const bad of [
      token.slice(0, -1),
      token.slice(0, 10),
      payload,
      `${forgedPayload}.${mac}`,
      `${payload}.${flip(mac)}`,
      `${flip(payload)}.${mac}`,
      `${token}.x`,
      '',
      'x'.repeat(3000),
    ]) {
      expect(codec.decode(bad, binding)).toBeNull();
    }
    expect(codec.decode(token, { ...binding, userId: 'u-2' })).toBeNull();
    expect(codec.decode(token, { ...binding, state: 'Active' })).toBeNull();
    expect(codec.decode(token, { ...binding, query: { owner: 'bob', startedFrom: 1 } })).toBeNull();
    expect(new NextTokenCodec(randomBytes(32)).decode(token, binding)).toBeNull();
    // another gateway with the same master key accepts it
    expect(new NextTokenCodec(key).decode(token, binding)).toBe('c1');
  });
});
