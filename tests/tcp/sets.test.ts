/**
 * Sets through ioredis on a 4-shard server: a set of 200 000 members built by pipelined SADDs, read back
 * whole (SMEMBERS, SSCAN while it is being written), combined with sets on the other shards (SUNIONSTORE,
 * SINTERCARD, SDIFF, SMOVE), moved between shards (RENAME) and emptied by SPOP. And the random commands'
 * promises, which the differential corpus can only check by shape: SRANDMEMBER picks every member about
 * equally often, a positive count gives distinct members, and SPOP removes exactly what it returns.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import type { RunningServer } from '../../host/node/server.js';
import { startServedClient, stopServedClient, testClient } from '../helpers/test-client.js';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { keyPerShard } from '../helpers/slots.js';

const SHARDS = 4;
const BIG = 200_000;
const test = suite('sets (ioredis, 4 shards)');
let server: RunningServer;
let redis: Redis;
/** One key per shard: big[0] holds the large set; the others take part in the cross-shard commands. */
const keys = keyPerShard('set', SHARDS);

guardedSetup(test, async () => {
  ({ server, redis } = await startServedClient(SHARDS));
});

test.after(() => stopServedClient({ server, redis }));

async function fill(key: string, from: number, to: number, prefix: string): Promise<void> {
  for (let i = from; i < to; i += 10_000) {
    const batch: string[] = [];
    for (let j = i; j < Math.min(to, i + 10_000); j++) batch.push(`${prefix}${j}`);
    await redis.sadd(key, ...batch);
  }
}

test('a set of 200 000 members: SCARD, SISMEMBER, SMEMBERS, OBJECT ENCODING', async () => {
  const [big] = keys;
  await fill(big, 0, BIG, 'm');
  assert.is(await redis.scard(big), BIG);
  assert.is(await redis.object('ENCODING', big), 'hashtable');
  assert.is(await redis.sismember(big, 'm199999'), 1);
  assert.is(await redis.sismember(big, 'm200000'), 0);
  const all = await redis.smembers(big);
  assert.is(all.length, BIG);
  assert.is(new Set(all).size, BIG);
});

test('SSCAN returns every member present for the whole scan while the set is written', async () => {
  const [big] = keys;
  const seen = new Set<string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, members] = await redis.sscan(big, cursor, 'COUNT', 500);
    for (const m of members) seen.add(m);
    cursor = next;
    calls++;
    // Members beyond m150000 come and go during the scan; the table grows and shrinks under it.
    if (calls % 3 === 0) await redis.srem(big, ...Array.from({ length: 300 }, (_, i) => `m${150_000 + ((calls * 300 + i) % 50_000)}`));
    if (calls % 5 === 0) await redis.sadd(big, ...Array.from({ length: 300 }, (_, i) => `x${calls}:${i}`));
  } while (cursor !== '0');
  for (let i = 0; i < 150_000; i++) {
    if (!seen.has(`m${i}`)) assert.unreachable(`m${i} was never returned (${calls} calls)`);
  }
});

test('the big set combines with sets on the other shards, atomically, in one reply', async () => {
  const [big, a, b, dest] = keys;
  await redis.del(big);
  await fill(big, 0, 100_000, 'm');
  await fill(a, 50_000, 150_000, 'm');
  await redis.sadd(b, 'm1', 'm2', 'm99999', 'nope');
  assert.is(await redis.sunionstore(dest, big, a), 150_000);
  assert.is(await redis.scard(dest), 150_000);
  assert.is(await redis.sintercard(2, big, a), 50_000);
  assert.is(await redis.sintercard(2, big, a, 'LIMIT', 10), 10);
  assert.is(await redis.sinterstore(dest, big, a, b), 1);
  assert.equal(await redis.smembers(dest), ['m99999']);
  const diff = await redis.sdiff(b, big);
  assert.equal(diff, ['nope']);
  assert.is(await redis.smove(big, b, 'm5'), 1);
  assert.is(await redis.sismember(big, 'm5'), 0);
  assert.is(await redis.sismember(b, 'm5'), 1);
});

test('RENAME moves a big set to another shard whole; SPOP with a count empties it', async () => {
  const [big, , , dest] = keys;
  assert.is(await redis.rename(big, dest), 'OK');
  assert.is(await redis.scard(dest), 99_999);
  assert.is(await redis.object('ENCODING', dest), 'hashtable');
  const popped = await redis.spop(dest, 60_000);
  assert.is(popped.length, 60_000);
  assert.is(new Set(popped).size, 60_000);
  assert.is(await redis.scard(dest), 39_999);
  for (const m of popped.slice(0, 200)) assert.is(await redis.sismember(dest, m), 0);
  const rest = await redis.spop(dest, 100_000);
  assert.is(rest.length, 39_999);
  assert.is(await redis.exists(dest), 0);
  assert.is(new Set([...popped, ...rest]).size, 99_999);
});

test('SRANDMEMBER picks every member about equally often, intset and hashtable alike', async () => {
  for (const members of [['1', '2', '3', '4', '5', '6', '7', '8'], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']]) {
    const key = keys[1];
    await redis.del(key);
    await redis.sadd(key, ...members);
    const counts = new Map<string, number>();
    const picks = await redis.srandmember(key, -16_000);
    assert.is(picks.length, 16_000);
    for (const m of picks) counts.set(m, (counts.get(m) ?? 0) + 1);
    assert.is(counts.size, members.length);
    for (const [m, n] of counts) assert.ok(n > 1500 && n < 2500, `${m} picked ${n} times of 16000`);
    const single = new Map<string, number>();
    for (let i = 0; i < 1600; i++) {
      const m = (await redis.srandmember(key)) as string;
      single.set(m, (single.get(m) ?? 0) + 1);
    }
    for (const [m, n] of single) assert.ok(n > 100 && n < 320, `${m} picked alone ${n} times of 1600`);
    for (const count of [1, 3, 5, 7, 8, 20]) {
      const got = await redis.srandmember(key, count);
      assert.is(got.length, Math.min(count, members.length));
      assert.is(new Set(got).size, got.length, `SRANDMEMBER ${count} repeated a member`);
      for (const m of got) assert.ok(members.includes(m));
    }
  }
});

test('SPOP removes exactly what it returns, one at a time and by count', async () => {
  const key = keys[2];
  for (const size of [10, 600, 5000]) {
    await redis.del(key);
    const members = Array.from({ length: size }, (_, i) => (size === 5000 ? `p${i}` : String(i)));
    await redis.sadd(key, ...members);
    const popped: string[] = [];
    popped.push((await redis.spop(key)) as string);
    for (const count of [1, 2, Math.floor(size / 3), Math.floor(size / 2)]) popped.push(...(await redis.spop(key, count)));
    const left = await redis.smembers(key);
    assert.is(new Set(popped).size, popped.length, 'SPOP returned a member twice');
    for (const m of popped) assert.ok(!left.includes(m), `${m} popped but still there`);
    assert.equal([...popped, ...left].sort(), [...members].sort());
    assert.is(await redis.scard(key), left.length);
  }
  // Popping nearly everything rebuilds the rest as an intset, as Redis does.
  await redis.del(key);
  await redis.sadd(key, ...Array.from({ length: 600 }, (_, i) => String(i)));
  assert.is(await redis.object('ENCODING', key), 'hashtable');
  assert.is((await redis.spop(key, 590)).length, 590);
  assert.is(await redis.object('ENCODING', key), 'intset');
  assert.is(await redis.scard(key), 10);
});

test.run();
