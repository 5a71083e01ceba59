import { WebhookVerifier, signWebhook } from './webhook-signature';

const SECRET = 'a-webhook-secret-of-at-least-32-bytes!';
const body = Buffer.from('{"type":"LOGIN"}');

describe('WebhookVerifier', () => {
  let now = 1_764_590_400_000;
  const verifier = () => new WebhookVerifier(SECRET, () => now);

  it('accepts a fresh signature once, then refuses its replay', () => {
    const v = verifier();
    const header = signWebhook(SECRET, body, now);
    expect(v.verify(header, body)).toEqual({ ok: true });
    expect(v.verify(header, body)).toEqual({ ok: false, error: 'replayed request' });
  });

  it('refuses a forged signature, another body, another secret', () => {
    const v = verifier();
    expect(v.verify(signWebhook(SECRET, body, now), Buffer.from('{"type":"LOGOUT"}'))).toMatchObject({ ok: false, error: 'signature does not match' });
    expect(v.verify(signWebhook('another-secret-that-is-32-bytes-long', body, now), body)).toMatchObject({ ok: false, error: 'signature does not match' });
    expect(v.verify(`t=${Math.floor(now / 1000)},v1=${'0'.repeat(64)}`, body)).toMatchObject({ ok: false, error: 'signature does not match' });
  });

  it('refuses a stale or future timestamp even when signed right', () => {
    const v = verifier();
    expect(v.verify(signWebhook(SECRET, body, now - 6 * 60_000), body)).toMatchObject({ ok: false, error: expect.stringContaining('tolerance') });
    expect(v.verify(signWebhook(SECRET, body, now + 6 * 60_000), body)).toMatchObject({ ok: false, error: expect.stringContaining('tolerance') });
  });

  it.each([[undefined], [['a', 'b']], ['garbage'], ['t=abc,v1=00'], ['t=1,v1=' + 'g'.repeat(64)], ['x'.repeat(600)]])('refuses a malformed header %p', (header) => {
    expect(verifier().verify(header as string, body).ok).toBe(false);
  });

  it('forgets signatures once they are past the tolerance anyway', () => {
    const v = new WebhookVerifier(SECRET, () => now, 5 * 60_000, 2);
    expect(v.verify(signWebhook(SECRET, body, now), body).ok).toBe(true);
    expect(v.verify(signWebhook(SECRET, Buffer.from('2'), now), Buffer.from('2')).ok).toBe(true);
    expect(v.verify(signWebhook(SECRET, Buffer.from('3'), now), Buffer.from('3'))).toMatchObject({ ok: false, error: expect.stringContaining('too many') });
    now += 6 * 60_000;
    expect(v.verify(signWebhook(SECRET, Buffer.from('3'), now), Buffer.from('3')).ok).toBe(true);
  });

  it('wants a secret of 32 bytes at least', () => {
    expect(() => new WebhookVerifier('short')).toThrow(TypeError);
  });
});
