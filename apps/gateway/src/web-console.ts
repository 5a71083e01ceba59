import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';

/** Paths the single-page app must never shadow. */
const SERVER_PATHS = /^\/(api|health|metrics|socket\.io|guacamole)(\/|$)/;

/** Where `vite build` puts the web console: <repo>/dist/web, found from here in src or in dist. */
export function findWebConsole(from = __dirname): string | null {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const web = path.join(dir, 'dist', 'web');
      return fs.existsSync(path.join(web, 'index.html')) ? web : null;
    }
  }
  return null;
}

/**
 * Serves the built web console at / with a fallback to index.html for client-side routes: the
 * console's files are routes of their own (listed when the gateway starts), so a path that is
 * neither a file nor an API route is a 404 of the router, answered with the app when a browser
 * navigates to it.
 */
export function serveWebConsole(app: NestFastifyApplication, webDir: string): void {
  app.useStaticAssets({ root: webDir, prefix: '/', index: ['index.html'], wildcard: false, maxAge: '1h', setHeaders: noCacheForIndex });
  const index = path.join(webDir, 'index.html');
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      const pathname = (request.raw.url ?? '/').split('?')[0];
      if (!request.is404 || request.method !== 'GET' || SERVER_PATHS.test(pathname) || !acceptsHtml(request.headers.accept)) return done();
      fs.promises.readFile(index).then(
        (html) => reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(html),
        (error: Error) => done(error),
      );
    });
}

/** Whether a request takes HTML (Express's `req.accepts('html')`, as the console had it): no Accept header, or one that takes text/html, text/* or *\/* (q > 0). */
export function acceptsHtml(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const [type, ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = parameters.find((p) => p.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) return false;
    return type === 'text/html' || type === 'text/*' || type === '*/*';
  });
}

/** index.html names the current build's assets: never cached (the assets, content-hashed, are). */
function noCacheForIndex(res: object, file: string): void {
  // @fastify/static 10 hands over the reply itself (Nest's option type still says a response with setHeader)
  if (file.endsWith('index.html')) (res as FastifyReply).header('Cache-Control', 'no-cache');
}
