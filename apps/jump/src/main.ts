import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { RedisIoAdapter } from '@vigil/cluster';
import { JumpService } from '@vigil/ssh-jump';
import { loadConfigOrExit } from '@vigil/config';
import { JumpAppModule } from './jump-app.module';

/**
 * `node scripts/run-dist.js apps/jump/src/main.js`: the SSH jump server alone.
 *
 * It serves no HTTP, but it is a member of the socket.io cluster: with REDIS_URL its socket.io
 * server (never listening) shares rooms with the gateways through Redis, so its sessions appear on
 * every sessions page and viewers on any gateway watch them (their actions are forwarded here).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.create(JumpAppModule.forRoot(config), { logger: ['error', 'warn', 'log'], bodyParser: false });
  if (config.redisUrl) {
    const adapter = await RedisIoAdapter.connect(app, config.redisUrl).catch(async (error: Error) => {
      await app.close();
      throw error;
    });
    app.useWebSocketAdapter(adapter);
  }
  app.enableShutdownHooks();
  await app.init();
  process.stdout.write(`ssh jump listening on ${app.get(JumpService).port}\n`);
}

void main().catch((error: Error) => {
  process.stderr.write(`Vigil jump failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
