import { parseAuthorization } from './authorization-header';

const GOOD =
  'AWS4-HMAC-SHA256 Credential=AKIAABCDEFGHIJKLMNOP/20240829/eu-west-1/ssm/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
  'a'.repeat(64);

describe('parseAuthorization', () => {
  it('reads the credential scope, the signed headers and the signature', () => {
    expect(parseAuthorization(GOOD)).toEqual({
      accessKeyId: 'AKIAABCDEFGHIJKLMNOP',
      scope: { date: '20240829', region: 'eu-west-1', service: 'ssm', terminator: 'aws4_request' },
      signedHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-target'],
      signature: 'a'.repeat(64),
    });
  });

  it.each([
    ['another scheme', 'Bearer abc', /requires 'Credential' parameter/],
    ['another AWS algorithm', GOOD.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256'), /Unsupported AWS 'algorithm'/],
    ['a missing Signature', GOOD.replace(/, Signature=a+$/, ''), /requires 'Signature' parameter/],
    ['an empty Signature', GOOD.replace(/Signature=a+$/, 'Signature='), /requires 'Signature' parameter/],
    ['a short signature', GOOD.replace(/a{64}$/, 'a'.repeat(63)), /64 lowercase hexadecimal/],
    ['an uppercase signature', GOOD.replace(/a{64}$/, 'A'.repeat(64)), /64 lowercase hexadecimal/],
    ['a pair without "="', GOOD.replace('Credential=', 'Credential '), /missing equal-sign/],
    ['a parameter twice', `${GOOD}, Signature=${'b'.repeat(64)}`, /more than once/],
    ['an unknown parameter', `${GOOD}, Extra=1`, /unknown parameter/],
    ['a four-part credential', GOOD.replace('/ssm/aws4_request', '/ssm'), /Credential must be/],
    ['an empty credential part', GOOD.replace('/eu-west-1/', '//'), /Credential must be/],
    ['uppercase signed headers', GOOD.replace('content-type;host', 'Content-Type;host'), /lowercase header names/],
    ['a signed header twice', GOOD.replace('content-type;host', 'host;host'), /more than once/],
    ['an empty signed header', GOOD.replace('content-type;host', 'content-type;;host'), /lowercase header names/],
  ])('refuses %s with IncompleteSignatureException', (_label, header, message) => {
    expect(() => parseAuthorization(header)).toThrow(expect.objectContaining({ type: 'IncompleteSignatureException', status: 400, message: expect.stringMatching(message) }));
  });
});
