import 'reflect-metadata';
import { loadConfigOrExit } from '@vigil/config';
import { startGateway } from './create-gateway';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const gateway = await startGateway(config);
  // Always printed, whatever LOG_LEVEL: scripts and operators read the port from this line.
  process.stdout.write(`listening on ${gateway.url}\n`);
  process.stdout.write(`ssh jump listening on ${gateway.jumpPort}\n`);
  if (gateway.generatedAdminPassword) {
    // Printed once, to the terminal only: the structured log never carries a secret.
    process.stdout.write(
      `\n  Vigil administrator created: user "${config.admin.username}", password "${gateway.generatedAdminPassword}"\n` +
        `  Sign in to the console at ${gateway.url}/ (API docs: ${gateway.url}/api/docs).\n` +
        `  This password is not shown again.\n\n`,
    );
  }
}

void main().catch((error: Error) => {
  process.stderr.write(`Vigil failed to start: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
