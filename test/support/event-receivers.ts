import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifyWebhook } from '@vigil/events';

export interface ReceivedRequest {
  at: number;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** the status this receiver answered */
  status: number;
}

/** Decides the answer to a request (status code), possibly after a delay. */
export type Responder = (request: Omit<ReceivedRequest, 'status'>, index: number) => number | Promise<number>;

/**
 * A real HTTP receiver on loopback: records every request (raw body, headers) and answers what
 * the responder says. `stop()` closes it; `restart()` listens again on the same port (a
 * receiver that was down and is back).
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server: http.Server | null = null;
  private port = 0;

  constructor(public respond: Responder = () => 200) {}

  static async start(respond?: Responder, port = 0): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(respond);
    await receiver.listen(port);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Requests answered 2xx. */
  get accepted(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }

  /** Parsed bodies of accepted requests. */
  acceptedBodies<T = Record<string, unknown>>(): T[] {
    return this.accepted.map((r) => JSON.parse(r.body) as T);
  }

  async listen(port = this.port): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const seen = { at: Date.now(), path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        const index = this.requests.length;
        void Promise.resolve(this.respond(seen, index)).then((status) => {
          this.requests.push({ ...seen, status });
          res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
        });
      });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Checks a request's signature as a receiver would (raw body, constant-time compare, 5 min tolerance). */
  static signatureValid(request: ReceivedRequest, secret: string): boolean {
    const header = (name: string) => {
      const v = request.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    return verifyWebhook(secret, request.body, { signature: header('x-vigil-signature'), timestamp: header('x-vigil-timestamp') }, Date.now());
  }
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
  body: string;
}

/** A real SMTP server (the `smtp-server` package) on loopback, without TLS or auth, keeping every message. */
export class SmtpReceiver {
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly messages: ReceivedMail[],
  ) {}

  static async start(): Promise<SmtpReceiver> {
    const messages: ReceivedMail[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const [head, ...rest] = raw.split(/\r?\n\r?\n/);
          const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
          const subject = /^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '';
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            subject,
            body: decodeBody(head, rest.join('\n\n')),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const port = (server.server.address() as AddressInfo).port;
    return new SmtpReceiver(server, port, messages);
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Enough MIME for nodemailer's text/plain parts: quoted-printable or base64. */
function decodeBody(head: string, body: string): string {
  if (/Content-Transfer-Encoding: base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/Content-Transfer-Encoding: quoted-printable/i.test(head)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}
