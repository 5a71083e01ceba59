import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mapGenericEvents } from './generic-mapping';
import { mapKeycloakEvent } from './keycloak-mapping';
import { Mapped } from './sso-event';
import { Reported, SsoReporter } from './sso-reporter';
import { SIGNATURE_HEADER, WebhookVerifier } from './webhook-signature';

const MAX_BODY_BYTES = 64 * 1024;

export interface WebhookRoute {
  map: (payload: unknown) => Mapped;
  reporter: SsoReporter;
}

/** The webhook formats this adapter speaks, by path. */
export function webhookRoutes(reporterFor: (source: string) => SsoReporter): Record<string, WebhookRoute> {
  return {
    '/webhook/keycloak': { map: mapKeycloakEvent, reporter: reporterFor('keycloak') },
    '/webhook/generic': { map: mapGenericEvents, reporter: reporterFor('portal') },
  };
}

export interface RunningWebhookServer {
  url: string;
  close(): Promise<void>;
}

/**
 * POST /webhook/<format>: the raw body is checked against its HMAC signature before anything
 * is parsed; an accepted request answers 202 with what it reported (a session the gateway could
 * not take yet is in the SDK's on-disk queue: the IdP need not retry). GET /healthz for probes.
 */
export async function startWebhookServer(
  routes: Record<string, WebhookRoute>,
  verifier: WebhookVerifier,
  listen: { host: string; port: number },
  log: (line: string) => void,
): Promise<RunningWebhookServer> {
  const server: Server = createServer((req, res) => void handle(req, res).catch((error: Error) => {
    log(`webhook failed: ${error.message}`);
    if (!res.headersSent) reply(res, 503, { error: 'could not report the event, retry later' });
  }));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return reply(res, 200, { status: 'ok' });
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) return reply(res, 404, { error: `unknown path; POST to ${Object.keys(routes).join(' or ')}` });
    if (req.method !== 'POST') return reply(res, 405, { error: 'POST only' });
    const body = await readBody(req);
    if (body === null) return reply(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
    const verdict = verifier.verify(req.headers[SIGNATURE_HEADER], body);
    if (!verdict.ok) return reply(res, 401, { error: verdict.error });
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      return reply(res, 400, { error: 'body must be JSON' });
    }
    const mapped = route.map(payload);
    if (!mapped.ok) return reply(res, 400, { error: mapped.error });
    let reported: Reported;
    try {
      reported = await route.reporter.report(mapped.events);
    } catch (error) {
      // the gateway refused the session itself (a 4xx: e.g. an owner it does not know): retrying cannot help
      if ((error as { retryable?: unknown }).retryable === false) return reply(res, 422, { error: (error as Error).message });
      throw error;
    }
    reply(res, 202, reported);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
