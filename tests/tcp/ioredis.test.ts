/**
 * ioredis against kevy-ts over real TCP: the client as applications use it (connect with its INFO ready
 * check, plain commands, Buffer values, pipelines), on a server started in-process on a free port.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../host/node/server.js';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { testClient } from '../helpers/test-client.js';

const test = suite('ioredis');
let server: RunningServer;
let redis: Redis;

guardedSetup(test, async () => {
  server = await startServer({ port: 0, shards: 1 });
  redis = testClient(server.port);
  // The default connect: ioredis's ready check runs INFO before 'ready'.
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
});

test.after(async () => {
  redis?.disconnect();
  await server?.close();
});

test('SET then GET returns the value; GET of a missing key is null', async () => {
  assert.is(await redis.set('io:k', 'hello'), 'OK');
  assert.is(await redis.get('io:k'), 'hello');
  assert.is(await redis.get('io:missing'), null);
});

test('INCR counts from a missing key and rejects a non-integer value', async () => {
  assert.is(await redis.incr('io:n'), 1);
  assert.is(await redis.incr('io:n'), 2);
  await redis.set('io:s', 'abc');
  try {
    await redis.incr('io:s');
    assert.unreachable('INCR on a string must fail');
  } catch (err) {
    assert.is((err as Error).message, 'ERR value is not an integer or out of range');
  }
});

test('EXPIRE sets a TTL; TTL answers -1 without one and -2 for a missing key', async () => {
  await redis.set('io:e', 'v');
  assert.is(await redis.ttl('io:e'), -1);
  assert.is(await redis.expire('io:e', 100), 1);
  const ttl = await redis.ttl('io:e');
  assert.ok(ttl > 98 && ttl <= 100, `ttl ${ttl}`);
  assert.is(await redis.ttl('io:nope'), -2);
  assert.is(await redis.expire('io:nope', 10), 0);
});

test('a key with a 50 ms PEXPIRE is gone after it', async () => {
  await redis.set('io:short', 'v', 'PX', 50);
  assert.is(await redis.get('io:short'), 'v');
  await new Promise((r) => setTimeout(r, 120));
  assert.is(await redis.get('io:short'), null);
});

test('MGET answers values and nulls in key order; DEL counts what it removed', async () => {
  await redis.set('io:a', '1');
  await redis.set('io:b', '2');
  assert.equal(await redis.mget('io:a', 'io:missing', 'io:b'), ['1', null, '2']);
  assert.is(await redis.del('io:a', 'io:b', 'io:missing'), 2);
  assert.equal(await redis.mget('io:a', 'io:b'), [null, null]);
});

test('binary values with 0x00 and 0xff round-trip as Buffers, binary keys too', async () => {
  const value = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x00, 0x80, 0xfe, 0xff]);
  const key = Buffer.from([0x6b, 0x00, 0xff]);
  assert.is(await redis.set(key, value), 'OK');
  const back = await redis.getBuffer(key);
  assert.ok(back !== null && back.equals(value), `got ${back?.toString('hex')}`);
  assert.is(await redis.strlen(key), value.length);
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  await redis.set('io:bytes', all);
  assert.ok((await redis.getBuffer('io:bytes'))?.equals(all));
});

test('a pipeline of 1000 commands answers every one, in order', async () => {
  const p = redis.pipeline();
  for (let i = 0; i < 500; i++) {
    p.set(`io:p:${i}`, String(i));
    p.incr('io:p:count');
  }
  const results = await p.exec();
  assert.ok(results !== null);
  assert.is(results.length, 1000);
  for (let i = 0; i < 500; i++) {
    assert.equal(results[2 * i], [null, 'OK']);
    assert.equal(results[2 * i + 1], [null, i + 1]);
  }
  const q = redis.pipeline();
  for (let i = 0; i < 500; i++) q.get(`io:p:${i}`);
  const values = await q.exec();
  assert.equal(values?.map(([err, v]) => (err ? err.message : v)), Array.from({ length: 500 }, (_, i) => String(i)));
});

test('an error inside a pipeline answers that command only', async () => {
  const results = await redis.pipeline().set('io:pe', 'x').incr('io:pe').get('io:pe').exec();
  assert.ok(results !== null);
  assert.equal(results[0], [null, 'OK']);
  assert.is(results[1]![0]?.message, 'ERR value is not an integer or out of range');
  assert.equal(results[2], [null, 'x']);
});

test.run();
