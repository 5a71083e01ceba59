import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { run } from './sshd';
import type { TestGateway } from './test-gateway';

/**
 * The real clients of the SSM-compatible API, pointed at a test gateway: the Debian AWS CLI v2
 * (/usr/bin/aws, not whatever `aws` is first on PATH), boto3 of the system Python, and
 * @aws-sdk/client-ssm; plus a raw signed request for what no client would send.
 */

export const AWS_CLI = '/usr/bin/aws';
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const REGION = 'eu-west-1';

export interface AccessKey {
  accessKeyId: string;
  secretAccessKey: string;
}

export async function createAccessKey(gw: TestGateway, token: string): Promise<AccessKey> {
  const res = await gw.http.post('/api/access-keys').set('Authorization', `Bearer ${token}`).send({ description: 'e2e' });
  if (res.status !== 201) throw new Error(`POST /api/access-keys: ${res.status} ${JSON.stringify(res.body)}`);
  return { accessKeyId: res.body.accessKeyId, secretAccessKey: res.body.secretAccessKey };
}

/** Empty config and credentials files: nothing from the machine's ~/.aws leaks into a test. */
export function isolatedAwsEnv(key: AccessKey): NodeJS.ProcessEnv {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-aws-'));
  const config = path.join(dir, 'config');
  fs.writeFileSync(config, '');
  return {
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: config,
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    // undefined: removed from what the test process passes on (spawn drops undefined values)
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_DEFAULT_REGION: REGION,
    AWS_REGION: REGION,
    AWS_PAGER: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    // a refusal must be seen as the answer, not retried
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
    HOME: dir,
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed, when it is JSON */
  json: any;
}

/** `aws ssm <args> --endpoint-url <gateway>`; each run costs about a second of CPU, so tests keep them few. */
export async function awsCli(gw: TestGateway, key: AccessKey, args: string[]): Promise<CliResult> {
  const env = isolatedAwsEnv(key);
  const result = await run(AWS_CLI, ['ssm', ...args, '--endpoint-url', gw.url, '--no-cli-pager', '--output', 'json'], { env, timeoutMs: 60_000 });
  fs.rmSync(path.dirname(env.AWS_CONFIG_FILE!), { recursive: true, force: true });
  let json: unknown = null;
  try {
    json = result.stdout.trim() ? JSON.parse(result.stdout) : null;
  } catch {
    json = null;
  }
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, json };
}

/**
 * Runs a Python program with boto3 (the system's python3-boto3) given `client`, an SSM client
 * on the gateway, and `args`, the JSON given here. The program prints one JSON document.
 */
export async function boto3(gw: TestGateway, key: AccessKey, program: string, args: unknown = null): Promise<any> {
  const env = isolatedAwsEnv(key);
  const prelude = [
    'import json, sys, boto3, botocore',
    'from botocore.config import Config',
    `client = boto3.client("ssm", endpoint_url=${JSON.stringify(gw.url)}, region_name=${JSON.stringify(REGION)}, config=Config(retries={"max_attempts": 1}))`,
    'args = json.loads(sys.stdin.read())',
    'def error_of(call):',
    '    try:',
    '        call()',
    '        return None',
    '    except botocore.exceptions.ClientError as e:',
    '        return {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"], "message": e.response["Error"].get("Message")}',
    'def iso(session):',
    '    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in session.items()}',
  ].join('\n');
  const result = await run(SYSTEM_PYTHON, ['-c', `${prelude}\n${program}`], { env, input: JSON.stringify(args), timeoutMs: 60_000 });
  fs.rmSync(path.dirname(env.AWS_CONFIG_FILE!), { recursive: true, force: true });
  if (result.code !== 0) throw new Error(`boto3 program failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

export function sdkClient(gw: TestGateway, key: AccessKey): SSMClient {
  return new SSMClient({ endpoint: gw.url, region: REGION, credentials: key, maxAttempts: 1 });
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  text: string;
}

export interface RawOptions {
  target?: string;
  body?: string | Buffer;
  contentType?: string;
  region?: string;
  service?: string;
  date?: Date;
  /** signs the body hash as the SDK does (default: the CLI way, without it) */
  signBodyHash?: boolean;
  /** what is sent instead of the signed body */
  sendBody?: string | Buffer;
  /** turns the signed headers into what is sent: edit them, or append raw [name, value] pairs (duplicates) */
  tamper?: (headers: Record<string, string>, extra: [string, string][]) => void;
  extraRawHeaders?: [string, string][];
}

/** A POST / signed like the AWS CLI signs it, then optionally spoiled, sent over a plain socket. */
export async function rawSsm(gw: TestGateway, key: AccessKey | null, options: RawOptions = {}): Promise<RawAnswer> {
  const url = new URL(gw.url);
  const body = options.body ?? '{"State":"Active"}';
  let headers: Record<string, string> = {
    host: url.host,
    'content-type': options.contentType ?? 'application/x-amz-json-1.1',
    'x-amz-target': options.target ?? 'AmazonSSM.DescribeSessions',
  };
  if (key) {
    const signer = new SignatureV4({
      credentials: key,
      region: options.region ?? REGION,
      service: options.service ?? 'ssm',
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: options.signBodyHash ?? false,
    });
    const signed = await signer.sign(new HttpRequest({ method: 'POST', hostname: url.hostname, port: Number(url.port), path: '/', headers, body }), {
      signingDate: options.date ?? new Date(),
    });
    headers = signed.headers as Record<string, string>;
  }
  const extra: [string, string][] = [...(options.extraRawHeaders ?? [])];
  options.tamper?.(headers, extra);
  const rawHeaders: string[] = [];
  for (const [name, value] of Object.entries(headers)) rawHeaders.push(name, value);
  for (const [name, value] of extra) rawHeaders.push(name, value);
  const sent = options.sendBody ?? body;
  const payload = typeof sent === 'string' ? Buffer.from(sent) : sent;
  rawHeaders.push('content-length', String(payload.length));
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: Number(url.port), method: 'POST', path: '/', headers: rawHeaders, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
