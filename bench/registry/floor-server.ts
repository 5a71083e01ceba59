/**
 * The framework's floor for bench/registry: the same two agent routes with nothing behind them
 * (no auth, no validation, no database, no events), on NestJS with Fastify (Vigil's adapter) or
 * Express (the one before v0.7.2, a devDependency for this comparison only). Prints its URL; run
 * by floor.ts in its own process, like the gateway.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';

@Controller('api/agent/sessions')
class BareSessionsController {
  @Post()
  open(@Body() body: Record<string, unknown>): Record<string, unknown> {
    return { id: randomUUID(), status: 'Connected', ...body };
  }

  @Post(':id/end')
  @HttpCode(200)
  end(@Param('id') id: string): Record<string, unknown> {
    return { id, status: 'Terminated', endReason: 'normal' };
  }
}

@Module({ controllers: [BareSessionsController] })
class BareModule {}

async function main(): Promise<void> {
  const adapter = process.argv[2];
  let app: INestApplication;
  if (adapter === 'fastify') {
    // devDependency: only this benchmark uses it
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: false });
  } else {
    app = await NestFactory.create(BareModule, { logger: false });
  }
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
}

void main();
