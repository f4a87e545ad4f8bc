#!/usr/bin/env node
/**
 * demo-screenshot — takes docs/demo.png, the browser demo as the README shows it: starts the demo
 * server (dist/host/node/demo-server.js), opens the page in headless Chromium (/usr/bin/chromium via
 * playwright-core) at a laptop's width, types a few commands, runs the cross-shard transaction scenario,
 * leaves two clients blocked in BLPOP on a key of another shard (their waiter queue shows), and captures
 * what a 1440×1000 window shows. Needs `npm run build` first. Usage: `npm run demo:screenshot [-- out.png]`.
 */
import { chromium } from 'playwright-core';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../dist/host/node/demo-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'docs', 'demo.png');

const server = await startDemoServer({ port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, deviceScaleFactor: 1 });
  await page.goto(server.url);
  await page.evaluate(() => window.kevy.ready);
  const type = async (client, line) => {
    if (await page.locator(`.console[data-client="${client}"]`).count() === 0) await page.locator('#add-client').click();
    const input = page.locator(`.console[data-client="${client}"] .console-input`);
    await input.fill(line);
    await input.press('Enter');
    await page.waitForTimeout(150);
  };
  await page.evaluate(() => window.kevy.runScenario('transaction'));
  await type('A', 'RPUSH queue:jobs "resize photo" "send mail"');
  await type('B', 'LRANGE queue:jobs 0 -1');
  await type('B', 'MGET user:1 queue:jobs');
  await type('C', 'HELLO 3');
  await type('C', 'CONFIG GET maxmemory*');
  await type('D', 'BLPOP orders 0');
  await type('E', 'BLPOP orders 30');
  await page.locator('.console[data-client="A"] .console-input').fill('SET "{user}:1" Ada');
  await page.waitForTimeout(400);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
}
