import type { IncomingMessage } from 'node:http';

// proxy-addr (the algorithm of Fastify's request.ip, @fastify/proxy-addr) ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxyaddr = require('proxy-addr') as {
  (request: IncomingMessage, trust: (address: string, hop: number) => boolean): string;
  compile(list: string[]): (address: string, hop: number) => boolean;
};

/**
 * The browser's address for an upgrade request, by the same rule as Fastify's `request.ip` under
 * VIGIL_TRUST_PROXY (`false`: the socket's peer; a hop count; or the proxies' addresses): an
 * upgrade never passes through Fastify, so the rule is applied here.
 */
export function clientAddress(request: IncomingMessage, trustProxy: false | number | string[]): string {
  if (trustProxy === false) return request.socket.remoteAddress ?? '';
  const trust = typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : proxyaddr.compile(trustProxy);
  return proxyaddr(request, trust);
}
