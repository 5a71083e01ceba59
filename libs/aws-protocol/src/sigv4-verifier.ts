import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Clock } from '@vigil/common';
import { AwsCredential, AwsCredentialSource } from './aws-credential-source';
import { AwsError, AwsErrors } from './aws-error';
import { SigV4Authorization, parseAuthorization } from './authorization-header';
import { ReceivedRequest, headerOf } from './received-request';

/** How far X-Amz-Date may be from the server's clock, either way (AWS's own bound). */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const REGION = /^[a-z0-9][a-z0-9-]{0,62}$/;

export type SigV4Verdict =
  | { ok: true; credential: AwsCredential; region: string }
  /** `credential` is set when the key exists (a wrong signature made with a real key id is worth auditing) */
  | { ok: false; error: AwsError; credential?: AwsCredential };

/**
 * Verifies an AWS Signature Version 4 over the request exactly as received: the headers the
 * client says it signed (each sent once), the body bytes (hashed here when the client sent no
 * `x-amz-content-sha256`, and checked against it when it did), X-Amz-Date within ±15 minutes of
 * the clock, a credential scope of the expected service in any well-formed region. The expected
 * signature is recomputed by AWS's own signer (@smithy/signature-v4, what the JS SDK signs with)
 * from the key's secret, and compared in constant time. Pure but for the credential lookup and
 * the clock, both injected.
 */
export class SigV4Verifier {
  constructor(
    private readonly credentials: AwsCredentialSource,
    private readonly clock: Clock,
  ) {}

  async verify(request: ReceivedRequest, service: string): Promise<SigV4Verdict> {
    let auth: SigV4Authorization;
    let signingDate: Date;
    try {
      ({ auth, signingDate } = this.checkShape(request, service));
    } catch (error) {
      if (error instanceof AwsError) return { ok: false, error };
      throw error;
    }
    const credential = await this.credentials.find(auth.accessKeyId);
    if (!credential) return { ok: false, error: AwsErrors.unrecognizedClient() };
    const bodyError = this.checkBodyHash(request);
    if (bodyError) return { ok: false, error: bodyError, credential };
    const expected = await this.expectedSignature(request, auth, signingDate, credential);
    if (!timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(auth.signature, 'utf8'))) {
      return { ok: false, error: AwsErrors.signatureMismatch(), credential };
    }
    this.credentials.recordUse(credential.accessKeyId);
    return { ok: true, credential, region: auth.scope.region };
  }

  /** Everything that needs no secret: the header, the scope, the date, the signed headers. */
  private checkShape(request: ReceivedRequest, service: string): { auth: SigV4Authorization; signingDate: Date } {
    const header = request.headers.get('authorization');
    if (!header) throw AwsErrors.missingAuthentication();
    if (header.length > 1) throw AwsErrors.incompleteSignature("Header 'authorization' appears more than once");
    const auth = parseAuthorization(header[0]);
    // Vigil issues no temporary credentials, so no session token can be valid.
    if (request.headers.has('x-amz-security-token')) throw AwsErrors.unrecognizedClient();

    const dates = request.headers.get('x-amz-date');
    if (!dates) throw AwsErrors.incompleteSignature("Authorization header requires existence of an 'X-Amz-Date' header.");
    const signingDate = parseAmzDate(dates[0]);
    if (!signingDate) throw AwsErrors.incompleteSignature(`X-Amz-Date must be in ISO-8601 basic format (YYYYMMDD'T'HHMMSS'Z'), got '${dates[0].slice(0, 32)}'`);

    const { date, region, service: scoped, terminator } = auth.scope;
    if (date !== dates[0].slice(0, 8)) {
      throw AwsErrors.invalidSignature(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date.slice(0, 16)}' != '${dates[0].slice(0, 8)}', from '${dates[0]}'.`,
      );
    }
    if (!REGION.test(region)) throw AwsErrors.invalidSignature('Credential should be scoped to a valid region.');
    if (scoped !== service) throw AwsErrors.invalidSignature(`Credential should be scoped to correct service: '${service}'.`);
    if (terminator !== 'aws4_request') throw AwsErrors.invalidSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator.slice(0, 32)}'.`);

    const now = this.clock.now();
    if (signingDate.getTime() < now - MAX_CLOCK_SKEW_MS) {
      throw AwsErrors.invalidSignature(`Signature expired: ${dates[0]} is now earlier than ${amzDate(now - MAX_CLOCK_SKEW_MS)} (${amzDate(now)} - 15 min.)`);
    }
    if (signingDate.getTime() > now + MAX_CLOCK_SKEW_MS) {
      throw AwsErrors.invalidSignature(`Signature not yet current: ${dates[0]} is still later than ${amzDate(now + MAX_CLOCK_SKEW_MS)} (${amzDate(now)} + 15 min.)`);
    }

    const signed = new Set(auth.signedHeaders);
    if (!signed.has('host')) throw AwsErrors.incompleteSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    if (!signed.has('x-amz-date')) throw AwsErrors.incompleteSignature("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
    if (signed.has('authorization')) throw AwsErrors.incompleteSignature("'Authorization' cannot be a 'SignedHeader'.");
    for (const name of auth.signedHeaders) {
      const values = request.headers.get(name);
      if (!values) throw AwsErrors.incompleteSignature(`SignedHeaders names '${name}', which the request does not carry`);
      // Node would hand us one of the values (or all, joined): which one the client signed is ambiguous.
      if (values.length > 1) throw AwsErrors.incompleteSignature(`Header '${name}' appears more than once`);
    }
    return { auth, signingDate };
  }

  /** A client-sent body hash must be the body's: the signature covers the header, not the bytes. */
  private checkBodyHash(request: ReceivedRequest): AwsError | null {
    const claimed = request.headers.get('x-amz-content-sha256');
    if (!claimed) return null;
    if (claimed.length > 1) return AwsErrors.incompleteSignature("Header 'x-amz-content-sha256' appears more than once");
    const actual = createHash('sha256').update(request.body).digest('hex');
    return claimed[0].toLowerCase() === actual ? null : AwsErrors.invalidSignature("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }

  private async expectedSignature(request: ReceivedRequest, auth: SigV4Authorization, signingDate: Date, credential: AwsCredential): Promise<string> {
    // Only what the client signed goes to the signer: it signs every header it is given.
    const headers: Record<string, string> = {};
    for (const name of auth.signedHeaders) headers[name] = headerOf(request, name)!;
    const signer = new SignatureV4({
      credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
      region: auth.scope.region,
      service: auth.scope.service,
      // what the SDK's own Node runtime config passes
      sha256: Hash.bind(null, 'sha256'),
      // never add a body-hash header the client did not sign
      applyChecksum: false,
    });
    const signed = await signer.sign(
      new HttpRequest({ method: request.method, hostname: '', path: request.path, query: request.query, headers, body: request.body }),
      { signingDate, signableHeaders: new Set(auth.signedHeaders) },
    );
    const match = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization));
    if (!match) throw new Error('the signer produced no signature');
    return match[1];
  }
}

function parseAmzDate(value: string): Date | null {
  const m = AMZ_DATE.exec(value);
  if (!m) return null;
  const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  // 20240231T… would roll over to March: refuse what does not round-trip.
  return amzDate(date.getTime()) === value ? date : null;
}

/** `20240829T120000Z`, as X-Amz-Date writes it. */
export function amzDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}
