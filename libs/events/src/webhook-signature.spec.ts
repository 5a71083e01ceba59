import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature';

const SECRET = 'a-webhook-secret-of-some-length';
const BODY = '{"version":"0","id":"e1"}';
const NOW = 1_780_000_000_000;

describe('webhook signatures', () => {
  it('signs timestamp + "." + body with HMAC-SHA256, as a receiver recomputes it independently', () => {
    const headers = signWebhook(SECRET, BODY, 'e1', NOW);
    expect(headers['X-Vigil-Timestamp']).toBe('1780000000');
    expect(headers['X-Vigil-Event-Id']).toBe('e1');
    const expected = createHmac('sha256', SECRET).update(`1780000000.${BODY}`).digest('hex');
    expect(headers['X-Vigil-Signature']).toBe(`sha256=${expected}`);
    expect(verifyWebhook(SECRET, BODY, { signature: headers['X-Vigil-Signature'], timestamp: headers['X-Vigil-Timestamp'] }, NOW)).toBe(true);
  });

  it('refuses a changed body, another secret, a moved timestamp, a replay outside the tolerance and junk', () => {
    const h = signWebhook(SECRET, BODY, 'e1', NOW);
    const sig = { signature: h['X-Vigil-Signature'], timestamp: h['X-Vigil-Timestamp'] };
    expect(verifyWebhook(SECRET, BODY.replace('e1', 'e2'), sig, NOW)).toBe(false);
    expect(verifyWebhook('another-secret-entirely', BODY, sig, NOW)).toBe(false);
    expect(verifyWebhook(SECRET, BODY, { ...sig, timestamp: '1780000001' }, NOW)).toBe(false);
    expect(verifyWebhook(SECRET, BODY, sig, NOW + 301_000)).toBe(false);
    expect(verifyWebhook(SECRET, BODY, { signature: 'sha256=zz', timestamp: sig.timestamp }, NOW)).toBe(false);
    expect(verifyWebhook(SECRET, BODY, { signature: sig.signature.replace('sha256=', 'sha1='), timestamp: sig.timestamp }, NOW)).toBe(false);
    expect(verifyWebhook(SECRET, BODY, {}, NOW)).toBe(false);
  });
});
