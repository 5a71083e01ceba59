import type { INestApplication } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

const mounted = new WeakMap<INestApplication, string[]>();

/** Records every route the app's router will serve, as Fastify declares them (before they are served). */
export function trackRoutes(app: INestApplication, fastify: FastifyInstance): void {
  const routes: string[] = [];
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
  });
  mounted.set(app, routes);
}

/**
 * Every route the gateway's router serves, as `METHOD /path/:param` (Fastify's HEAD twins of GET
 * routes and the web console's files included), once the app is initialised: what the
 * authorization matrix checks it has a row for.
 */
export function mountedRoutes(app: INestApplication): readonly string[] {
  return mounted.get(app) ?? [];
}
