import 'reflect-metadata';
import { loadConfigOrExit } from '@vigil/config';
import { startGateway } from './create-gateway';
import { startNotice } from './start-notice';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const gateway = await startGateway(config);
  process.stdout.write(startNotice(gateway, config.admin.username, process.stdout.isTTY === true));
}

void main().catch((error: Error) => {
  process.stderr.write(`Vigil failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
