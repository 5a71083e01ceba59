import type { AuditContext } from './audit-entry';

/** The parts of an HTTP request (Fastify's) an audit record keeps. */
interface HttpRequestLike {
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
}

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Where an HTTP call came from: the client address (per VIGIL_TRUST_PROXY), its user agent and request id. */
export function httpAuditContext(request: HttpRequestLike): AuditContext {
  const userAgent = single(request.headers['user-agent']);
  const requestId = single(request.headers['x-request-id']);
  return {
    ...(request.ip ? { sourceIp: request.ip } : {}),
    ...(userAgent ? { userAgent: userAgent.slice(0, 256) } : {}),
    ...(requestId && /^[\w.:-]{1,128}$/.test(requestId) ? { requestId } : {}),
  };
}
