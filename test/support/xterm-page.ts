import type { Page } from 'playwright-core';

/** Runs in the page: the text of an xterm.js DOM renderer under `selector` (NBSP as spaces). */
export const xtermText = (page: Page, selector: string) =>
  page.evaluate((sel) => (document.querySelector(`${sel} .xterm-rows`)?.textContent ?? '').replace(/\u00a0/g, ' '), selector);

/** Waits until the terminal under `selector` shows `text` (or, with `present` false, no longer shows it). */
export const waitForXterm = (page: Page, selector: string, text: string, present = true, timeout = 15_000) =>
  page.waitForFunction(
    ([sel, want, yes]) => ((document.querySelector(`${sel} .xterm-rows`)?.textContent ?? '').replace(/\u00a0/g, ' ').includes(want as string)) === yes,
    [selector, text, present] as const,
    { timeout },
  );
