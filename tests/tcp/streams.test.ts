/**
 * Streams through a real client (ioredis) on the Node host with 4 shards, one stream per shard: XADD with
 * auto IDs and explicit ones, XRANGE, consumer groups read with XREADGROUP and acknowledged with XACK,
 * XREAD and XREADGROUP over all four streams at once (the cross-shard gather, keys kept in the client's
 * order), BLOCK (served at once when data is there, refused otherwise until the blocking arbiter takes it
 * over), and a stream with its groups moved to another shard by RENAME.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import type { RunningServer } from '../../host/node/server.js';
import { startServedClient, stopServedClient, testClient } from '../helpers/test-client.js';
import { keyPerShard, shardOf } from '../helpers/slots.js';
import { guardedSetup } from '../helpers/guarded-setup.js';

const SHARDS = 4;
const test = suite('streams over ioredis (4 shards)');
let server: RunningServer;
let redis: Redis;

guardedSetup(test, async () => {
  ({ server, redis } = await startServedClient(SHARDS));
});

test.after(() => stopServedClient({ server, redis }));

type Entry = [string, string[]];

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error reply');
}
type StreamReply = [string, Entry[]][];

test('XADD with auto IDs on every shard: IDs grow, XRANGE returns the entries in order', async () => {
  const keys = keyPerShard('stream', SHARDS);
  assert.equal(new Set(keys.map((k) => shardOf(k, SHARDS))).size, SHARDS);
  for (const key of keys) {
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await redis.xadd(key, '*', 'n', String(i), 'key', key)) as string);
    const parsed = ids.map((id) => id.split('-').map(BigInt));
    for (let i = 1; i < parsed.length; i++) {
      const [ms0, seq0] = parsed[i - 1];
      const [ms1, seq1] = parsed[i];
      assert.ok(ms1 > ms0 || (ms1 === ms0 && seq1 > seq0), `${ids[i - 1]} < ${ids[i]}`);
    }
    const range = (await redis.xrange(key, '-', '+')) as Entry[];
    assert.equal(range.map((e) => e[0]), ids);
    assert.equal(range[7][1], ['n', '7', 'key', key]);
    assert.equal(await redis.xlen(key), 50);
    const tail = (await redis.xrevrange(key, '+', '-', 'COUNT', 2)) as Entry[];
    assert.equal(tail.map((e) => e[0]), [ids[49], ids[48]]);
  }
});

test('consumer groups on streams on different shards: XREADGROUP delivers each entry once, XACK clears the PEL', async () => {
  await redis.flushall();
  const keys = keyPerShard('jobs', SHARDS);
  for (const key of keys) {
    for (let i = 1; i <= 10; i++) await redis.xadd(key, `${i}-0`, 'job', `${key}:${i}`);
    assert.equal(await redis.xgroup('CREATE', key, 'workers', '0'), 'OK');
  }
  const seen = new Map<string, string[]>();
  for (const key of keys) {
    for (;;) {
      const consumer = seen.size % 2 === 0 ? 'w1' : 'w2';
      const reply = (await redis.xreadgroup('GROUP', 'workers', consumer, 'COUNT', 3, 'STREAMS', key, '>')) as StreamReply | null;
      if (reply === null) break;
      assert.equal(reply.length, 1);
      assert.equal(reply[0][0], key);
      for (const [id, fields] of reply[0][1]) {
        assert.ok(!seen.has(`${key}/${id}`), `delivered twice: ${key} ${id}`);
        seen.set(`${key}/${id}`, fields);
      }
    }
    const pending = (await redis.xpending(key, 'workers')) as [number, string, string, [string, string][]];
    assert.equal(pending[0], 10);
    assert.equal(pending[1], '1-0');
    assert.equal(pending[2], '10-0');
    const ids = Array.from({ length: 10 }, (_, i) => `${i + 1}-0`);
    assert.equal(await redis.xack(key, 'workers', ...ids), 10);
    assert.equal(await redis.xack(key, 'workers', ...ids), 0);
    const after = (await redis.xpending(key, 'workers')) as [number, null, null, null];
    assert.equal(after[0], 0);
  }
  assert.equal(seen.size, 10 * SHARDS);
});

test('XREAD and XREADGROUP over streams on four shards answer in key order, leaving out streams with nothing', async () => {
  await redis.flushall();
  const keys = keyPerShard('multi', SHARDS);
  for (const [i, key] of keys.entries()) {
    if (i === 2) continue; // one stream stays empty
    await redis.xadd(key, '1-0', 'from', key);
    await redis.xadd(key, '2-0', 'from', key);
  }
  const order = [keys[3], keys[0], keys[2], keys[1]];
  const reply = (await redis.xread('COUNT', 1, 'STREAMS', ...order, '0', '0', '0', '0')) as StreamReply;
  assert.equal(reply.map((s) => s[0]), [keys[3], keys[0], keys[1]]);
  for (const [key, entries] of reply) assert.equal(entries, [['1-0', ['from', key]]]);
  assert.equal(await redis.xread('STREAMS', ...keys, '$', '$', '$', '$'), null);

  await redis.xadd(keys[2], '5-0', 'from', keys[2]);
  for (const key of keys) await redis.xgroup('CREATE', key, 'g', '0');
  const first = (await redis.xreadgroup('GROUP', 'g', 'c', 'STREAMS', ...order, '>', '>', '>', '>')) as StreamReply;
  assert.equal(first.map((s) => s[0]), order);
  assert.equal(first.map((s) => s[1].length), [2, 2, 1, 2]);
  assert.equal(await redis.xreadgroup('GROUP', 'g', 'c', 'STREAMS', ...order, '>', '>', '>', '>'), null);
  const history = (await redis.xreadgroup('GROUP', 'g', 'c', 'STREAMS', ...order, '0', '0', '0', '0')) as StreamReply;
  assert.equal(history.map((s) => s[1].length), [2, 2, 1, 2]);
  // The first failing key decides the error, wherever its shard is.
  await redis.set('plain', 'v');
  assert.match(await errorOf(redis.xreadgroup('GROUP', 'g', 'c', 'STREAMS', keys[0], keys[1], '>', 'bad-id')),
    /Invalid stream ID/);
  assert.match(await errorOf(redis.xreadgroup('GROUP', 'nogroup', 'c', 'STREAMS', keys[1], keys[0], '>', '>')),
    new RegExp(`NOGROUP No such key '${keys[1]}'`));
  // Nothing was delivered by the failed calls.
  const pending = (await redis.xpending(keys[0], 'g')) as [number];
  assert.equal(pending[0], 2);
});

test('XREAD BLOCK and XREADGROUP BLOCK: at once when data is there, else woken by XADD on another shard', async () => {
  await redis.flushall();
  const keys = keyPerShard('blocking', SHARDS);
  await redis.xadd(keys[1], '1-0', 'a', '1');
  const served = (await redis.xread('BLOCK', 0, 'STREAMS', keys[0], keys[1], '0', '0')) as StreamReply;
  assert.equal(served, [[keys[1], [['1-0', ['a', '1']]]]]);
  // Nothing after `$` on either stream: the reader waits, and a timeout answers null.
  assert.is(await redis.xread('BLOCK', 50, 'STREAMS', keys[0], keys[1], '$', '$'), null);
  // A waiting reader (its own connection) is served the entry added on another shard, alone.
  const reader = redis.duplicate();
  try {
    const waiting = reader.xread('BLOCK', 0, 'STREAMS', keys[0], keys[2], '$', '$') as Promise<StreamReply>;
    await until(async () => blockedClients() .then((n) => n === 1));
    await redis.xadd(keys[2], '7-1', 'f', 'v');
    assert.equal(await waiting, [[keys[2], [['7-1', ['f', 'v']]]]]);
    // A group reader with `>`: woken by the next entry, which it then owns (pending until XACK).
    await redis.xgroup('CREATE', keys[1], 'g', '$');
    const grouped = reader.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', keys[1], '>') as Promise<StreamReply>;
    await until(async () => blockedClients().then((n) => n === 1));
    await redis.xadd(keys[1], '9-1', 'x', 'y');
    assert.equal(await grouped, [[keys[1], [['9-1', ['x', 'y']]]]]);
    assert.equal(await redis.xpending(keys[1], 'g'), [1, '9-1', '9-1', [['c', '1']]]);
    // Its stream deleted while it waits: Redis 7.0's error.
    const lost = errorOf(reader.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', keys[1], '>'));
    await until(async () => blockedClients().then((n) => n === 1));
    await redis.del(keys[1]);
    assert.match(await lost, /UNBLOCKED the stream key no longer exists/);
  } finally {
    reader.disconnect();
  }
  // A consumer's history is always served at once, even empty.
  await redis.xadd(keys[3], '1-0', 'a', '1');
  await redis.xgroup('CREATE', keys[3], 'g', '$');
  assert.equal(await redis.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 10, 'STREAMS', keys[3], '0'), [[keys[3], []]]);
});

async function blockedClients(): Promise<number> {
  const info = String(await redis.info('clients'));
  return Number(/blocked_clients:(\d+)/.exec(info)![1]);
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition never met');
}

test('RENAME moves a stream, its groups and their pending entries to another shard', async () => {
  await redis.flushall();
  const [from, , to] = keyPerShard('moving', SHARDS);
  await redis.xadd(from, '1-0', 'a', '1');
  await redis.xadd(from, '2-0', 'a', '2');
  await redis.xgroup('CREATE', from, 'g', '0');
  await redis.xreadgroup('GROUP', 'g', 'alice', 'COUNT', 1, 'STREAMS', from, '>');
  assert.equal(await redis.rename(from, to), 'OK');
  assert.equal(await redis.exists(from), 0);
  assert.equal(await redis.type(to), 'stream');
  const pending = (await redis.xpending(to, 'g')) as [number, string, string, [string, string][]];
  assert.equal(pending, [1, '1-0', '1-0', [['alice', '1']]]);
  const next = (await redis.xreadgroup('GROUP', 'g', 'bob', 'STREAMS', to, '>')) as StreamReply;
  assert.equal(next, [[to, [['2-0', ['a', '2']]]]]);
});

test.run();
