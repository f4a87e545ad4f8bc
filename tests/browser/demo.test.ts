/**
 * The browser demo (issue 5) in headless Chromium: the page is cross-origin isolated, the real engine
 * starts in one Web Worker per shard, commands typed or run through `window.kevy.run` are answered,
 * their cross-shard messages appear as arrows, a scenario without blocking runs to its expected
 * outcome, the shard count restarts the mesh, the delay holds messages in flight — and nothing logs an
 * error. The blocking scenarios are in demo-blocking.test.ts.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { openDemo, type DemoBrowser } from '../helpers/demo-browser.js';
import { keyPerShard, shardOf } from '../helpers/slots.js';
import type {} from '../../host/browser/kevy-api.js';

const test = suite('browser demo');
let demo: DemoBrowser;

guardedSetup(test, async () => {
  demo = await openDemo();
  await demo.page.evaluate(() => window.kevy.ready);
});

test.after(async () => {
  await demo?.close();
});

const run = (client: string, argv: string[]): Promise<unknown> =>
  demo.page.evaluate(([c, a]) => window.kevy.run(c, a), [client, argv] as const);

test('the page is cross-origin isolated and starts one worker per shard', async () => {
  const { page } = demo;
  assert.is(await page.evaluate(() => crossOriginIsolated), true);
  assert.is(await page.evaluate(() => window.kevy.shards), 4);
  assert.is(await page.locator('.lane-title').count(), 4);
  assert.match(await page.locator('#status').innerText(), /4 shards running/);
  assert.is(await page.locator('#isolation').isHidden(), true);
});

test('SET, GET and MGET on keys of every shard answer, and their messages show as arrows', async () => {
  const keys = keyPerShard('demo', 4);
  for (const k of keys) assert.is(await run('A', ['SET', k, `v-${k}`]), 'OK');
  for (const k of keys) assert.is(await run('A', ['GET', k]), `v-${k}`);
  assert.equal(await run('B', ['MGET', ...keys, 'nope']), [...keys.map((k) => `v-${k}`), null]);
  const { page } = demo;
  const origin = Number((await page.locator('.console[data-client="A"] .origin').innerText()).replace(/\D+/g, ''));
  const remote = keys.find((k) => shardOf(k, 4) !== origin)!;
  const target = shardOf(remote, 4);
  await page.locator(`.row.msg[data-type="REQ"][data-from="${origin}"][data-to="${target}"]`).first().waitFor();
  await page.locator(`.row.msg[data-type="REP"][data-from="${target}"][data-to="${origin}"]`).first().waitFor();
  assert.ok(await page.locator('.msg-arrow[data-type="LOCK"]').count() > 0, 'the cross-shard MGET locks its shards');
  assert.match(await page.locator('.console[data-client="B"] .console-out').innerText(), /1\) "v-demo:/);
});

test('the console: the key\'s shard shows while typing, Enter runs the line, ↑ brings it back', async () => {
  const { page } = demo;
  const input = page.locator('.console[data-client="A"] .console-input');
  await input.fill('SET "{user}:1" "Ada Lovelace"');
  const chip = page.locator('.console[data-client="A"] .key-hint .shard-chip');
  await chip.first().waitFor();
  assert.is(await chip.first().innerText(), `{user}:1 → shard ${shardOf('{user}:1', 4)}`);
  await input.press('Enter');
  await page.locator('.console[data-client="A"] .console-out .r-simple', { hasText: 'OK' }).last().waitFor();
  assert.is(await run('A', ['GET', '{user}:1']), 'Ada Lovelace');
  await input.press('ArrowUp');
  assert.is(await input.inputValue(), 'SET "{user}:1" "Ada Lovelace"');
});

test('replies render as redis-cli prints them, RESP3 included', async () => {
  const { page } = demo;
  await run('C', ['RPUSH', 'render-list', 'a', 'b']);
  await run('C', ['LRANGE', 'render-list', '0', '-1']);
  await run('C', ['GET', 'missing-key']);
  await run('C', ['INCR', 'render-list']);
  await run('C', ['HELLO', '3']);
  const out = await page.locator('.console[data-client="C"] .console-out').innerText();
  assert.match(out, /\(integer\) 2/);
  assert.match(out, /1\) "a"\n2\) "b"/);
  assert.match(out, /\(nil\)/);
  assert.match(out, /\(error\) WRONGTYPE Operation against a key holding the wrong kind of value/);
  assert.match(out, /1# "server" => "redis"/);
  const hello = await run('C', ['HELLO', '3']) as { map: [unknown, unknown][] };
  assert.equal(hello.map[0], ['server', 'redis'], 'a RESP3 map as window.kevy.run gives it');
});

test('a scenario without blocking runs from its card and shows its outcome', async () => {
  const { page } = demo;
  const card = page.locator('.scenario[data-id="transaction"]');
  await card.locator('.run-button').click();
  await page.locator('.scenario[data-id="transaction"][data-state="passed"]').waitFor({ timeout: 30_000 });
  assert.match(await card.locator('.verdict').innerText(), /every reply as expected/);
  assert.ok(await page.locator('.msg-arrow[data-type="DIRTY"]').count() > 0, 'the watched key\'s owner sent DIRTY');
  assert.ok(await page.locator('.msg-arrow[data-type="UNLOCK"]').count() > 0, 'EXEC unlocked its shards');
});

test('the message delay holds messages in flight, then delivers them', async () => {
  const { page } = demo;
  await page.evaluate(() => window.kevy.setHold(600));
  const origin = Number((await page.locator('.console[data-client="A"] .origin').innerText()).replace(/\D+/g, ''));
  const key = keyPerShard('held', 4).find((k) => shardOf(k, 4) !== origin)!;
  const started = Date.now();
  const reply = run('A', ['GET', key]);
  await page.locator('.msg-arrow.in-flight').first().waitFor();
  assert.is(await reply, null);
  assert.ok(Date.now() - started >= 1000, 'REQ and REP were each held about 600 ms');
  await page.waitForFunction(() => document.querySelectorAll('.msg-arrow.in-flight').length === 0);
  await page.evaluate(() => window.kevy.setHold(0));
});

test('the shard count restarts the mesh', async () => {
  const { page } = demo;
  await page.locator('#shards').selectOption('2');
  await page.waitForFunction(() => window.kevy.shards === 2);
  await page.evaluate(() => window.kevy.ready);
  assert.is(await page.locator('.lane-title').count(), 2);
  const keys = keyPerShard('two', 2);
  await run('A', ['MSET', keys[0], '1', keys[1], '2']);
  assert.equal(await run('A', ['MGET', ...keys]), ['1', '2']);
  await page.locator('.scenario[data-id="forward"] .run-button').click();
  await page.locator('.scenario[data-id="forward"][data-state="passed"]').waitFor({ timeout: 30_000 });
});

test('served without the isolation headers, the page says what is wrong and how to fix it', async () => {
  const page = await demo.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  await page.goto(demo.server.url);
  await page.locator('#isolation').waitFor();
  assert.is(await page.evaluate(() => crossOriginIsolated), false);
  assert.match(await page.locator('#isolation').innerText(), /npm run demo/);
  assert.match(await page.locator('#status').innerText(), /not cross-origin isolated/);
  assert.equal(errors, []);
  await page.close();
});

test('nothing logged an error', () => {
  assert.equal(demo.errors, []);
});

test.run();
