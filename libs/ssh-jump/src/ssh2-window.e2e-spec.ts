import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Server, type ServerChannel } from 'ssh2';
import { makeKeyPair, makeTempDir, sshClientOptions } from '../../../test/support/sshd';

/**
 * patches/ssh2+1.17.0.patch, against OpenSSH's `ssh` whose stdout is read slowly: when stdout and
 * stderr both wait for window, a grant lets both go on. Unpatched ssh2 let only stdout go, so a
 * stderr line queued behind megabytes of stdout was never sent once stdout had drained (Vigil's
 * "session ended" notice was lost that way), and it could send a stale stdout chunk a second time.
 */
describe('ssh2 server channel: stdout and stderr both waiting for window (patched)', () => {
  let dir: string;
  let server: Server;
  let port: number;
  const STDOUT_BYTES = 6 * 1024 * 1024;
  const payload = randomBytes(STDOUT_BYTES);
  const expected = createHash('sha256').update(payload).digest('hex');

  beforeAll(async () => {
    dir = makeTempDir('vigil-ssh2-window');
    const hostKey = makeKeyPair(dir, 'host');
    server = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
      client.on('authentication', (ctx) => ctx.accept());
      client.on('ready', () =>
        client.on('session', (accept) =>
          accept().once('exec', (acceptExec) => {
            const channel = acceptExec();
            writeInterleaved(channel);
          }),
        ),
      );
      client.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Half of stdout, a stderr line, the rest of stdout, a last stderr line; then exit 0. */
  const writeInterleaved = (channel: ServerChannel): void => {
    const half = STDOUT_BYTES / 2;
    for (let at = 0; at < half; at += 64 * 1024) channel.write(payload.subarray(at, Math.min(at + 64 * 1024, half)));
    channel.stderr.write('stderr-middle\n');
    for (let at = half; at < STDOUT_BYTES; at += 64 * 1024) channel.write(payload.subarray(at, Math.min(at + 64 * 1024, STDOUT_BYTES)));
    channel.stderr.write('stderr-last\n', () => {
      channel.exit(0);
      channel.end();
    });
  };

  it('delivers every stdout byte once and both stderr lines to a client that reads slowly', async () => {
    const ssh = spawn('ssh', [...sshClientOptions(), '-o', 'BatchMode=yes', '-p', String(port), 'anyone@127.0.0.1', 'interleave'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    ssh.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const hash = createHash('sha256');
    let bytes = 0;
    // ~2 MiB/s in 64 KiB steps: the client's window fills, both of the server's streams wait
    ssh.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      hash.update(c);
      ssh.stdout.pause();
      setTimeout(() => ssh.stdout.resume(), 30);
    });
    const code = await new Promise<number | null>((resolve) => ssh.once('close', resolve));
    expect(stderr).toContain('stderr-middle');
    expect(stderr).toContain('stderr-last');
    expect(bytes).toBe(STDOUT_BYTES);
    expect(hash.digest('hex')).toBe(expected);
    expect(code).toBe(0);
  }, 60_000);
});
