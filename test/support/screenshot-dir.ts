import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './repo-root';

/**
 * Where browser tests write screenshots: the committed docs/screenshots only when VIGIL_SCREENSHOTS=1
 * (regenerating them on purpose), otherwise a throwaway directory, so an ordinary test run never
 * touches the working tree. `cleanup` removes the throwaway directory.
 */
export function screenshotDir(): { dir: string; committed: boolean; cleanup: () => void } {
  if (process.env.VIGIL_SCREENSHOTS === '1') {
    const dir = path.join(repoRoot(), 'docs', 'screenshots');
    fs.mkdirSync(dir, { recursive: true });
    return { dir, committed: true, cleanup: () => undefined };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-screenshots-'));
  return { dir, committed: false, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A full-page screenshot of `page` as docs/screenshots/`name` when VIGIL_SCREENSHOTS=1, and nothing
 * otherwise (the README's pictures are regenerated on purpose, not by every run).
 */
export async function readmeScreenshot(page: { screenshot(options: { path: string; fullPage: boolean }): Promise<unknown> }, name: string): Promise<void> {
  if (process.env.VIGIL_SCREENSHOTS !== '1') return;
  const dir = path.join(repoRoot(), 'docs', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, name), fullPage: true });
}
