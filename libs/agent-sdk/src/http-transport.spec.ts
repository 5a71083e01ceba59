import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { HttpTransport } from './http-transport';
import { TransportError, unknownSessionIdsOf } from './transport';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

async function listen(server: http.Server | https.Server, handler: { current: Handler }): Promise<string> {
  server.on('request', (req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler.current(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return `${server instanceof https.Server ? 'https' : 'http'}://127.0.0.1:${port}`;
}

const reply = (res: http.ServerResponse, status: number, body?: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};
const caught = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as TransportError);
const REQ = { externalId: 'e1', type: 'PAM' as const, user: 'u', device: 'd', client: 'c', owner: 'o' };

describe('HttpTransport', () => {
  const handler: { current: Handler } = { current: (_q, _b, res) => reply(res, 500) };
  let server: http.Server;
  let url: string;
  let transport: HttpTransport;
  beforeAll(async () => {
    server = http.createServer();
    url = await listen(server, handler);
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => (transport = new HttpTransport({ url, token: 'tok', timeoutMs: 1_000 })));
  afterEach(() => transport.close());

  it('sends the agent API with the bearer token and returns the session', async () => {
    const seen: string[] = [];
    handler.current = (req, body, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization} ${body}`);
      reply(res, 201, { id: 's-1', externalId: 'e1', status: 'Connected', extra: true });
    };
    await expect(transport.open(REQ)).resolves.toEqual({ id: 's-1', externalId: 'e1', status: 'Connected' });
    expect(seen).toEqual([`POST /api/agent/sessions Bearer tok ${JSON.stringify(REQ)}`]);
  });

  it('4xx is final with the gateway message; 5xx, 429 and 408 are retryable', async () => {
    for (const [status, retryable] of [[400, false], [401, false], [409, false], [408, true], [429, true], [500, true], [503, true]] as const) {
      handler.current = (_q, _b, res) => reply(res, status, { message: status === 400 ? ['owner must be a Vigil username', 'user is too long'] : 'nope' });
      const error = await caught(transport.open(REQ));
      expect({ status, retryable: error?.retryable, code: error?.status }).toEqual({ status, retryable, code: status });
      if (status === 400) expect(error?.message).toBe('gateway answered 400: owner must be a Vigil username; user is too long');
    }
  });

  it('a refused connection, a gateway that never answers and an oversized answer are retryable', async () => {
    const closed = new HttpTransport({ url: 'http://127.0.0.1:1', token: 't' });
    expect(await caught(closed.open(REQ))).toMatchObject({ retryable: true, message: expect.stringMatching(/ECONNREFUSED/) });
    await closed.close();
    handler.current = () => undefined; // never answers
    const started = Date.now();
    expect(await caught(transport.end('s', {}))).toMatchObject({ retryable: true, message: expect.stringMatching(/did not answer within 1000 ms/) });
    expect(Date.now() - started).toBeLessThan(5_000);
    handler.current = (_q, _b, res) => {
      res.writeHead(200);
      res.end(Buffer.alloc(2 * 1024 * 1024, 0x20));
    };
    expect(await caught(transport.open(REQ))).toMatchObject({ retryable: true, message: 'gateway answer too large' });
  });

  it('heartbeats one request per id; 404s come back as the unknown ids, a 5xx wins over them', async () => {
    const beats: string[] = [];
    handler.current = (req, _b, res) => {
      const id = /sessions\/([^/]+)\/heartbeat/.exec(req.url!)![1];
      beats.push(id);
      reply(res, id.startsWith('gone') ? 404 : 204);
    };
    await transport.heartbeat(['a', 'b', 'c']);
    expect(beats.sort()).toEqual(['a', 'b', 'c']);
    const unknown = await caught(transport.heartbeat(['a', 'gone-1', 'gone-2']));
    expect(unknownSessionIdsOf(unknown)?.sort()).toEqual(['gone-1', 'gone-2']);
    handler.current = (req, _b, res) => reply(res, req.url!.includes('gone') ? 404 : 503);
    const down = await caught(transport.heartbeat(['a', 'gone-1']));
    expect(down).toMatchObject({ retryable: true, status: 503 });
    expect(unknownSessionIdsOf(down)).toBeUndefined();
  });

  it('refuses a bad configuration up front', () => {
    expect(() => new HttpTransport({ url: 'not a url', token: 't' })).toThrow(/not a URL/);
    expect(() => new HttpTransport({ url: 'ftp://x', token: 't' })).toThrow(/http\(s\)/);
    expect(() => new HttpTransport({ url, token: '' })).toThrow(/token/);
    expect(() => new HttpTransport({ url: 'https://x', token: 't', tls: { caFile: '/nonexistent/ca.pem' } })).toThrow(/cannot read the CA file/);
  });
});

describe('HttpTransport over TLS', () => {
  let dir: string;
  const pem = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  let server: https.Server;
  let url: string;
  const handler: { current: Handler } = { current: (req, _b, res) => reply(res, 201, { id: (req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN ?? 'anonymous', externalId: 'e1', status: 'Connected' }) };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-tls-'));
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', pem('ca.key'), '-out', pem('ca.pem'), '-days', '2', '-subj', '/CN=Test CA');
    const issue = (name: string, cn: string, ext: string) => {
      openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', pem(`${name}.key`), '-out', pem(`${name}.csr`), '-subj', `/CN=${cn}`);
      fs.writeFileSync(pem(`${name}.ext`), ext);
      openssl('x509', '-req', '-in', pem(`${name}.csr`), '-CA', pem('ca.pem'), '-CAkey', pem('ca.key'), '-CAcreateserial', '-out', pem(`${name}.pem`), '-days', '2', '-extfile', pem(`${name}.ext`));
    };
    issue('server', 'gateway', 'subjectAltName=IP:127.0.0.1\n');
    issue('client', 'agent-7', 'extendedKeyUsage=clientAuth\n');
    server = https.createServer({ key: fs.readFileSync(pem('server.key')), cert: fs.readFileSync(pem('server.pem')), ca: fs.readFileSync(pem('ca.pem')), requestCert: true, rejectUnauthorized: true });
    url = await listen(server, handler);
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('verifies the gateway with the CA file and presents the client certificate', async () => {
    const t = new HttpTransport({ url, token: 't', tls: { caFile: pem('ca.pem'), certFile: pem('client.pem'), keyFile: pem('client.key') } });
    await expect(t.open(REQ)).resolves.toMatchObject({ id: 'agent-7' });
    await t.close();
  });

  it('without the CA the gateway is not trusted; without a client certificate the gateway refuses', async () => {
    const untrusted = new HttpTransport({ url, token: 't', tls: { certFile: pem('client.pem'), keyFile: pem('client.key') } });
    expect(await caught(untrusted.open(REQ))).toMatchObject({ retryable: true, message: expect.stringMatching(/certificate/i) });
    await untrusted.close();
    const anonymous = new HttpTransport({ url, token: 't', tls: { caFile: pem('ca.pem') }, timeoutMs: 3_000 });
    expect(await caught(anonymous.open(REQ))).toBeInstanceOf(TransportError);
    await anonymous.close();
    expect(() => new HttpTransport({ url, token: 't', tls: { certFile: pem('client.pem') } })).toThrow(/both a certificate and a key/);
  });
});
