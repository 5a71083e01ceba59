import * as fs from 'node:fs';
import { GatewayProcess } from './support/gateway-process';
import { makeTempDir } from './support/sshd';
import { eventually } from './support/wait';

/** Strips colours (Nest colours its lines) so the assertions read the text. */
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

/**
 * Issue 11: `npm start` used to print ~90 lines of Nest route mapping before the admin password.
 * The compiled gateway, as a process: at the default level its start output is short and says
 * what an operator needs; at LOG_LEVEL=debug the framework's wiring lines are back.
 */
describe('start log of the gateway process', () => {
  const started: GatewayProcess[] = [];
  const dirs: string[] = [];

  async function boot(env: Record<string, string>): Promise<string> {
    const dir = makeTempDir('vigil-start-log');
    dirs.push(dir);
    const gateway = await GatewayProcess.start({ VIGIL_DATA_DIR: dir, ...env }, 60_000);
    started.push(gateway);
    // The notice ends with the password paragraph (a fresh data dir: the admin is created now).
    const output = await eventually(async () => gateway.output(), (text) => text.includes('This password is not shown again'), 15_000);
    expect(output).toContain('This password is not shown again');
    return plain(output);
  }

  afterAll(async () => {
    for (const gateway of started) await gateway.kill('SIGTERM');
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('default level: short, with the bind address, an ssh example line and where the password is', async () => {
    const output = await boot({});
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    console.log(`start output at the default level: ${lines.length} lines`);
    expect(lines.length).toBeLessThan(25);
    expect(output).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(bound to 127\.0\.0\.1:\d+\)/);
    const jumpPort = /ssh jump listening on (\d+) \(bound to 127\.0\.0\.1:\1\)/.exec(output)?.[1];
    expect(jumpPort).toBeDefined();
    expect(output).toContain(`ssh -p ${jumpPort} admin+TARGET@127.0.0.1`);
    expect(output).toMatch(/its password is in \S+admin-password/);
    expect(output).not.toContain('Mapped {');
    expect(output).not.toMatch(/RouterExplorer|RoutesResolver|InstanceLoader/);
  }, 90_000);

  it('LOG_LEVEL=debug: the framework route mapping is there', async () => {
    const output = await boot({ LOG_LEVEL: 'debug' });
    expect(output).toContain('Mapped {');
    expect(output).toMatch(/RouterExplorer/);
    expect(output).toMatch(/InstanceLoader/);
    expect(output).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
  }, 90_000);
});
