import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-vigil-signature';
export const TIMESTAMP_HEADER = 'x-vigil-timestamp';
export const EVENT_ID_HEADER = 'x-vigil-event-id';

/**
 * The headers of a webhook delivery: `X-Vigil-Signature: sha256=<hex HMAC-SHA256(secret,
 * timestamp + "." + body)>`. Binding the timestamp lets a receiver refuse replays older than its
 * tolerance; binding the exact body bytes means any change to them breaks the signature.
 */
export function signWebhook(secret: string, body: string, eventId: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    'X-Vigil-Event-Id': eventId,
    'X-Vigil-Timestamp': timestamp,
    'X-Vigil-Signature': `sha256=${webhookMac(secret, timestamp, body)}`,
  };
}

export function webhookMac(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * What a receiver does (documented, and used by the tests as a receiver would): recompute the
 * MAC over the raw body, compare in constant time, and refuse a timestamp outside the tolerance.
 */
export function verifyWebhook(secret: string, body: string, headers: { signature?: string; timestamp?: string }, nowMs: number, toleranceSeconds = 300): boolean {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const match = /^sha256=([0-9a-f]{64})$/.exec(signature);
  if (!match) return false;
  return timingSafeEqual(Buffer.from(match[1], 'hex'), Buffer.from(webhookMac(secret, timestamp, body), 'hex'));
}
