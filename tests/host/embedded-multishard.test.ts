/**
 * The embedded API with several shards (`open({ shards: 4 })`): the same JS values as with one, keys on
 * every shard, multi-key commands and transactions across shards, calls answered in the order they
 * were made however many shards they touch, big values, QUIT, close — and an idle database that does
 * not keep the process alive.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, type Db } from '../../host/embedded.js';
import { keyPerShard } from '../helpers/slots.js';
import { guardedSetup } from '../helpers/guarded-setup.js';

const SHARDS = 4;
const test = suite('embedded, 4 shards');
let db: Db;

guardedSetup(test, async () => {
  db = await open({ shards: SHARDS });
});

test.after(() => {
  db?.close();
});

const text = (v: unknown): unknown => (Buffer.isBuffer(v) ? v.toString() : Array.isArray(v) ? v.map(text) : v);

test('keys on every shard: SET, GET, MSET, MGET, DEL, DBSIZE as JS values', async () => {
  const keys = keyPerShard('emb', SHARDS);
  for (const k of keys) assert.is(await db.call('SET', k, `v-${k}`), 'OK');
  for (const k of keys) assert.is(text(await db.call('GET', k)), `v-${k}`);
  assert.equal(text(await db.call('MGET', ...keys, 'missing')), [...keys.map((k) => `v-${k}`), null]);
  assert.is(await db.call('MSET', ...keys.flatMap((k) => [k, 'm'])), 'OK');
  assert.is(await db.call('DBSIZE'), SHARDS);
  assert.is(await db.call('DEL', ...keys), SHARDS);
  assert.is(await db.call('DBSIZE'), 0);
  const err = await db.call('INCRBY', keys[2], 'x');
  assert.instance(err, Error);
  assert.is((err as Error).message, 'ERR value is not an integer or out of range');
});

test('3000 calls issued at once over keys on every shard are answered in order', async () => {
  const keys = keyPerShard('order', SHARDS);
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < 3000; i++) calls.push(db.call('INCR', keys[i % SHARDS]));
  const replies = await Promise.all(calls);
  assert.equal(replies, Array.from({ length: 3000 }, (_, i) => Math.floor(i / SHARDS) + 1));
});

test('MULTI/EXEC across shards', async () => {
  const [a, b, c] = keyPerShard('etx', SHARDS);
  assert.is(await db.call('MULTI'), 'OK');
  assert.is(await db.call('SET', a, '1'), 'QUEUED');
  assert.is(await db.call('INCR', b), 'QUEUED');
  assert.is(await db.call('MGET', a, b, c), 'QUEUED');
  assert.equal(text(await db.call('EXEC')), ['OK', 1, ['1', '1', null]]);
});

test('a 2 MB value on each shard round-trips', async () => {
  const value = randomBytes(2 << 20);
  for (const k of keyPerShard('ebig', SHARDS)) {
    assert.is(await db.call('SET', k, value), 'OK');
    const back = await db.call('GET', k);
    assert.ok(Buffer.isBuffer(back) && back.equals(value));
  }
});

test('QUIT answers OK and the next call gets a fresh connection', async () => {
  assert.is(await db.call('QUIT'), 'OK');
  assert.is(await db.call('PING'), 'PONG');
});

test('an idle multi-shard database does not keep the process alive', () => {
  const url = new URL('../../host/embedded.js', import.meta.url).href;
  const script = `const { open } = await import(${JSON.stringify(url)});
    const db = await open({ shards: 2 });
    console.log(String(await db.call('SET', 'k', 'v')));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000 });
  assert.is(r.error, undefined, 'the process exits by itself');
  assert.is(r.stdout.trim(), 'OK', r.stderr);
  assert.is(r.status, 0);
});

test('close rejects pending and later calls', async () => {
  const other = await open({ shards: 2 });
  assert.is(await other.call('PING'), 'PONG');
  const late = other.call('PING');
  other.close();
  await late.then(() => {}, () => {}); // either answered before close or rejected: never hangs
  try {
    await other.call('PING');
    assert.unreachable('a call after close must reject');
  } catch (err) {
    assert.match((err as Error).message, /closed/);
  }
});

test.run();
