/**
 * Hashes through ioredis against `kevy-ts --shards 4` (a child process, as a user runs it): a hash of
 * 100 000 fields written in pipelined HSET batches comes back whole from HGETALL, HSCAN walks it to cursor
 * 0 returning every field, single-field reads and HDEL agree, and hashes on every shard keep their
 * encodings across a cross-shard RENAME.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { startKevyServer } from '../helpers/kevy-server.js';
import type { ServerHandle } from '../helpers/child-server.js';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { testClient } from '../helpers/test-client.js';
import { keyPerShard } from '../helpers/slots.js';

const SHARDS = 4;
const FIELDS = 100_000;
const test = suite('hashes over ioredis (4 shards)');
let server: ServerHandle;
let redis: Redis;

guardedSetup(test, async () => {
  server = await startKevyServer(SHARDS);
  redis = testClient(server.port);
  await redis.ping();
});

test.after(async () => {
  redis?.disconnect();
  await server?.stop();
});

const field = (i: number): string => `field:${i}`;
const value = (i: number): string => `value:${i}:${'x'.repeat(i % 50)}`;

async function fillBig(key: string): Promise<void> {
  const BATCH = 1000;
  for (let from = 0; from < FIELDS; from += 5 * BATCH) {
    const pipe = redis.pipeline();
    for (let b = from; b < Math.min(from + 5 * BATCH, FIELDS); b += BATCH) {
      const args: string[] = [];
      for (let i = b; i < Math.min(b + BATCH, FIELDS); i++) args.push(field(i), value(i));
      pipe.hset(key, ...args);
    }
    const replies = await pipe.exec();
    for (const [err, n] of replies ?? []) {
      assert.is(err, null);
      assert.is(n, BATCH);
    }
  }
}

test('HSET of 100 000 fields, then HGETALL returns every one with its value', async () => {
  await fillBig('big');
  assert.is(await redis.hlen('big'), FIELDS);
  assert.is(await redis.object('ENCODING', 'big'), 'hashtable');
  const all = await redis.hgetall('big');
  assert.is(Object.keys(all).length, FIELDS);
  for (let i = 0; i < FIELDS; i++) {
    if (all[field(i)] !== value(i)) assert.unreachable(`field ${i}: ${all[field(i)]}`);
  }
});

test('HSCAN walks the big hash to cursor 0, returning every field', async () => {
  const seen = new Set<string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, flat] = await redis.hscan('big', cursor, 'COUNT', 500);
    for (let i = 0; i < flat.length; i += 2) seen.add(flat[i]);
    cursor = next;
    calls++;
  } while (cursor !== '0');
  assert.is(seen.size, FIELDS);
  assert.ok(calls > 10, `a COUNT 500 scan of ${FIELDS} fields takes many calls (${calls})`);
});

test('HGET, HMGET, HEXISTS, HSTRLEN and HINCRBY on the big hash', async () => {
  assert.is(await redis.hget('big', field(12345)), value(12345));
  assert.equal(await redis.hmget('big', field(0), 'nosuch', field(99999)), [value(0), null, value(99999)]);
  assert.is(await redis.hexists('big', field(777)), 1);
  assert.is(await redis.hstrlen('big', field(49)), value(49).length);
  assert.is(await redis.hincrby('big', 'counter', 5), 5);
  assert.is(await redis.hincrbyfloat('big', 'counter', '0.5'), '5.5');
  assert.is(await redis.hlen('big'), FIELDS + 1);
});

test('HDEL of half the fields leaves exactly the other half', async () => {
  const pipe = redis.pipeline();
  for (let b = 0; b < FIELDS; b += 1000) {
    const fields: string[] = [];
    for (let i = b; i < b + 1000; i += 2) fields.push(field(i));
    pipe.hdel('big', ...fields);
  }
  await pipe.exec();
  assert.is(await redis.hlen('big'), FIELDS / 2 + 1);
  const all = await redis.hgetall('big');
  assert.is(all[field(0)], undefined);
  assert.is(all[field(1)], value(1));
  assert.is(await redis.del('big'), 1);
  assert.is(await redis.exists('big'), 0);
});

test('a hash on every shard: listpack order, and RENAME across shards keeps fields and encoding', async () => {
  const keys = keyPerShard('h', SHARDS);
  for (const [i, key] of keys.entries()) {
    await redis.hset(key, 'z', String(i), 'a', 'x', 'm', 'y');
    assert.equal(await redis.hkeys(key), ['z', 'a', 'm']);
    assert.is(await redis.object('ENCODING', key), 'listpack');
  }
  await redis.hset(keys[0], 'long', 'x'.repeat(65));
  assert.is(await redis.rename(keys[0], keys[1]), 'OK');
  assert.is(await redis.object('ENCODING', keys[1]), 'hashtable');
  assert.is(await redis.hget(keys[1], 'z'), '0');
  assert.is(await redis.rename(keys[2], keys[3]), 'OK');
  assert.equal(await redis.hkeys(keys[3]), ['z', 'a', 'm']);
  assert.is(await redis.hget(keys[3], 'z'), '2');
});

test.run();
