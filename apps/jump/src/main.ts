import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { JumpService } from '@vigil/ssh-jump';
import { loadConfigOrExit } from '@vigil/config';
import { JumpAppModule } from './jump-app.module';

/** `node scripts/run-dist.js apps/jump/src/main.js`: the SSH jump server alone. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(JumpAppModule.forRoot(config), { logger: ['error', 'warn', 'log'] });
  app.enableShutdownHooks();
  await app.init();
  process.stdout.write(`ssh jump listening on ${app.get(JumpService).port}\n`);
}

void main().catch((error: Error) => {
  process.stderr.write(`Vigil jump failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
