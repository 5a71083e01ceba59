/**
 * The patched guacamole-common-js (patches/guacamole-common-js+1.5.0.patch) in Debian's Chromium.
 * An image the browser cannot decode no longer freezes the remote display: upstream 1.5.0 queues a
 * draw task that only the decoded bitmap unblocks, so one rejected `createImageBitmap` left every
 * later update (and `flush`) waiting for ever. A recording's seek shows the last frame at or before
 * the position: upstream's search stopped at whichever neighbour it reached, often the frame after.
 * The library is the one the console bundles (its ES module build), loaded as is.
 */
import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';

const LIBRARY = require.resolve('guacamole-common-js').replace(/cjs[/\\]guacamole-common\.js$/, 'esm/guacamole-common.js');

interface DrawOutcome {
  flushed: boolean;
  /** the top-left pixel of the default layer after the flush, as [r, g, b, a] */
  pixel: number[];
}

/** Runs in the page: draws `blobs` in order on a fresh display, then waits for its flush (up to 5 s). */
const drawInOrder = (page: Page, blobs: Array<'undecodable' | 'red' | 'blue' | 'truncated'>) =>
  page.evaluate(async (order): Promise<DrawOutcome> => {
    const G = (window as unknown as { Guacamole: any }).Guacamole; // eslint-disable-line @typescript-eslint/no-explicit-any
    const png = (colour: string) =>
      new Promise<Blob>((resolve) => {
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 4;
        const context = canvas.getContext('2d')!;
        context.fillStyle = colour;
        context.fillRect(0, 0, 4, 4);
        canvas.toBlob((blob) => resolve(blob!), 'image/png');
      });
    const display = new G.Display();
    display.resize(display.getDefaultLayer(), 4, 4);
    for (const kind of order) {
      let blob: Blob;
      if (kind === 'undecodable') blob = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4])], { type: 'image/png' });
      else if (kind === 'truncated') blob = (await png('green')).slice(0, 20, 'image/png');
      else blob = await png(kind);
      display.drawBlob(display.getDefaultLayer(), 0, 0, blob);
    }
    const flushed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5_000);
      display.flush(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    const canvas = display.getDefaultLayer().getCanvas() as HTMLCanvasElement;
    return { flushed, pixel: Array.from(canvas.getContext('2d')!.getImageData(0, 0, 1, 1).data) };
  }, blobs);

describe('guacamole-common-js, patched: an undecodable image is skipped, not waited for; a seek shows the frame of its moment (Chromium)', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setContent('<!doctype html><title>display</title>');
    // The ES module build ends `export default Guacamole;`: as a classic script it defines the global.
    const source = fs.readFileSync(LIBRARY, 'utf8').replace(/export default Guacamole;\s*$/, 'window.Guacamole = Guacamole;');
    expect(source).toContain('Vigil patch: a rejected decode');
    expect(source).toContain('Vigil patch: the last frame at or before the timestamp');
    await page.addScriptTag({ content: source });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('draws what follows an undecodable image, and the flush completes', async () => {
    await expect(drawInOrder(page, ['red', 'undecodable', 'blue'])).resolves.toEqual({ flushed: true, pixel: [0, 0, 255, 255] });
  });

  it('a truncated PNG (a stream cut short) is skipped: the earlier picture stays', async () => {
    await expect(drawInOrder(page, ['red', 'truncated'])).resolves.toEqual({ flushed: true, pixel: [255, 0, 0, 255] });
  });

  it('images that decode still draw in order (the last one wins)', async () => {
    await expect(drawInOrder(page, ['blue', 'red'])).resolves.toEqual({ flushed: true, pixel: [255, 0, 0, 255] });
  });

  /**
   * Runs in the page: a recording of five frames 100 ms apart, frame i filling the screen with
   * grey level 10·i (guacd's format: `sync` stamps in ms), replayed through a tunnel as the
   * console's player does; each position is sought and the grey level drawn is read back.
   */
  const greyAfterSeeks = (positions: number[]) =>
    page.evaluate(async (seekTo): Promise<number[]> => {
      const G = (window as unknown as { Guacamole: any }).Guacamole; // eslint-disable-line @typescript-eslint/no-explicit-any
      const instruction = (...parts: Array<string | number>) => parts.map((p) => `${String(p).length}.${p}`).join(',') + ';';
      let text = instruction('size', 0, 4, 4);
      for (let frame = 0; frame < 5; frame++) {
        const grey = 10 * frame;
        text += instruction('rect', 0, 0, 0, 4, 4) + instruction('cfill', 14, 0, grey, grey, grey, 255) + instruction('sync', 1_000 + 100 * frame);
      }
      const tunnel = new G.Tunnel();
      tunnel.sendMessage = () => undefined;
      tunnel.disconnect = () => undefined;
      tunnel.connect = () => {
        tunnel.setState(G.Tunnel.State.OPEN);
        setTimeout(() => {
          const parser = new G.Parser();
          parser.oninstruction = (opcode: string, args: string[]) => tunnel.oninstruction?.(opcode, args);
          parser.receive(text);
          tunnel.setState(G.Tunnel.State.CLOSED);
        });
      };
      const recording = new G.SessionRecording(tunnel);
      const display = recording.getDisplay();
      await new Promise<void>((resolve) => {
        recording.onload = resolve;
        recording.connect();
      });
      const seen: number[] = [];
      for (const position of seekTo) {
        await new Promise<void>((resolve) => recording.seek(position, resolve));
        await new Promise<void>((resolve) => display.flush(resolve));
        const canvas = display.getDefaultLayer().getCanvas() as HTMLCanvasElement;
        seen.push(canvas.getContext('2d')!.getImageData(1, 1, 1, 1).data[0]);
      }
      return seen;
    }, positions);

  it('a seek shows the last frame at or before the position (the first frame before it), in any order', async () => {
    // positions in ms after the first frame; frame i is at 100·i and shows grey 10·i
    const positions = [0, 50, 100, 150, 250, 299, 300, 399, 400, 1_000, 250, 50, 350, 0];
    const expected = positions.map((at) => 10 * Math.min(4, Math.floor(at / 100)));
    await expect(greyAfterSeeks(positions)).resolves.toEqual(expected);
  });
});
