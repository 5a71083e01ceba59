import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ReceivedRequest } from './received-request';

/** Test helper: a request signed the way the AWS JS SDK (`sdk`) or the AWS CLI (`cli`) signs one. */
export interface SigningOptions {
  accessKeyId: string;
  secretAccessKey: string;
  body?: string;
  target?: string;
  region?: string;
  service?: string;
  date: Date;
  host?: string;
  style?: 'sdk' | 'cli';
  extraHeaders?: Record<string, string>;
}

export async function signedRequest(options: SigningOptions): Promise<ReceivedRequest> {
  const body = options.body ?? '{}';
  const headers: Record<string, string> = {
    host: options.host ?? '127.0.0.1:8080',
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': options.target ?? 'AmazonSSM.DescribeSessions',
    ...options.extraHeaders,
  };
  const signer = new SignatureV4({
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'ssm',
    sha256: Hash.bind(null, 'sha256'),
    // the SDK signs the body hash as a header; the CLIs sign content-type;host;x-amz-date;x-amz-target only
    applyChecksum: (options.style ?? 'sdk') === 'sdk',
  });
  const signed = await signer.sign(new HttpRequest({ method: 'POST', hostname: '127.0.0.1', path: '/', headers, body }), { signingDate: options.date });
  return received(signed.headers, body);
}

export function received(headers: Record<string, string>, body: string, method = 'POST', path = '/'): ReceivedRequest {
  const map = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) map.set(name.toLowerCase(), [value]);
  return { method, path, query: {}, headers: map, body: Buffer.from(body) };
}

/** A copy with one header replaced (or removed with undefined), or given twice. */
export function withHeader(request: ReceivedRequest, name: string, ...values: (string | undefined)[]): ReceivedRequest {
  const headers = new Map(request.headers);
  const defined = values.filter((v): v is string => v !== undefined);
  if (defined.length === 0) headers.delete(name);
  else headers.set(name, defined);
  return { ...request, headers };
}
