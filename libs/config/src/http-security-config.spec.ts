import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigValidationError, loadConfig } from './load-config';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.join('\n');
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

/** A self-signed certificate and its key, as an operator would make one. */
function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  const result = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  return { cert, key };
}

describe('VIGIL_ALLOWED_ORIGINS', () => {
  it('unset: null (the request Host decides)', () => {
    expect(loadConfig({}).allowedOrigins).toBeNull();
  });

  it('normalizes each origin as a browser sends it', () => {
    expect(loadConfig({ VIGIL_ALLOWED_ORIGINS: 'https://Vigil.Example.com:443, http://10.0.0.5:8080/' }).allowedOrigins).toEqual([
      'https://vigil.example.com',
      'http://10.0.0.5:8080',
    ]);
  });

  it('refuses anything that is not an origin, naming it', () => {
    const problems = problemsOf({ VIGIL_ALLOWED_ORIGINS: 'https://ok.example,*,https://x.example/path,ftp://files.example,null' });
    expect(problems).toMatch(/VIGIL_ALLOWED_ORIGINS must be a comma-separated list of origins/);
    expect(problems).toContain('"*", "https://x.example/path", "ftp://files.example", "null"');
    expect(problems).not.toContain('"https://ok.example"');
  });
});

describe('TLS_CERT and TLS_KEY', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tls-config-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('unset: plain HTTP', () => {
    expect(loadConfig({}).tls).toBeNull();
  });

  it('a matching certificate and key are read at boot', () => {
    const { cert, key } = selfSigned(dir, 'good');
    const tls = loadConfig({ TLS_CERT: cert, TLS_KEY: key }).tls;
    expect(tls).toMatchObject({ certFile: cert, keyFile: key });
    expect(tls?.cert.toString()).toContain('BEGIN CERTIFICATE');
  });

  it('one without the other is refused', () => {
    const { cert } = selfSigned(dir, 'alone');
    expect(problemsOf({ TLS_CERT: cert })).toMatch(/TLS_CERT and TLS_KEY must be set together/);
  });

  it('unreadable, not a certificate, not a key, or the key of another certificate: each said, no key content in the message', () => {
    const a = selfSigned(dir, 'a');
    const b = selfSigned(dir, 'b');
    expect(problemsOf({ TLS_CERT: path.join(dir, 'missing.crt'), TLS_KEY: a.key })).toMatch(/TLS_CERT .*missing\.crt cannot be read \(ENOENT\)/);
    expect(problemsOf({ TLS_CERT: a.key, TLS_KEY: a.key })).toMatch(/TLS_CERT .* is not a PEM certificate/);
    expect(problemsOf({ TLS_CERT: a.cert, TLS_KEY: a.cert })).toMatch(/TLS_KEY .* is not an unencrypted PEM private key/);
    const mismatch = problemsOf({ TLS_CERT: a.cert, TLS_KEY: b.key });
    expect(mismatch).toMatch(/TLS_KEY .*b\.key is not the private key of the certificate in TLS_CERT .*a\.crt/);
    expect(mismatch).not.toContain('PRIVATE KEY');
  });
});

describe('VIGIL_TOKEN_TTL_SECONDS', () => {
  it('may be as short as 2 s (tests of socket expiry), not shorter', () => {
    expect(loadConfig({ VIGIL_TOKEN_TTL_SECONDS: '2' }).tokenTtlSeconds).toBe(2);
    expect(problemsOf({ VIGIL_TOKEN_TTL_SECONDS: '1' })).toMatch(/VIGIL_TOKEN_TTL_SECONDS must be an integer between 2/);
  });
});
