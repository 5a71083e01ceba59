import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface PageOptions {
  colorScheme?: 'light' | 'dark';
  width?: number;
  height?: number;
  timeoutMs?: number;
  /** IANA zone of the browser (times the console shows in the user's zone) */
  timezoneId?: string;
}

/**
 * Signed-in pages of the web console for browser tests: each in its own context (its own
 * storage, so its own sign-in), uncaught page errors collected for an afterEach to assert empty,
 * and everything closed at the end.
 */
export class ConsolePages {
  /** uncaught errors of every page so far (splice them in afterEach) */
  readonly errors: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly browser: () => Browser,
    private readonly baseURL: () => string,
  ) {}

  async open(options: PageOptions = {}): Promise<Page> {
    const context = await this.browser().newContext({
      viewport: { width: options.width ?? 1366, height: options.height ?? 768 },
      colorScheme: options.colorScheme ?? 'light',
      ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
      baseURL: this.baseURL(),
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: this.baseURL() });
    context.setDefaultTimeout(options.timeoutMs ?? 10_000);
    this.contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => this.errors.push(error.message));
    return page;
  }

  /** A page signed in as `username`, on the sessions page. */
  async signedIn(username: string, password: string, options: PageOptions = {}): Promise<Page> {
    const page = await this.open(options);
    await page.goto('/login');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    return page;
  }

  async closeAll(): Promise<void> {
    for (const context of this.contexts.splice(0)) await context.close().catch(() => undefined);
  }
}
