import { generateKeyPairSync } from 'node:crypto';
import { checkpointSignatureValid, keyIdOf, signCheckpoint } from './checkpoint-signature';
import { parseAuditQuery, auditNextToken } from './audit-query-params';

describe('checkpoint signatures', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const checkpoint = signCheckpoint(privateKey, 42, 'a'.repeat(64), 1_700_000_000_000);

  it('verify with the signing key only, over exactly the signed fields', () => {
    expect(checkpoint.keyId).toBe(keyIdOf(publicKey));
    expect(checkpointSignatureValid(publicKey, checkpoint)).toBe(true);
    expect(checkpointSignatureValid(other.publicKey, checkpoint)).toBe(false);
    expect(checkpointSignatureValid(publicKey, { ...checkpoint, seq: 43 })).toBe(false);
    expect(checkpointSignatureValid(publicKey, { ...checkpoint, hash: 'b'.repeat(64) })).toBe(false);
    expect(checkpointSignatureValid(publicKey, { ...checkpoint, at: checkpoint.at + 1 })).toBe(false);
    expect(checkpointSignatureValid(publicKey, { ...checkpoint, signature: 'garbage' })).toBe(false);
    // a signature by another key, relabelled with ours
    const forged = signCheckpoint(other.privateKey, 42, 'a'.repeat(64), checkpoint.at);
    expect(checkpointSignatureValid(publicKey, { ...forged, keyId: checkpoint.keyId })).toBe(false);
  });
});

describe('GET /api/audit query parameters', () => {
  it('parses every filter', () => {
    expect(
      parseAuditQuery({
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-02T00:00:00Z',
        eventName: 'TerminateSession',
        user: 'alice',
        sessionId: '0190B2A4-0000-7000-8000-000000000001',
        sourceIp: '10.0.0.1',
        errorsOnly: 'true',
        limit: '50',
        nextToken: auditNextToken(77),
      }),
    ).toEqual({
      from: Date.parse('2026-01-01T00:00:00Z'),
      to: Date.parse('2026-01-02T00:00:00Z'),
      eventName: 'TerminateSession',
      user: 'alice',
      sessionId: '0190b2a4-0000-7000-8000-000000000001',
      sourceIp: '10.0.0.1',
      errorsOnly: true,
      limit: 50,
      beforeSeq: 77,
    });
  });

  it.each([
    [{ from: 'yesterday' }, 'from'],
    [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from must not be after to'],
    [{ eventName: "x' OR 1=1" }, 'eventName'],
    [{ user: 'a'.repeat(300) }, 'user'],
    [{ sessionId: 'not-a-uuid' }, 'sessionId'],
    [{ errorsOnly: 'yes' }, 'errorsOnly'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '5000' }, 'limit'],
    [{ nextToken: 'garbage' }, 'nextToken'],
    [{ nextToken: Buffer.from(JSON.stringify([5, 'session'])).toString('base64url') }, 'nextToken'],
  ])('refuses %j naming %s', (query, field) => {
    expect(() => parseAuditQuery(query)).toThrow(field);
  });
});
