import { pngSize, type ReceivedImage } from './guacd-client';
import type { GuacamoleWsClient } from './guacamole-ws-client';
import type { Pointer, VncServer } from './vnc-server';
import { sleep } from './wait';

/**
 * What a Guacamole client saw of the screen, and what the X server did with its input: shared by
 * the RDP/VNC specs and bench/rdp. No jest in here (the bench runs it compiled, outside jest).
 */

export interface ScreenSize {
  width: number;
  height: number;
}

/** Width and height of a PNG (IHDR) or a JPEG (its SOF marker): guacd picks either per update. */
export function imageSize(data: Buffer): ScreenSize | null {
  const png = pngSize(data);
  if (png) return png;
  if (data[0] !== 0xff || data[1] !== 0xd8) return null;
  for (let at = 2; at + 9 < data.length; ) {
    if (data[at] !== 0xff) return null;
    const marker = data[at + 1];
    const length = data.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) return { height: data.readUInt16BE(at + 5), width: data.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  return null;
}

/** A painted rectangle of the screen: `right` and `bottom` exclusive. */
export interface PaintedRect {
  x: number;
  y: number;
  right: number;
  bottom: number;
}

/** Whether the rectangles cover the whole screen: every pixel row from x 0 to its width. */
export function rectsCover(rects: readonly PaintedRect[], screen: ScreenSize): boolean {
  for (let y = 0; y < screen.height; y++) {
    const spans = rects.filter((r) => r.y <= y && y < r.bottom).sort((a, b) => a.x - b.x);
    let reached = 0;
    for (const span of spans) if (span.x <= reached) reached = Math.max(reached, span.right);
    if (reached < screen.width) return false;
  }
  return true;
}

/** The rectangle a default-layer image paints, or null (another layer, or a size it cannot read). */
export function imageRect(image: ReceivedImage): PaintedRect | null {
  const size = image.layer === 0 ? imageSize(image.data) : null;
  return size ? { x: image.x, y: image.y, right: image.x + size.width, bottom: image.y + size.height } : null;
}

/** Whether the default layer's images cover the whole screen. */
export function screenCovered(images: readonly ReceivedImage[], screen: ScreenSize): boolean {
  return rectsCover(images.flatMap((image) => imageRect(image) ?? []), screen);
}

/** Resolves once the client's images cover the screen; rejects (with what arrived) on close or timeout. */
export async function waitCovered(client: GuacamoleWsClient, screen: ScreenSize, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!screenCovered(client.images, screen)) {
    if (Date.now() - started > timeoutMs || client.isClosed) {
      const images = client.images.map((i) => `${i.mimetype} L${i.layer} ${i.x},${i.y} ${JSON.stringify(imageSize(i.data))}`).join('; ');
      throw new Error(`the screen was not covered; received: ${client.summary()}; images: ${images}`);
    }
    await sleep(25);
  }
}

/** Resolves once the X pointer (as X reports it) is at `want`. */
export async function pointerReaches(screen: VncServer, want: Pointer, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let last = await screen.pointer();
  while (last.x !== want.x || last.y !== want.y) {
    if (Date.now() - started > timeoutMs) throw new Error(`X pointer stayed at ${JSON.stringify(last)}, expected ${JSON.stringify(want)}`);
    await sleep(25);
    last = await screen.pointer();
  }
}

/**
 * Moves the client's mouse to `to` and waits until X has it; returns the milliseconds the last
 * send took. A real mouse sends a stream of moves; one lone move over RDP is occasionally lost
 * (guacd-stack spec): repeat it, up to 4 sends.
 */
export async function moveAndWait(client: GuacamoleWsClient, screen: VncServer, to: Pointer): Promise<number> {
  for (let sends = 1; ; sends++) {
    const sent = Date.now();
    client.mouse(to.x, to.y);
    try {
      await pointerReaches(screen, to, 3_000);
      return Date.now() - sent;
    } catch (error) {
      if (sends >= 4 || client.isClosed) throw error;
    }
  }
}

/**
 * Sends moves towards `to` for `watchMs` (a stream, as a real mouse would) and throws if the X
 * pointer ever leaves `stays` or the tunnel closes: the client's input is dropped.
 */
export async function pointerStays(client: GuacamoleWsClient, screen: VncServer, to: Pointer, stays: Pointer, watchMs = 2_500): Promise<void> {
  const until = Date.now() + watchMs;
  for (let n = 0; Date.now() < until; n++) {
    if (n % 4 === 0) client.mouse(to.x + (n % 8), to.y);
    const at = await screen.pointer();
    if (at.x !== stays.x || at.y !== stays.y) throw new Error(`X pointer moved to ${JSON.stringify(at)}: input that should be dropped reached X (expected it to stay at ${JSON.stringify(stays)})`);
    await sleep(50);
  }
  if (client.isClosed) throw new Error(`the tunnel closed while its input was being dropped; received: ${client.summary()}`);
}
