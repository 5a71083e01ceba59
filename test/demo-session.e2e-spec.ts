import * as fs from 'node:fs';
import * as net from 'node:net';
import { Client } from 'ssh2';
import type { Socket } from 'socket.io-client';
import { TargetsService } from '@vigil/targets';
import { DemoShell } from '../apps/gateway/src/demo/demo-shell.service';
import { DATABASE_KINDS, createTestDatabase } from './support/databases';
import { ADMIN, TestGateway, connectSocket, nextEvent, startTestGateway, startTestGatewayOn } from './support/test-gateway';
import { eventually, sleep } from './support/wait';

// the demo's waits allow for a loaded CI machine (a fresh session takes seconds here, not a minute)
jest.setTimeout(180_000);

interface Session {
  id: string;
  type: string;
  user: string;
  client: string;
  serviceProvider: string;
  owner: string;
}

/** The ports this process listens on now (the gateway runs in it). */
function listeningPorts(): number[] {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles
    .filter((h): h is net.Server => h instanceof net.Server && h.listening)
    .map((s) => (s.address() as net.AddressInfo | null)?.port ?? 0)
    .filter((p) => p > 0)
    .sort((a, b) => a - b);
}
/** Lines of this host's /etc/passwd, which must never show up through the demo. */
const hostSecrets = () => (fs.existsSync('/etc/passwd') ? fs.readFileSync('/etc/passwd', 'utf8').split('\n').filter((l) => l.length > 8) : ['root:x:0:0:root']);
const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');


describe.each(DATABASE_KINDS)('demo session (VIGIL_DEMO=1) on %s: a live SSH session through the jump to watch on the first start', (kind) => {
  let gw: TestGateway;
  const sockets: Socket[] = [];

  const demoSessions = async () => {
    const res = await gw.http.get('/api/sessions?type=PAM_SSH').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    return (res.body.items as Session[]).filter((s) => s.serviceProvider === 'demo-shell' && s.user === 'demo');
  };
  const viewer = async () => {
    const socket = await connectSocket(gw.url, '/live', gw.adminToken);
    sockets.push(socket);
    const output: string[] = [];
    socket.on('output', (p: { data: string }) => output.push(p.data));
    return { socket, text: () => plain(output.join('')) };
  };

  /** The registry lists a jump session a moment before its live stream is up: attach once it is. */
  const attach = (socket: Socket, sessionId: string, mode: 'view' | 'interact') =>
    eventually(
      () => socket.emitWithAck('attach', { sessionId, mode }),
      (ack: { ok: boolean; screen?: string }) => ack.ok,
      10_000,
    );

  beforeAll(async () => {
    gw = await startTestGateway(kind, { VIGIL_DEMO: '1' });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await gw.close();
  });

  it('shows a live PAM_SSH session of the scripted user on the demo target within a few seconds', async () => {
    const started = Date.now();
    const sessions = await eventually(demoSessions, (items) => items.length === 1, 40_000);
    expect(sessions).toHaveLength(1);
    // the bound is a minute from the first start; here it is seconds, with room for a loaded CI machine
    expect(Date.now() - started).toBeLessThan(40_000);
    // this process listens on the gateway's ports and, for the demo, one more on loopback
    const demoPort = gw.app.get(DemoShell).targetPort;
    expect(demoPort).toBeGreaterThan(0);
    expect(listeningPorts()).toEqual(expect.arrayContaining([gw.jumpPort, demoPort]));
    expect(sessions[0]).toMatchObject({ type: 'PAM_SSH', user: 'demo', serviceProvider: 'demo-shell', owner: 'admin' });
    // a real target of the registry, pinned to the demo server's host key, on loopback
    const target = await gw.http.get('/api/targets/demo-shell').auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(target.body).toMatchObject({ host: '127.0.0.1', port: gw.app.get(DemoShell).targetPort, protocol: 'ssh' });
    expect(target.body.hostKeySha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const audit = await gw.http.get(`/api/audit?sessionId=${sessions[0].id}`).auth(gw.adminToken, { type: 'bearer' }).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('session.start');
  });

  it('a /live viewer attaches in view mode and sees the scripted user at work', async () => {
    const [session] = await eventually(demoSessions, (items) => items.length === 1, 40_000);
    const { socket, text } = await viewer();
    const ack = await attach(socket, session.id, 'view');
    expect({ ...ack, screen: undefined }).toMatchObject({ ok: true, kind: 'ssh', sessionId: session.id });
    // the exact screen at attach is whatever the scripted user had on it (it may just have run
    // `clear`): the fake shell's prompt is on it now or in what follows
    expect(typeof ack.screen).toBe('string');
    const initial = plain(ack.screen ?? '');
    await expect(eventually(async () => initial + text(), (t) => t.includes('demo@demo-shell'), 30_000)).resolves.toContain('demo@demo-shell');
    // the user keeps typing: new output arrives, and it is the fake shell's
    const seen = await eventually(async () => text(), (t) => /demo@demo-shell:~\$ \S/.test(t) || /[a-z]{2,}/.test(t.replace(/\[Vigil\][^\n]*/g, '')), 30_000);
    expect(seen.replace(/\[Vigil\][^\n]*/g, '')).toMatch(/[a-z]{2,}/);
    await expect(socket.emitWithAck('input', { sessionId: session.id, data: 'ls\r' })).resolves.toEqual({ ok: false, error: 'input refused: attached in view mode' });
  });

  it('interact + take control: typed input reaches the fake shell, which echoes it; outside the script it refuses, host files never show', async () => {
    const [session] = await eventually(demoSessions, (items) => items.length === 1, 40_000);
    const { socket, text } = await viewer();
    expect((await attach(socket, session.id, 'interact')).ok).toBe(true);
    await expect(socket.emitWithAck('control', { sessionId: session.id, action: 'take' })).resolves.toEqual({ ok: true });
    // the jump tells the user "admin started watching (interact)": give the scripted user a moment to step back
    await sleep(1000);
    // leave whatever program the user had open, then type
    await expect(socket.emitWithAck('input', { sessionId: session.id, data: '\x03' })).resolves.toEqual({ ok: true });
    await expect(socket.emitWithAck('input', { sessionId: session.id, data: 'echo typed-by-viewer-42\r' })).resolves.toEqual({ ok: true });
    // the echo of the keys, then the command's output on a line of its own
    const echoed = await eventually(async () => text(), (t) => /echo typed-by-viewer-42\r\ntyped-by-viewer-42\r\n/.test(t), 15_000);
    expect(echoed).toMatch(/echo typed-by-viewer-42\r\ntyped-by-viewer-42\r\n/);
    // the scripted user keeps its hands off the keyboard while a viewer may type: the shell stays quiet
    const quietFrom = text().length;
    await sleep(5000);
    expect(text().slice(quietFrom)).toBe('');

    await socket.emitWithAck('input', { sessionId: session.id, data: 'cat /etc/passwd\r' });
    const refused = await eventually(async () => text(), (t) => t.includes('cat: /etc/passwd: not in the demo'), 15_000);
    expect(refused).toContain('cat: /etc/passwd: not in the demo');
    await socket.emitWithAck('input', { sessionId: session.id, data: 'bash -c id\r' });
    const after = await eventually(async () => text(), (t) => t.includes('bash: not in the demo'), 15_000);
    for (const line of hostSecrets()) expect(after).not.toContain(line);
    await expect(socket.emitWithAck('control', { sessionId: session.id, action: 'handback' })).resolves.toEqual({ ok: true });
  });

  it('the demo target refuses exec, sftp and forwarding even to whoever holds its credentials', async () => {
    const target = await gw.app.get(TargetsService).findWithCredentials('demo-shell');
    const port = gw.app.get(DemoShell).targetPort;
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
      client.connect({ host: '127.0.0.1', port, username: 'demo', password: target!.password, hostVerifier: () => true });
    });
    try {
      await expect(new Promise((resolve, reject) => client.exec('cat /etc/passwd', (e, s) => (e ? reject(e) : resolve(s))))).rejects.toThrow();
      await expect(new Promise((resolve, reject) => client.sftp((e, s) => (e ? reject(e) : resolve(s))))).rejects.toThrow();
      await expect(new Promise((resolve, reject) => client.forwardOut('127.0.0.1', 1, '127.0.0.1', gw.jumpPort, (e, s) => (e ? reject(e) : resolve(s))))).rejects.toThrow();
    } finally {
      client.end();
    }
    // and a wrong password gets nothing at all
    const guess = new Client();
    await expect(
      new Promise<void>((resolve, reject) => {
        guess.once('ready', () => resolve());
        guess.once('error', reject);
        guess.connect({ host: '127.0.0.1', port, username: 'demo', password: 'guess', hostVerifier: () => true });
      }),
    ).rejects.toThrow(/authentication/i);
    guess.end();
  });

  it('terminate ends the session with the reason, recorded; the scripted user is back in a new session soon after', async () => {
    const [session] = await eventually(demoSessions, (items) => items.length === 1, 40_000);
    const { socket } = await viewer();
    expect((await attach(socket, session.id, 'view')).ok).toBe(true);
    const ended = nextEvent<{ sessionId: string; reason: string }>(socket, 'ended', () => true, 10_000);
    await expect(socket.emitWithAck('terminate', { sessionId: session.id, reason: 'demo: seen enough' })).resolves.toEqual({ ok: true });
    await expect(ended).resolves.toMatchObject({ sessionId: session.id, reason: 'terminated' });
    const entry = await eventually(
      () => gw.http.get(`/api/access-logs/${session.id}`).auth(gw.adminToken, { type: 'bearer' }).then((r) => r.body),
      (e) => e?.recordingUrl != null,
    );
    expect(entry).toMatchObject({ endReason: 'terminated', endedBy: 'admin', endMessage: 'demo: seen enough' });
    const next = await eventually(demoSessions, (items) => items.length === 1 && items[0].id !== session.id, 60_000);
    expect(next).toHaveLength(1);
    expect(next[0].id).not.toBe(session.id);
  });

  it('an admin reaches the demo shell by hand through the jump (ssh admin+demo-shell) with their Vigil password', async () => {
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
      client.connect({ host: '127.0.0.1', port: gw.jumpPort, username: 'admin+demo-shell', password: ADMIN.password, hostVerifier: () => true });
    });
    try {
      const text = await new Promise<string>((resolve, reject) => {
        client.shell({ term: 'xterm', cols: 80, rows: 24 }, (error, stream) => {
          if (error) return reject(error);
          let out = '';
          stream.on('data', (chunk: Buffer) => {
            out += chunk.toString('utf8');
            if (plain(out).includes('demo@demo-shell:~$ ') && !out.includes('whoami')) stream.write('whoami\r');
            if (/whoami\r\ndemo\r\n/.test(plain(out))) {
              stream.end();
              resolve(plain(out));
            }
          });
        });
      });
      expect(text).toContain('Vigil demo target');
    } finally {
      client.end();
    }
  });
});

describe('demo session off (VIGIL_DEMO unset, as in start:prod)', () => {
  it('leaves nothing of the demo: no target, no user, no listener, no session', async () => {
    const gw = await startTestGateway('sqlite');
    try {
      // the demo starts in the background once the admin exists: give it the time it would need
      await new Promise((r) => setTimeout(r, 3000));
      // only the gateway's own listeners: HTTP and the jump
      expect(listeningPorts()).toEqual([Number(new URL(gw.url).port), gw.jumpPort].sort((a, b) => a - b));
      expect(gw.app.get(DemoShell).targetPort).toBe(0);
      await gw.http.get('/api/targets').auth(gw.adminToken, { type: 'bearer' }).expect(200, []);
      const users = await gw.http.get('/api/users').auth(gw.adminToken, { type: 'bearer' }).expect(200);
      expect(users.body.map((u: { username: string }) => u.username)).toEqual(['admin']);
      await gw.http.get('/api/sessions').auth(gw.adminToken, { type: 'bearer' }).expect(200).expect((res) => expect(res.body.items).toEqual([]));
    } finally {
      await gw.close();
    }
  });
});

describe('demo session across restarts (one database)', () => {
  it('a clean stop removes the demo target; the next demo boot adopts its own user again and is live once more', async () => {
    const db = await createTestDatabase('sqlite');
    const demoSession = async (gw: TestGateway) => {
      const res = await gw.http.get('/api/sessions?type=PAM_SSH').auth(gw.adminToken, { type: 'bearer' }).expect(200);
      return (res.body.items as Session[]).filter((s) => s.serviceProvider === 'demo-shell');
    };
    try {
      const first = await startTestGatewayOn(db, { VIGIL_DEMO: '1' });
      const before = await eventually(() => demoSession(first), (items) => items.length === 1, 40_000);
      expect(before).toHaveLength(1);
      const firstPort = first.app.get(DemoShell).targetPort;
      await first.close();

      const off = await startTestGatewayOn(db);
      try {
        await off.http.get('/api/targets').auth(off.adminToken, { type: 'bearer' }).expect(200, []);
        // the scripted user logged out before the database closed: its session ended cleanly, not by crash recovery
        await expect(demoSession(off)).resolves.toEqual([]);
        const entry = await off.http.get(`/api/access-logs/${before[0].id}`).auth(off.adminToken, { type: 'bearer' }).expect(200);
        expect(entry.body).toMatchObject({ endReason: 'ended' });
      } finally {
        await off.close();
      }

      const again = await startTestGatewayOn(db, { VIGIL_DEMO: '1' });
      try {
        const after = await eventually(() => demoSession(again), (items) => items.length === 1, 40_000);
        expect(after).toHaveLength(1);
        expect(after[0].id).not.toBe(before[0].id);
        const users = await again.http.get('/api/users').auth(again.adminToken, { type: 'bearer' }).expect(200);
        expect(users.body.map((u: { username: string }) => u.username).sort()).toEqual(['admin', 'demo']);
        // a new boot, a new port and host key, pinned again
        const target = await again.http.get('/api/targets/demo-shell').auth(again.adminToken, { type: 'bearer' }).expect(200);
        expect(target.body.port).toBe(again.app.get(DemoShell).targetPort);
        expect(firstPort).toBeGreaterThan(0);
      } finally {
        await again.close();
      }
    } finally {
      await db.drop();
    }
  }, 180_000);
});
