import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { AgentTransport, EndBody, OpenRequest, OpenedSession, TransportError } from './transport';

export interface TlsOptions {
  /** PEM file of the CA(s) that signed the gateway's certificate (a private CA). */
  caFile?: string;
  /** client certificate and key (PEM files), for a gateway or proxy that asks for one */
  certFile?: string;
  keyFile?: string;
  /** passphrase of an encrypted client key */
  passphrase?: string;
  /** PEM text instead of files */
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  /** default true; false accepts any certificate (tests only, never in production) */
  rejectUnauthorized?: boolean;
  /** SNI / name to verify when it differs from the URL's host */
  servername?: string;
}

export interface HttpTransportOptions {
  /** the gateway, e.g. https://vigil.example.com (a path prefix is kept) */
  url: string;
  /** the agent token of `POST /api/agents` */
  token: string;
  tls?: TlsOptions;
  /** per request, from connect to the last byte of the answer. Default 10 s. */
  timeoutMs?: number;
  /** heartbeat requests in flight at once (HTTP has one request per session). Default 8. */
  concurrency?: number;
  userAgent?: string;
}

const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * The agent HTTP API over node's http/https with keep-alive. Network failures, timeouts, 5xx and
 * 429 are retryable TransportErrors; any other 4xx is final (the request itself is wrong).
 */
export class HttpTransport implements AgentTransport {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly headers: Record<string, string>;

  constructor(options: HttpTransportOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new TypeError(`gateway URL is not a URL: ${JSON.stringify(options.url)}`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`gateway URL must be http(s): ${options.url}`);
    if (!options.token) throw new TypeError('an agent token is required');
    this.base = base;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.headers = {
      authorization: `Bearer ${options.token}`,
      'user-agent': options.userAgent ?? 'vigil-agent-sdk/1',
      accept: 'application/json',
    };
    const common = { keepAlive: true, maxSockets: this.concurrency, timeout: this.timeoutMs };
    this.agent = base.protocol === 'https:' ? new https.Agent({ ...common, ...tlsSettings(options.tls) }) : new http.Agent(common);
  }

  async open(request: OpenRequest): Promise<OpenedSession> {
    const answer = (await this.call('POST', '/api/agent/sessions', request)) as Partial<OpenedSession> | undefined;
    if (!answer || typeof answer.id !== 'string') throw new TransportError('gateway answered an open without a session id', true);
    return { id: answer.id, externalId: String(answer.externalId ?? request.externalId), status: String(answer.status ?? '') };
  }

  async heartbeat(sessionIds: string[]): Promise<void> {
    const errors: TransportError[] = [];
    const unknown: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < sessionIds.length) {
        const id = sessionIds[next++];
        await this.call('POST', `/api/agent/sessions/${encodeURIComponent(id)}/heartbeat`).catch((e: TransportError) => {
          if (e.status === 404 || (e.status === 400 && /uuid/i.test(e.message))) unknown.push(id);
          else errors.push(e);
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, sessionIds.length) }, worker));
    // A retryable failure means the gateway (not one session) is the problem: say so first.
    const failure = errors.find((e) => e.retryable) ?? errors[0];
    if (failure) throw failure;
    if (unknown.length > 0) {
      throw Object.assign(new TransportError(`gateway answered 404: ${unknown.length} session(s) are not open: ${unknown.slice(0, 5).join(', ')}`, false, 404), { sessionIds: unknown });
    }
  }

  async end(sessionId: string, body: EndBody): Promise<void> {
    await this.call('POST', `/api/agent/sessions/${encodeURIComponent(sessionId)}/end`, body);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private call(method: string, route: string, body?: unknown): Promise<unknown> {
    const url = new URL(this.base.pathname.replace(/\/+$/, '') + route, this.base);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { ...this.headers };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: TransportError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(error);
      };
      const req = send(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) fail(new TransportError('gateway answer too large', true, res.statusCode));
          else chunks.push(chunk);
        });
        res.on('error', (error) => fail(new TransportError(`gateway connection failed: ${error.message}`, true)));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          if (status >= 200 && status < 300) resolve(parsed);
          else reject(new TransportError(`gateway answered ${status}: ${messageOf(parsed, text)}`, status === 429 || status === 408 || status >= 500, status));
        });
      });
      // The whole exchange, not just socket idleness: a gateway that trickles bytes is down too.
      const timer = setTimeout(() => fail(new TransportError(`gateway did not answer within ${this.timeoutMs} ms`, true)), this.timeoutMs);
      req.on('error', (error) => fail(new TransportError(`gateway unreachable: ${error.message}`, true)));
      req.end(payload);
    });
  }
}

function messageOf(parsed: unknown, text: string): string {
  const message = (parsed as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return text.slice(0, 200) || 'no message';
}

function tlsSettings(tls: TlsOptions = {}): https.AgentOptions {
  const read = (file: string | undefined, what: string): Buffer | undefined => {
    if (!file) return undefined;
    try {
      return fs.readFileSync(file);
    } catch (error) {
      throw new TypeError(`cannot read the ${what} file ${file}: ${(error as Error).message}`);
    }
  };
  const settings: https.AgentOptions = {
    ca: tls.ca ?? read(tls.caFile, 'CA'),
    cert: tls.cert ?? read(tls.certFile, 'client certificate'),
    key: tls.key ?? read(tls.keyFile, 'client key'),
    passphrase: tls.passphrase,
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
    servername: tls.servername,
  };
  if (Boolean(settings.cert) !== Boolean(settings.key)) throw new TypeError('a client certificate needs both a certificate and a key');
  return settings;
}
