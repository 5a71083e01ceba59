#!/usr/bin/env node
import { runCli } from './run-cli';

/**
 * `vigil-agent`: report sessions to Vigil from scripts (see README "Agents"). The only place the
 * CLI reads process.env and exits.
 */
const stopSignal = new Promise<void>((resolve) => {
  process.once('SIGTERM', () => resolve());
  process.once('SIGINT', () => resolve());
});

runCli(process.argv.slice(2), process.env, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), stopSignal })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: Error) => {
    process.stderr.write(`vigil-agent: internal error: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
