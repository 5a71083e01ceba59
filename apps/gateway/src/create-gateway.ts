import type { AddressInfo } from 'node:net';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { UsersService } from '@vigil/auth';
import { RedisIoAdapter, VigilIoAdapter } from '@vigil/cluster';
import { AGENT_BODY_FAST_CHECKS } from '@vigil/sessions';
import { JumpService } from '@vigil/ssh-jump';
import { VigilConfig } from '@vigil/config';
import { VigilLogger } from '@vigil/observability';
import { writeAdminPasswordFile } from './admin-password-file';
import { AppModule } from './app.module';
import { describeBinding } from './bind-address';
import { destroyConnectionsOnClose } from './close-connections';
import { FastPathValidationPipe } from './fast-path-validation.pipe';
import { HttpExceptionFilter } from './http-exception.filter';
import { registerJsonBodies } from './json-body';
import { trackRoutes } from './mounted-routes';
import { refuseNulInUrl } from './nul-characters';
import { requestId } from './request-id';
import { securityHeaders } from './security-headers';
import { findWebConsole, serveWebConsole } from './web-console';

/** bytes of a JSON request body at most (the AWS edge has its own, the same) */
export const BODY_LIMIT = 64 * 1024;

export interface RunningGateway {
  app: INestApplication;
  /** a URL that reaches the gateway (loopback when it binds every interface), http or https */
  url: string;
  /** where the HTTP server binds, e.g. `0.0.0.0:8080 (every interface)`, for the start log */
  bound: string;
  port: number;
  jumpPort: number;
  /** where the SSH jump binds, e.g. `0.0.0.0:2222 (every interface)` */
  jumpBound: string;
  /** a host that reaches the jump from this machine, for the example `ssh` line */
  jumpHost: string;
  /** set only when the bootstrap admin was just created with a generated password */
  generatedAdminPassword: string | null;
  /** the file (0600) holding that generated password; null when none was generated or writing it failed */
  adminPasswordFile: string | null;
}

/** Server limits Fastify would otherwise leave off (requestTimeout: slow-body protection) or set its own way (72 s keep-alive): Node's defaults. */
const REQUEST_TIMEOUT_MS = 300_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** A route parameter longer than this is not one of Vigil's (names, ids): the router answers 404. */
const MAX_PARAM_LENGTH = 500;

/** Builds the gateway with everything an HTTP request passes through, without listening. */
export async function createGateway(config: VigilConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // At stop, every connection still open is destroyed (destroyConnectionsOnClose, the upgraded
    // ones included): `server.close()` alone waits for sockets that never finish a request (a
    // browser's pre-connected socket, a half-sent request: up to headersTimeout, 60 s).
    forceCloseConnections: true,
    // request.ip from X-Forwarded-For only behind proxies the operator named (VIGIL_TRUST_PROXY): the login throttle keys on it.
    trustProxy: config.trustProxy,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // TLS_CERT/TLS_KEY: HTTPS, and socket.io over wss on the same server
    ...(config.tls ? { https: { cert: config.tls.cert, key: config.tls.key } } : {}),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bodyParser: false,
    // Tells Nest's socket.io adapter the HTTP server is closed by Fastify, connections destroyed:
    // otherwise socket.io's close waits on `server.close()` before Fastify's close can run.
    forceCloseConnections: true,
    // Nest's route/module wiring lines only at LOG_LEVEL=debug: the default start output stays short.
    logger: new VigilLogger(config.logLevel),
  });
  const fastify = app.getHttpAdapter().getInstance();
  trackRoutes(app, fastify);
  destroyConnectionsOnClose(fastify);
  fastify.addHook('onRequest', securityHeaders({ tls: config.tls !== null }));
  fastify.addHook('onRequest', requestId());
  fastify.addHook('onRequest', refuseNulInUrl());
  registerJsonBodies(fastify, BODY_LIMIT);
  // the agent API's usual bodies skip class-validator (a strict subset of its rules, checked in the DTOs' lib)
  app.useGlobalPipes(new FastPathValidationPipe(AGENT_BODY_FAST_CHECKS, { whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  // Always Vigil's socket.io adapter (the Origin check of every namespace); with REDIS_URL, the
  // one that makes several gateways share socket.io rooms (socket.io's own Redis adapter).
  if (config.redisUrl) {
    const adapter = await RedisIoAdapter.connect(app, config.redisUrl, config.allowedOrigins).catch(async (error: Error) => {
      await app.close();
      throw error;
    });
    app.useWebSocketAdapter(adapter);
  } else {
    app.useWebSocketAdapter(new VigilIoAdapter(app, config.allowedOrigins));
  }
  const openApi = new DocumentBuilder()
    .setTitle('Vigil')
    .setDescription('Real-time PAM session monitor: session registry, access logs, live shadowing')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi));
  const webDir = findWebConsole();
  if (webDir) serveWebConsole(app, webDir);
  return app;
}

/** Builds, listens, bootstraps the first admin. Port 0 picks a free port. */
export async function startGateway(config: VigilConfig): Promise<RunningGateway> {
  const app = await createGateway(config);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as AddressInfo;
  const admin = await app.get(UsersService).bootstrapAdmin();
  const generatedAdminPassword = admin?.generatedPassword ?? null;
  const http = describeBinding(address.address, address.port);
  const jumpPort = app.get(JumpService).port;
  const jump = describeBinding(config.host, jumpPort);
  return {
    app,
    url: `${config.tls ? 'https' : 'http'}://${http.reachableAt}`,
    bound: http.bound,
    port: address.port,
    jumpPort,
    jumpBound: jump.bound,
    // host:port → host, and `[::1]` → `::1` (ssh takes a bare IPv6 address after the @)
    jumpHost: jump.reachableAt.slice(0, jump.reachableAt.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1'),
    generatedAdminPassword,
    adminPasswordFile: generatedAdminPassword ? writeAdminPasswordFile(config.dataDir, generatedAdminPassword) : null,
  };
}
