#!/usr/bin/env node
import { ConfigError, loadAdapterConfig } from './adapter-config';
import { startSsoAdapter } from './sso-adapter';

/** `vigil-sso-adapter [--stdin]`: the only place the adapter reads process.env and exits (README "SSO portals"). */
const log = (line: string) => process.stderr.write(`vigil-sso-adapter: ${line}\n`);

async function main(): Promise<number> {
  let config;
  try {
    config = loadAdapterConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      log(error.message);
      return 2;
    }
    throw error;
  }
  const adapter = await startSsoAdapter(config, { log, stdin: process.stdin });
  if (adapter.url) log(`webhooks on ${adapter.url}/webhook/keycloak and ${adapter.url}/webhook/generic`);
  const stop = new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await Promise.race([stop, config.stdin && !adapter.url ? adapter.stdinDone : new Promise<void>(() => undefined)]);
  await adapter.close();
  return 0;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: Error) => {
    log(`internal error: ${error.stack ?? error.message}`);
    process.exitCode = 1;
  });
