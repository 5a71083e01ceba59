import type { onRequestHookHandler } from 'fastify';

/**
 * What the web console (a Vite build: module scripts and stylesheets from /assets, a data: favicon)
 * and /api/docs (Swagger UI: its scripts from /api/docs, inline <style>, data: icons) need, and
 * nothing more: no script from elsewhere or inline (an injected <script> does not run), no framing
 * (clickjacking of Terminate or Interact), no plugin, connections (fetch, socket.io) to this origin
 * only. Styles allow 'unsafe-inline': React's style={…} attributes and xterm.js's own <style>
 * elements, neither of which can run code.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** A year, as browsers' preload lists expect; only sent over TLS (RFC 6797 says ignore it over http). */
const HSTS = 'max-age=31536000';

/**
 * Security headers on every answer (an API answer is harmless to protect too). Small on purpose,
 * instead of a dependency. Set on the Node response, so a body a handler writes itself (a CSV
 * export, a recording) carries them too.
 */
export function securityHeaders(options: { tls: boolean }): onRequestHookHandler {
  const headers: [string, string][] = [
    ['Content-Security-Policy', CONTENT_SECURITY_POLICY],
    ['X-Frame-Options', 'DENY'],
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ...(options.tls ? [['Strict-Transport-Security', HSTS] as [string, string]] : []),
  ];
  return (_request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  };
}
