import * as http from 'node:http';
import * as https from 'node:https';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';

/** A response body is read (so the connection can be reused) up to this much, then the connection is dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null = null,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * POSTs a body and answers the status code. The timeout covers the whole exchange (connect,
 * send, the receiver's answer), so a receiver that answers slowly costs one slot for at most that
 * long. Redirects are not followed: a webhook that moved must be changed by an admin (following
 * them would let a receiver point Vigil anywhere). Keep-alive agents reuse connections.
 */
@Injectable()
export class HttpPoster implements OnApplicationShutdown {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<number> {
    const target = new URL(url);
    const protocol = target.protocol as 'http:' | 'https:';
    const client = protocol === 'https:' ? https : http;
    return new Promise<number>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | null, status?: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(status!);
      };
      const req = client.request(
        target,
        { method: 'POST', agent: this.agents[protocol], headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } },
        (res) => {
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) res.destroy();
          });
          res.on('error', () => undefined);
          res.on('close', () => finish(null, res.statusCode ?? 0));
          res.on('end', () => finish(null, res.statusCode ?? 0));
        },
      );
      const timer = setTimeout(() => {
        req.destroy(new DeliveryError(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = () => req.destroy(new DeliveryError('gateway shutting down'));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error: NodeJS.ErrnoException) => finish(error instanceof DeliveryError ? error : new DeliveryError(describeNetworkError(error))));
      req.end(body);
    });
  }

  onApplicationShutdown(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}

/** The error's code and message, never the URL's query (it may carry a token: Slack's URLs do). */
function describeNetworkError(error: NodeJS.ErrnoException): string {
  const code = error.code ? `${error.code}: ` : '';
  return `${code}${error.message.replace(/https?:\/\/\S+/g, '<url>')}`.slice(0, 300);
}
