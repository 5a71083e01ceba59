import { AwsErrors } from './aws-error';

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';

/** What `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` says. */
export interface SigV4Authorization {
  accessKeyId: string;
  /** the credential scope: `<date>/<region>/<service>/<terminator>` */
  scope: { date: string; region: string; service: string; terminator: string };
  /** lowercase header names, in the order the client listed them */
  signedHeaders: string[];
  /** 64 lowercase hex digits */
  signature: string;
}

const PARAMETERS = ['Credential', 'SignedHeaders', 'Signature'] as const;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

/**
 * Parses the SigV4 Authorization header, strictly: one of each parameter, nothing else, a
 * five-part credential, lowercase signed header names without repeats, a hex signature. Every
 * refusal is an IncompleteSignatureException, as AWS answers a malformed header; whether the
 * scope is right (date, region, service) is the verifier's question, not the parser's.
 */
export function parseAuthorization(header: string): SigV4Authorization {
  const space = header.indexOf(' ');
  const algorithm = space < 0 ? header : header.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    if (algorithm.startsWith('AWS4-')) throw AwsErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm.slice(0, 32)}'`);
    throw AwsErrors.incompleteSignature(PARAMETERS.map((p) => `Authorization header requires '${p}' parameter.`).join(' '));
  }
  const values = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const pair = part.trim();
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw AwsErrors.incompleteSignature(`'${pair.slice(0, 64)}' not a valid key=value pair (missing equal-sign) in Authorization header`);
    const key = pair.slice(0, eq);
    if (!(PARAMETERS as readonly string[]).includes(key)) throw AwsErrors.incompleteSignature(`Authorization header has an unknown parameter '${key.slice(0, 32)}'`);
    if (values.has(key)) throw AwsErrors.incompleteSignature(`Authorization header has the '${key}' parameter more than once`);
    values.set(key, pair.slice(eq + 1));
  }
  const missing = PARAMETERS.filter((p) => !values.get(p));
  if (missing.length > 0) throw AwsErrors.incompleteSignature(missing.map((p) => `Authorization header requires '${p}' parameter.`).join(' '));

  const credential = values.get('Credential')!.split('/');
  if (credential.length !== 5 || credential.some((c) => c === '') || credential[0].length > 128) {
    throw AwsErrors.incompleteSignature("Credential must be '<access key id>/<YYYYMMDD>/<region>/<service>/aws4_request'");
  }
  const [accessKeyId, date, region, service, terminator] = credential;

  const signedHeaders = values.get('SignedHeaders')!.split(';');
  if (signedHeaders.length > 64 || signedHeaders.some((h) => !HEADER_NAME.test(h))) {
    throw AwsErrors.incompleteSignature('SignedHeaders must be lowercase header names separated by semicolons');
  }
  if (new Set(signedHeaders).size !== signedHeaders.length) throw AwsErrors.incompleteSignature('SignedHeaders names a header more than once');

  const signature = values.get('Signature')!;
  if (!/^[0-9a-f]{64}$/.test(signature)) throw AwsErrors.incompleteSignature('Signature must be 64 lowercase hexadecimal digits');

  return { accessKeyId, scope: { date, region, service, terminator }, signedHeaders, signature };
}
