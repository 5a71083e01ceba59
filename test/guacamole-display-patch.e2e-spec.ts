/**
 * The patched guacamole-common-js (patches/guacamole-common-js+1.5.0.patch) in Debian's Chromium:
 * an image the browser cannot decode no longer freezes the remote display. Upstream 1.5.0 queues a
 * draw task that only the decoded bitmap unblocks, so one rejected `createImageBitmap` left every
 * later update (and `flush`) waiting for ever: a desktop that stopped changing, a player that
 * stopped seeking. The library is the one the console bundles (its ES module build), loaded as is.
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

describe('guacamole-common-js display, patched: an undecodable image is skipped, not waited for (Chromium)', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setContent('<!doctype html><title>display</title>');
    // The ES module build ends `export default Guacamole;`: as a classic script it defines the global.
    const source = fs.readFileSync(LIBRARY, 'utf8').replace(/export default Guacamole;\s*$/, 'window.Guacamole = Guacamole;');
    expect(source).toContain('Vigil patch: a rejected decode');
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
});
