import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { UsersService } from '@vigil/auth';
import { RedisIoAdapter } from '@vigil/cluster';
import { JumpService } from '@vigil/ssh-jump';
import { VigilConfig } from '@vigil/config';
import { AppModule } from './app.module';
import { HttpExceptionFilter } from './http-exception.filter';
import { jsonBody } from './json-body';
import { findWebConsole, serveWebConsole } from './web-console';

export const BODY_LIMIT = '64kb';

export interface RunningGateway {
  app: INestApplication;
  url: string;
  port: number;
  jumpPort: number;
  /** set only when the bootstrap admin was just created with a generated password */
  generatedAdminPassword: string | null;
}

/** Builds the gateway with everything an HTTP request passes through, without listening. */
export async function createGateway(config: VigilConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: levelsFrom(config.logLevel),
  });
  app.use(jsonBody(BODY_LIMIT));
  app.disable('x-powered-by');
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  // Several gateways share socket.io rooms through Redis (socket.io's own Redis adapter).
  if (config.redisUrl) {
    const adapter = await RedisIoAdapter.connect(app, config.redisUrl).catch(async (error: Error) => {
      await app.close();
      throw error;
    });
    app.useWebSocketAdapter(adapter);
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
  const address = app.getHttpServer().address() as { port: number };
  const admin = await app.get(UsersService).bootstrapAdmin();
  const url = `http://127.0.0.1:${address.port}`;
  return { app, url, port: address.port, jumpPort: app.get(JumpService).port, generatedAdminPassword: admin?.generatedPassword ?? null };
}

function levelsFrom(level: VigilConfig['logLevel']) {
  const order = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return order.slice(0, order.indexOf(level) + 1) as ('error' | 'warn' | 'log' | 'debug' | 'verbose')[];
}
