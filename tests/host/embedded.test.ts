/**
 * The embedded API (`import { open } from 'kevy-ts'`): one in-process engine behind `db.call`.
 * Replies as JS values, error replies as Error values (not rejections), Buffers that survive every
 * byte, calls answered in the order they were made, and close.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { open, type Db } from '../../host/embedded.js';
import { guardedSetup } from '../helpers/guarded-setup.js';

const test = suite('embedded');
let db: Db;

guardedSetup(test, async () => {
  db = await open();
});

test.after(() => {
  db?.close();
});

test('open/call/close: SET, GET, INCR, MGET, DEL answer as JS values', async () => {
  assert.is(await db.call('SET', 'k', 'v'), 'OK');
  const got = await db.call('GET', 'k');
  assert.ok(Buffer.isBuffer(got));
  assert.is(got.toString(), 'v');
  assert.is(await db.call('GET', 'missing'), null);
  assert.is(await db.call('INCR', 'n'), 1);
  assert.is(await db.call('INCRBY', 'n', 41), 42);
  const many = await db.call('MGET', 'k', 'missing', 'n');
  assert.ok(Array.isArray(many));
  assert.equal(many.map((v) => (Buffer.isBuffer(v) ? v.toString() : v)), ['v', null, '42']);
  assert.is(await db.call('DEL', 'k', 'n', 'missing'), 2);
  assert.is(await db.call('PING'), 'PONG');
});

test('an error reply resolves to an Error value with Redis\'s text', async () => {
  await db.call('SET', 's', 'abc');
  const err = await db.call('INCR', 's');
  assert.instance(err, Error);
  assert.is((err as Error).message, 'ERR value is not an integer or out of range');
  const unknown = await db.call('NOSUCHCOMMAND', 'x');
  assert.instance(unknown, Error);
  assert.is((unknown as Error).message, "ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'x' ");
  assert.is(await db.call('PING'), 'PONG', 'the connection is fine after an error');
});

test('binary keys and values round-trip byte for byte', async () => {
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const key = Buffer.from([0x00, 0xff, 0x0d, 0x0a]);
  assert.is(await db.call('SET', key, all), 'OK');
  const back = await db.call('GET', key);
  assert.ok(Buffer.isBuffer(back) && back.equals(all));
  assert.is(await db.call('STRLEN', key), 256);
});

test('calls issued concurrently are answered in order', async () => {
  const calls: Promise<unknown>[] = [];
  for (let i = 0; i < 1000; i++) calls.push(db.call('INCR', 'order'));
  const replies = await Promise.all(calls);
  assert.equal(replies, Array.from({ length: 1000 }, (_, i) => i + 1));
});

test('QUIT answers OK and the next call gets a fresh connection', async () => {
  assert.is(await db.call('QUIT'), 'OK');
  assert.is(await db.call('PING'), 'PONG');
});

test('close rejects later calls', async () => {
  const other = await open();
  assert.is(await other.call('PING'), 'PONG');
  other.close();
  try {
    await other.call('PING');
    assert.unreachable('call after close must reject');
  } catch (err) {
    assert.match((err as Error).message, /closed/);
  }
});

test.run();
