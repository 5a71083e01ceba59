import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

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

/** Serves the built web console at / with a fallback to index.html for client-side routes. */
export function serveWebConsole(app: NestExpressApplication, webDir: string): void {
  app.useStaticAssets(webDir, { index: 'index.html', maxAge: '1h', setHeaders: noCacheForIndex });
  const index = path.join(webDir, 'index.html');
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || SERVER_PATHS.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}

function noCacheForIndex(res: Response, file: string): void {
  if (file.endsWith('index.html')) res.setHeader('Cache-Control', 'no-cache');
}
