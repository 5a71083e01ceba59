/**
 * The real RDP/VNC stack the RDP tests build on, without Vigil in between: guacd 1.6.0 built from
 * the vendored tarball (scripts/build-guacd.js, cached in .cache/), TigerVNC's Xvnc and Debian's
 * xrdp (its VNC backend driving a second Xvnc), all on loopback, started and stopped by PID. A
 * client speaking the Guacamole protocol over TCP (test/support/guacd-client.ts) connects as the
 * owner, then joins as a read-only viewer and as an interactive one, and `xdotool` reads the X
 * pointer on the target to see whose mouse input guacd really forwarded. No database involved.
 */
import { Guacd } from './support/guacd';
import { drawsOnScreen, GuacdClient, pngSize, type HandshakeOptions } from './support/guacd-client';
import { VncServer, type Pointer } from './support/vnc-server';
import { sleep } from './support/wait';
import { XrdpServer } from './support/xrdp';

const WIDTH = 1024;
const HEIGHT = 768;

/** Polls the X pointer until it is at `want`; returns how long that took, or throws with where it stayed. */
async function pointerReaches(screen: VncServer, want: Pointer, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  let last: Pointer = await screen.pointer();
  while (last.x !== want.x || last.y !== want.y) {
    if (Date.now() - started > timeoutMs) throw new Error(`X pointer on ${screen.displayName} stayed at ${JSON.stringify(last)}, expected ${JSON.stringify(want)}`);
    await sleep(25);
    last = await screen.pointer();
  }
  return Date.now() - started;
}

/**
 * Moves the X pointer through `client`'s mouse and waits until X reports it there. A real mouse
 * sends a stream of moves; on the RDP path (guacd → xrdp → its VNC backend) one lone move was
 * seen lost about once in 20 runs on a loaded machine, so the move is repeated every 3 s (up to 4
 * times). Returns the delay of the move that arrived and how many were sent.
 */
async function moveAndWait(client: GuacdClient, screen: VncServer, to: Pointer): Promise<{ ms: number; sends: number }> {
  for (let sends = 1; ; sends++) {
    const sent = Date.now();
    client.mouse(to.x, to.y);
    try {
      await pointerReaches(screen, to, 3_000);
      return { ms: Date.now() - sent, sends };
    } catch (error) {
      if (sends >= 4 || client.isClosed) throw error;
    }
  }
}

/** Every pointer position seen on `screen` during `ms`. */
async function pointerPositionsDuring(screen: VncServer, ms: number): Promise<Pointer[]> {
  const seen: Pointer[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) {
    seen.push(await screen.pointer());
    await sleep(50);
  }
  return seen;
}

describe('guacd stack: the real guacd drives Xvnc (VNC) and xrdp (RDP) on loopback', () => {
  let guacd: Guacd;
  let vnc: VncServer;
  let rdpScreen: VncServer;
  let xrdp: XrdpServer;
  const clients: GuacdClient[] = [];
  const timings: string[] = [];

  beforeAll(async () => {
    // Builds guacd first if the cache is empty (~35 s), hence the long timeout.
    [guacd, vnc, rdpScreen] = await Promise.all([Guacd.start(), VncServer.start({ width: WIDTH, height: HEIGHT }), VncServer.start({ width: WIDTH, height: HEIGHT })]);
    xrdp = await XrdpServer.start(rdpScreen.port);
    timings.push(`start: guacd ${guacd.startMs} ms, Xvnc ${vnc.startMs}/${rdpScreen.startMs} ms, xrdp ${xrdp.startMs} ms`);
  }, 600_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    const stopped = Date.now();
    await Promise.all([guacd?.stop(), xrdp?.stop(), vnc?.stop(), rdpScreen?.stop()]);
    timings.push(`stop all: ${Date.now() - stopped} ms`);
    console.log(`guacd stack timings\n  ${timings.join('\n  ')}`);
  }, 60_000);

  const connect = async (options: HandshakeOptions): Promise<GuacdClient> => {
    const client = await GuacdClient.connect(guacd.host, guacd.port, { width: WIDTH, height: HEIGHT, ...options });
    clients.push(client);
    return client;
  };

  /** On failure, what guacd and the targets said. */
  const withLogs = async (run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      (error as Error).message += `\n--- guacd ---\n${guacd.logs().slice(-4000)}\n--- xrdp ---\n${xrdp.logs().slice(-3000)}`;
      throw error;
    }
  };

  const targets: Array<[string, () => { select: string; args: Record<string, string>; screen: VncServer }]> = [
    ['VNC (Xvnc)', () => ({ select: 'vnc', args: { hostname: '127.0.0.1', port: String(vnc.port) }, screen: vnc })],
    ['RDP (xrdp → Xvnc)', () => ({ select: 'rdp', args: xrdp.connectArgs, screen: rdpScreen })],
  ];

  describe.each(targets)('%s', (name, target) => {
    it('owner: ready and a first frame; read-only joiner: ready and the full screen, its mouse dropped; interactive joiner: moves the X pointer', () => withLogs(async () => {
      const { select, args, screen } = target();
      await screen.movePointer(10, 10);

      // The owner opens the connection.
      let started = Date.now();
      const owner = await connect({ select, args });
      const readyMs = Date.now() - started;
      expect(owner.connectionId).toMatch(/^\$[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(owner.offeredArgs[0]).toMatch(/^VERSION_\d+_\d+_\d+$/);
      // The first frame: drawing on the screen (a fill or an image, as the target's first update
      // comes), then the `sync` that ends the frame.
      const firstDraw = await owner.waitFor(drawsOnScreen, 'a drawing instruction on the screen layer', 30_000);
      const firstFrame = await owner.waitFor((i) => i.opcode === 'sync', 'a sync ending the first frame', 30_000, owner.received.indexOf(firstDraw));

      // A read-only viewer joins the running connection and gets the whole current screen.
      started = Date.now();
      const viewer = await connect({ select: owner.connectionId, args: { 'read-only': 'true' } });
      const viewerReadyMs = Date.now() - started;
      expect(viewer.connectionId).toBe(owner.connectionId);
      const fullScreen = await viewer.waitForImage(
        (image) => image.layer === 0 && image.x === 0 && image.y === 0 && pngSize(image.data)?.width === WIDTH && pngSize(image.data)?.height === HEIGHT,
        `a ${WIDTH}x${HEIGHT} PNG of the default layer at 0,0`,
      );
      expect(viewer.received.some((i) => i.opcode === 'size' && i.args[0] === '0' && i.args[1] === String(WIDTH) && i.args[2] === String(HEIGHT))).toBe(true);

      // An interactive joiner's mouse reaches the target: how long that takes bounds the wait below.
      const interactor = await connect({ select: owner.connectionId, args: { 'read-only': 'false' } });
      expect(interactor.connectionId).toBe(owner.connectionId);
      const forward = await moveAndWait(interactor, screen, { x: 303, y: 202 });
      const forwardMs = forward.ms;

      // The read-only viewer's mouse is dropped by guacd: the X pointer never goes there, watched
      // for ten times the interactive joiner's forwarding delay (at least 2 s). Five moves and
      // clicks, so a move lost on the way (see moveAndWait) can't pass for a dropped one.
      for (let n = 0; n < 5; n++) viewer.mouse(101, 101, n % 2);
      const watchMs = Math.max(2_000, 10 * forwardMs);
      const seen = await pointerPositionsDuring(screen, watchMs);
      expect(seen.filter((p) => p.x === 101 && p.y === 101)).toEqual([]);
      expect(seen.every((p) => p.x === 303 && p.y === 202)).toBe(true);
      expect(viewer.isClosed).toBe(false); // dropped, not refused: the viewer keeps watching

      // The interactive joiner still drives the target after the viewer's attempts.
      const again = await moveAndWait(interactor, screen, { x: 404, y: 303 });

      timings.push(`${name}: owner ready ${readyMs} ms, first draw (${firstDraw.opcode}) ${firstDraw.atMs} ms / sync ${firstFrame.atMs} ms after ready; ` +
        `read-only join ready ${viewerReadyMs} ms, full screen ${fullScreen.atMs} ms after ready; interactive mouse → X pointer ${forwardMs} ms (${forward.sends} sent), again ${again.ms} ms (${again.sends} sent); read-only mouse watched ${watchMs} ms`);
      await Promise.all([viewer.close(), interactor.close(), owner.close()]);
    }), 120_000);
  });

  // guacd 1.6.0's mouse handlers hand every move to the display's render thread, which only
  // exists once the target has connected (VNC: from the start until then; RDP: a window after the
  // connect): a move in between dereferenced NULL and killed the connection's process, which a
  // person moving the mouse while the session opens does. vendor/guacamole-server-1.6.0-*.patch.
  describe.each(targets)('%s: a mouse moving from the first instant', (_name, target) => {
    it('the connection survives moves sent before the target has connected, and the pointer follows', () => withLogs(async () => {
      const { select, args, screen } = target();
      await screen.movePointer(10, 10);
      for (let round = 0; round < 3; round++) {
        const owner = await connect({ select, args });
        // As fast as a mouse reports (and faster): from `ready` on, until something is drawn.
        let n = 0;
        while (!owner.received.some(drawsOnScreen) && !owner.isClosed && n < 4_000) {
          owner.mouse(50 + (n % 100), 60);
          n++;
          await sleep(1);
        }
        expect(owner.isClosed).toBe(false);
        const to = { x: 222 + round, y: 111 };
        await moveAndWait(owner, screen, to);
        await sleep(200);
        expect(owner.isClosed).toBe(false);
        await owner.close();
      }
    }), 120_000);
  });

  // guacd 1.6.0 answers RESOURCE_NOT_FOUND (0x204), src/guacd/connection.c.
  it('joining a connection id guacd does not have is refused: "No such connection.", status 516', () => withLogs(async () => {
    await expect(connect({ select: '$00000000-0000-4000-8000-000000000000', args: { 'read-only': 'true' } })).rejects.toThrow(/No such connection\. \/ 516$/);
  }), 30_000);
});
