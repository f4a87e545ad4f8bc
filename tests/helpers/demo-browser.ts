/**
 * demo-browser — the browser demo (demo/, host/browser/) opened in headless Chromium for tests and the
 * screenshot script: starts the demo's static server on a free port, launches Debian's chromium through
 * playwright-core and opens the page, collecting every console error and uncaught page error.
 *
 * A missing /usr/bin/chromium is an error that names the package (`.ci/run` installs it): browser tests
 * must fail, not skip.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../host/node/demo-server.js';

export const CHROMIUM = '/usr/bin/chromium';

export interface DemoBrowser {
  readonly browser: Browser;
  readonly page: Page;
  readonly server: DemoServer;
  /** Console errors and page errors seen so far. */
  readonly errors: string[];
  close(): Promise<void>;
}

export interface OpenDemoOptions {
  width?: number;
  height?: number;
  /** Runs before the page is opened (e.g. `page.route` to serve another engine). */
  beforeOpen?(page: Page): Promise<void>;
}

export async function openDemo(options: OpenDemoOptions = {}): Promise<DemoBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install -y chromium)`);
  }
  const server = await startDemoServer({ port: 0 });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    const page = await browser.newPage({ viewport: { width: options.width ?? 1400, height: options.height ?? 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
    await options.beforeOpen?.(page);
    await page.goto(server.url);
    const b = browser;
    return {
      browser: b,
      page,
      server,
      errors,
      async close() {
        await b.close();
        await server.close();
      },
    };
  } catch (err) {
    await browser?.close();
    await server.close();
    throw err;
  }
}
