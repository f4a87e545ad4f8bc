/**
 * The demo's blocking scenarios (issue 5), played on the page by the real engine: each one from its
 * card, to its expected outcome; a blocked client's state and countdown; the arbiter's messages as
 * arrows. Waits for blocking commands in the engine: this file is excluded from tsconfig.json (so
 * `npm test` does not run it) until the lead enables it; if run before the engine answers BLPOP, it
 * fails at once saying so.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { openDemo, type DemoBrowser } from '../helpers/demo-browser.js';
import { SCENARIOS } from '../../host/browser/scenarios.js';
import type {} from '../../host/browser/kevy-api.js';

const test = suite('browser demo: blocking');
let demo: DemoBrowser;

guardedSetup(test, async () => {
  demo = await openDemo();
  await demo.page.evaluate(() => window.kevy.ready);
  const blocking = await demo.page.evaluate(() => window.kevy.blocking);
  if (!blocking) throw new Error('the engine does not answer BLPOP (COMMAND INFO BLPOP is empty): blocking has not landed');
});

test.after(async () => {
  await demo?.close();
});

test('a blocked client shows its state and timeout counting down, then goes idle when served', async () => {
  const { page } = demo;
  const reply = page.evaluate(() => window.kevy.run('W', ['BLPOP', 'countdown-q', '30']));
  await page.locator('.console[data-client="W"][data-state="blocked"]').waitFor();
  const first = await page.locator('.arbiter-client[data-client="W"] .countdown').innerText();
  await page.waitForTimeout(300);
  const later = await page.locator('.arbiter-client[data-client="W"] .countdown').innerText();
  assert.ok(parseFloat(later) < parseFloat(first), `the countdown runs: ${first} then ${later}`);
  await page.evaluate(() => window.kevy.run('V', ['RPUSH', 'countdown-q', 'x']));
  assert.equal(await reply, ['countdown-q', 'x']);
  await page.locator('.console[data-client="W"][data-state="idle"]').waitFor();
});

for (const s of SCENARIOS.filter((x) => x.blocking)) {
  test(`${s.title}: runs from its card to the expected outcome`, async () => {
    const { page } = demo;
    const card = page.locator(`.scenario[data-id="${s.id}"]`);
    await card.locator('.run-button').click();
    await page.locator(`.scenario[data-id="${s.id}"]:is([data-state="passed"], [data-state="failed"])`).waitFor({ timeout: 60_000 });
    const verdict = await card.locator('.verdict').innerText();
    assert.is(await card.getAttribute('data-state'), 'passed', verdict);
  });
}

test('the arbiter\'s messages show as arrows', async () => {
  const { page } = demo;
  await page.locator('.scenario[data-id="fifo"] .run-button').click();
  await page.locator('.scenario[data-id="fifo"][data-state="passed"]').waitFor({ timeout: 60_000 });
  assert.ok(await page.locator('.msg-arrow.blocking').count() > 0, 'ARM / READY / SERVE … arrows');
});

test('nothing logged an error', () => {
  assert.equal(demo.errors, []);
});

test.run();
