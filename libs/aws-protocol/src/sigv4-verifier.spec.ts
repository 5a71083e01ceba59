import type { UserPrincipal } from '@vigil/auth';
import { AwsCredential, AwsCredentialSource } from './aws-credential-source';
import { AwsError } from './aws-error';
import { SigV4Verdict, SigV4Verifier } from './sigv4-verifier';
import { received, signedRequest, withHeader } from './test-signing';

const ALICE: UserPrincipal = { kind: 'user', id: 'u-1', username: 'alice', roles: ['owner'], privileges: [] };
const KEY_ID = 'AKIAABCDEFGHIJKLMNOP';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const NOW = Date.UTC(2024, 7, 29, 12, 0, 0);

class MemoryCredentials extends AwsCredentialSource {
  readonly used: string[] = [];
  constructor(private readonly known: Record<string, string>) {
    super();
  }
  async find(accessKeyId: string): Promise<AwsCredential | null> {
    const secret = this.known[accessKeyId];
    return secret ? { accessKeyId, secretAccessKey: secret, user: ALICE } : null;
  }
  recordUse(accessKeyId: string): void {
    this.used.push(accessKeyId);
  }
}

function setup(now = NOW, known: Record<string, string> = { [KEY_ID]: SECRET, AKIAEXAMPLEEXAMPLE12: 'other-secret' }) {
  const credentials = new MemoryCredentials(known);
  const verifier = new SigV4Verifier(credentials, { now: () => now });
  return { credentials, verifier };
}

const sign = (over: Partial<Parameters<typeof signedRequest>[0]> = {}) =>
  signedRequest({ accessKeyId: KEY_ID, secretAccessKey: SECRET, date: new Date(NOW), body: '{"State":"Active"}', ...over });

function refusal(verdict: SigV4Verdict): { type: string; status: number; message: string; knownKey: boolean } {
  if (verdict.ok) throw new Error('expected a refusal, got a verified request');
  return { type: verdict.error.type, status: verdict.error.status, message: verdict.error.message, knownKey: verdict.credential !== undefined };
}

describe('SigV4Verifier', () => {
  it("accepts AWS's published get-vanilla test vector (the canonicalisation is AWS's, not a copy of our own)", async () => {
    const { verifier } = setup(Date.UTC(2015, 7, 30, 12, 36, 0), { AKIDEXAMPLE: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });
    const request = received(
      {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
      },
      '',
      'GET',
    );
    await expect(verifier.verify(request, 'service')).resolves.toMatchObject({ ok: true, region: 'us-east-1' });
    // one hex digit off
    const forged = withHeader(request, 'authorization', request.headers.get('authorization')![0].replace(/31$/, '32'));
    expect(refusal(await verifier.verify(forged, 'service')).type).toBe('InvalidSignatureException');
  });

  it('verifies what the JS SDK sends (signed body hash) and what the CLIs send (no body hash: the server hashes the body), and records the use', async () => {
    const { verifier, credentials } = setup();
    await expect(verifier.verify(await sign({ style: 'sdk' }), 'ssm')).resolves.toMatchObject({ ok: true, credential: { user: ALICE } });
    const cli = await sign({ style: 'cli' });
    expect(cli.headers.has('x-amz-content-sha256')).toBe(false);
    await expect(verifier.verify(cli, 'ssm')).resolves.toMatchObject({ ok: true });
    expect(credentials.used).toEqual([KEY_ID, KEY_ID]);
  });

  it('accepts any well-formed region in the scope', async () => {
    const { verifier } = setup();
    for (const region of ['eu-central-2', 'us-gov-west-1', 'local']) {
      await expect(verifier.verify(await sign({ region }), 'ssm')).resolves.toMatchObject({ ok: true, region });
    }
  });

  it('refuses a body changed after signing, whether or not the client sent its hash', async () => {
    const { verifier, credentials } = setup();
    const sdk = await sign({ style: 'sdk' });
    expect(refusal(await verifier.verify({ ...sdk, body: Buffer.from('{"State":"History"}') }, 'ssm'))).toMatchObject({
      type: 'InvalidSignatureException',
      message: expect.stringContaining('x-amz-content-sha256'),
      knownKey: true,
    });
    // the attacker also fixes the hash header: the signature covers it
    const body = '{"State":"History"}';
    const { createHash } = await import('node:crypto');
    const rehashed = withHeader({ ...sdk, body: Buffer.from(body) }, 'x-amz-content-sha256', createHash('sha256').update(body).digest('hex'));
    expect(refusal(await verifier.verify(rehashed, 'ssm')).message).toContain('does not match the signature you provided');
    const cli = await sign({ style: 'cli' });
    expect(refusal(await verifier.verify({ ...cli, body: Buffer.from(body) }, 'ssm')).message).toContain('does not match the signature you provided');
    expect(credentials.used).toEqual([]);
  });

  it('refuses a wrong secret (InvalidSignatureException) and an unknown key (UnrecognizedClientException), telling which was a real key', async () => {
    const { verifier } = setup();
    expect(refusal(await verifier.verify(await sign({ secretAccessKey: 'not-the-secret' }), 'ssm'))).toMatchObject({
      type: 'InvalidSignatureException',
      status: 400,
      knownKey: true,
    });
    expect(refusal(await verifier.verify(await sign({ accessKeyId: 'AKIAZZZZZZZZZZZZZZZZ' }), 'ssm'))).toEqual({
      type: 'UnrecognizedClientException',
      status: 400,
      message: 'The security token included in the request is invalid.',
      knownKey: false,
    });
    // another real key's id with this key's signature
    expect(refusal(await verifier.verify(await sign({ accessKeyId: 'AKIAEXAMPLEEXAMPLE12' }), 'ssm')).type).toBe('InvalidSignatureException');
  });

  it('allows 15 minutes of clock skew either way, and no more', async () => {
    const { verifier } = setup();
    const minutes = (m: number) => new Date(NOW + m * 60_000);
    await expect(verifier.verify(await sign({ date: minutes(-14) }), 'ssm')).resolves.toMatchObject({ ok: true });
    await expect(verifier.verify(await sign({ date: minutes(14) }), 'ssm')).resolves.toMatchObject({ ok: true });
    expect(refusal(await verifier.verify(await sign({ date: minutes(-16) }), 'ssm'))).toMatchObject({
      type: 'InvalidSignatureException',
      message: 'Signature expired: 20240829T114400Z is now earlier than 20240829T114500Z (20240829T120000Z - 15 min.)',
    });
    expect(refusal(await verifier.verify(await sign({ date: minutes(16) }), 'ssm')).message).toMatch(/^Signature not yet current: 20240829T121600Z/);
  });

  it('refuses a scope for another service, a garbled region, a wrong terminator or a date that is not X-Amz-Date’s', async () => {
    const { verifier } = setup();
    expect(refusal(await verifier.verify(await sign({ service: 'cloudtrail' }), 'ssm')).message).toBe("Credential should be scoped to correct service: 'ssm'.");
    const rescope = async (from: string, to: string) => {
      const request = await sign();
      return withHeader(request, 'authorization', request.headers.get('authorization')![0].replace(from, to));
    };
    expect(refusal(await verifier.verify(await rescope('/us-east-1/', '/US_EAST!/'), 'ssm')).message).toBe('Credential should be scoped to a valid region.');
    expect(refusal(await verifier.verify(await rescope('/aws4_request', '/aws5_request'), 'ssm')).message).toContain("valid terminator: 'aws4_request'");
    expect(refusal(await verifier.verify(await rescope('/20240829/', '/20240828/'), 'ssm')).message).toContain('Date in Credential scope does not match');
  });

  it('refuses requests whose signed headers are incomplete, missing or ambiguous', async () => {
    const { verifier } = setup();
    const request = await sign();
    const auth = request.headers.get('authorization')![0];
    const cases: [string, typeof request][] = [
      ['no Authorization', withHeader(request, 'authorization')],
      ['host not signed', withHeader(request, 'authorization', auth.replace('SignedHeaders=content-type;host;', 'SignedHeaders=content-type;'))],
      ['a signed header the request lacks', withHeader(request, 'x-amz-target')],
      ['a signed header sent twice', withHeader(request, 'x-amz-target', 'AmazonSSM.DescribeSessions', 'AmazonSSM.TerminateSession')],
      ['Authorization sent twice', withHeader(request, 'authorization', auth, auth)],
      ['no X-Amz-Date', withHeader(request, 'x-amz-date')],
      ['an impossible X-Amz-Date', withHeader(request, 'x-amz-date', '20240231T120000Z')],
      ['a session token (Vigil issues none)', withHeader(request, 'x-amz-security-token', 'FwoGZXIvYXdzE')],
      ['a bearer token instead', withHeader(request, 'authorization', 'Bearer vgu_abc')],
    ];
    const seen = Object.fromEntries(await Promise.all(cases.map(async ([label, r]) => [label, refusal(await verifier.verify(r, 'ssm')).type])));
    expect(seen).toEqual({
      'no Authorization': 'MissingAuthenticationTokenException',
      'host not signed': 'IncompleteSignatureException',
      'a signed header the request lacks': 'IncompleteSignatureException',
      'a signed header sent twice': 'IncompleteSignatureException',
      'Authorization sent twice': 'IncompleteSignatureException',
      'no X-Amz-Date': 'IncompleteSignatureException',
      'an impossible X-Amz-Date': 'IncompleteSignatureException',
      'a session token (Vigil issues none)': 'UnrecognizedClientException',
      'a bearer token instead': 'IncompleteSignatureException',
    });
  });

  it('refuses a signature replayed onto another operation or another host', async () => {
    const { verifier } = setup();
    const request = await sign();
    for (const [name, value] of [
      ['x-amz-target', 'AmazonSSM.TerminateSession'],
      ['host', '127.0.0.1:9090'],
    ]) {
      const error = refusal(await verifier.verify(withHeader(request, name, value), 'ssm'));
      expect(error.type).toBe('InvalidSignatureException');
    }
  });

  it('never throws on a refusal: every outcome is a verdict carrying an AwsError', async () => {
    const { verifier } = setup();
    const verdict = await verifier.verify(received({ authorization: 'AWS4-HMAC-SHA256 garbage' }, ''), 'ssm');
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.error).toBeInstanceOf(AwsError);
  });
});
