import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';

/** The console `npm run build` puts in dist/web, which the gateway serves. */
export const WEB_INDEX = path.join(__dirname, '..', '..', 'dist', 'web', 'index.html');

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's chromium package, never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(WEB_INDEX)) throw new Error(`${WEB_INDEX} is missing: build first (npm run build)`);
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Runs axe-core (the accessibility engine of browsers' dev tools) on the page as it is now, against
 * WCAG 2.1 A and AA: one line per violation, with the first few elements and how to fix them.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) {
    // evaluated through the DevTools protocol, not as an inline <script>: the console's CSP forbids inline scripts
    await page.evaluate(fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  }
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: any[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => {
      const nodes = (v.nodes as { target: string[]; failureSummary?: string }[]).slice(0, 5);
      return `${v.impact} ${v.id}: ${v.help}\n    ${nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n    ')}`;
    });
  });
}
