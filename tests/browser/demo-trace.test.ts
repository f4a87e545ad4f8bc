/**
 * The demo's view of the engine's TRACE records (the blocking arbiter's events), before the real engine
 * emits them: the page is served the stand-in engine (tests/helpers/stand-in-engine.ts), which traces
 * `arm` (with the key's waiter queue) and `serve` for every command. The records travel from the shard
 * workers to the page; the message view marks them on the emitting shard's lane with client names, the
 * blocking panel shows the key's waiter queue, and the client's console shows it being served.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { openDemo, type DemoBrowser } from '../helpers/demo-browser.js';
import { standInEngine } from '../helpers/stand-in-engine.js';
import type {} from '../../host/browser/kevy-api.js';

const test = suite('browser demo: TRACE records');
let demo: DemoBrowser;

guardedSetup(test, async () => {
  const wasm = Buffer.from(await standInEngine());
  demo = await openDemo({
    async beforeOpen(page) {
      await page.route('**/build/shard.wasm', async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, body: wasm });
      });
    },
  });
  await demo.page.evaluate(() => window.kevy.ready);
});

test.after(async () => {
  await demo?.close();
});

test('TRACE records show on the emitting shard\'s lane, as the key\'s waiter queue and as a client serving', async () => {
  const { page } = demo;
  assert.is(await page.evaluate(() => window.kevy.run('A', ['PING'])), 'OK');
  const origin = Number((await page.locator('.console[data-client="A"] .origin').innerText()).replace(/\D+/g, ''));
  const mark = page.locator(`.row.trace[data-ev="arm"][data-lane="${origin}"]`, { hasText: 'queue [A]' });
  await mark.first().waitFor();
  assert.is(await mark.first().locator('.mark').innerText(), 'arm · q · A · queue [A]');
  await page.locator('.arbiter-key[data-key="q"] .waiter', { hasText: 'A' }).waitFor();
  await page.locator('.console[data-client="A"][data-state="serving"]').waitFor();
  await page.locator('.arbiter-client[data-client="A"][data-state="serving"]').waitFor();
});

test('nothing logged an error', () => {
  assert.equal(demo.errors, []);
});

test.run();
