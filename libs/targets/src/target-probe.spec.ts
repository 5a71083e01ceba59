import { createServer, type Server } from 'node:net';
import { Server as SshServer, utils } from 'ssh2';
import { probeTarget } from './target-probe';

const listen = (server: Server | SshServer) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));

describe('probeTarget (Test connection)', () => {
  it('ssh: reads the host key, says whether it is the pinned one, and never authenticates', async () => {
    const hostKey = utils.generateKeyPairSync('ed25519');
    const authAttempts: string[] = [];
    const server = new SshServer({ hostKeys: [hostKey.private] }, (client) => {
      client.on('authentication', (ctx) => {
        authAttempts.push(ctx.method);
        ctx.reject();
      });
      client.on('error', () => undefined);
    });
    const port = await listen(server);
    try {
      const unpinned = await probeTarget({ protocol: 'ssh', host: '127.0.0.1', port, pinnedHostKeySha256: null }, 5000);
      expect(unpinned).toMatchObject({ reachable: true, matchesPin: null, error: null });
      expect(unpinned.hostKeySha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(unpinned.latencyMs).toBeGreaterThanOrEqual(0);

      const same = await probeTarget({ protocol: 'ssh', host: '127.0.0.1', port, pinnedHostKeySha256: unpinned.hostKeySha256!.replace('SHA256:', '') + '=' }, 5000);
      expect(same.matchesPin).toBe(true);
      const other = await probeTarget({ protocol: 'ssh', host: '127.0.0.1', port, pinnedHostKeySha256: 'SHA256:' + 'A'.repeat(43) }, 5000);
      expect(other).toMatchObject({ reachable: true, matchesPin: false });
      await new Promise((r) => setTimeout(r, 100));
      expect(authAttempts).toEqual([]);
    } finally {
      server.close();
    }
  });

  it('ssh: a port that is not SSH, and a closed port, are unreachable with a reason', async () => {
    const silent = createServer((socket) => socket.on('error', () => undefined));
    const port = await listen(silent);
    try {
      const result = await probeTarget({ protocol: 'ssh', host: '127.0.0.1', port, pinnedHostKeySha256: null }, 300);
      expect(result).toMatchObject({ reachable: false, hostKeySha256: null });
      expect(result.error).toMatch(/within 300 ms|timed out/i);
    } finally {
      silent.close();
    }
    const closed = await probeTarget({ protocol: 'ssh', host: '127.0.0.1', port, pinnedHostKeySha256: null }, 2000);
    expect(closed).toMatchObject({ reachable: false });
    expect(closed.error).toMatch(/ECONNREFUSED/);
  });

  it('rdp/vnc: a TCP connect, refused or accepted', async () => {
    const server = createServer((socket) => socket.end());
    const port = await listen(server);
    try {
      await expect(probeTarget({ protocol: 'vnc', host: '127.0.0.1', port, pinnedHostKeySha256: null }, 2000)).resolves.toMatchObject({ reachable: true, hostKeySha256: null, matchesPin: null });
    } finally {
      server.close();
    }
    const refused = await probeTarget({ protocol: 'rdp', host: '127.0.0.1', port, pinnedHostKeySha256: null }, 2000);
    expect(refused).toMatchObject({ reachable: false });
    expect(refused.error).toMatch(/ECONNREFUSED/);
  });
});
