/**
 * Sorted sets over the Node host with 4 shards, through ioredis: a 20 000-member set (a skip list) and
 * its reads checked against a plain JS model (ranks, scores, rank/score/lex ranges, counts, a full ZSCAN
 * through the cursor while the set changes), then the cross-shard paths with large sets on different
 * shards (ZUNIONSTORE, ZINTERSTORE, ZDIFFSTORE, ZINTERCARD, ZRANGESTORE, ZMPOP, RENAME), each result
 * compared with the model's.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import type { RunningServer } from '../../host/node/server.js';
import { startServedClient, stopServedClient, testClient } from '../helpers/test-client.js';
import { keyPerShard, shardOf } from '../helpers/slots.js';
import { guardedSetup } from '../helpers/guarded-setup.js';

const SHARDS = 4;
const N = 20000;
const test = suite('sorted sets (4 shards)');
let server: RunningServer;
let redis: Redis;

guardedSetup(test, async () => {
  ({ server, redis } = await startServedClient(SHARDS));
});

test.after(() => stopServedClient({ server, redis }));

type Model = Map<string, number>;

/** The model's members in (score, member) order, as Redis orders them (bytes; ASCII here). */
function ordered(m: Model): [string, number][] {
  return [...m.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function flat(pairs: [string, number][]): string[] {
  return pairs.flatMap(([k, s]) => [k, String(s)]);
}

/** A seeded PRNG, so a failure replays. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function fill(key: string, model: Model, count: number, prefix: string, rnd: () => number): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    const args: (string | number)[] = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const member = `${prefix}${i}`;
      const score = Math.floor(rnd() * 5000) / 4; // many ties: order by member too
      model.set(member, score);
      args.push(score, member);
    }
    await redis.zadd(key, ...args);
  }
}

const [big, other, dest, spare] = keyPerShard('zbig', SHARDS);
const bigModel: Model = new Map();
const otherModel: Model = new Map();

test('a 20 000-member set on one shard answers like the model: ranks, ranges, counts, scores', async () => {
  const rnd = prng(1);
  await fill(big, bigModel, N, 'm', rnd);
  assert.is(await redis.zcard(big), N);
  assert.is(await redis.object('ENCODING', big), 'skiplist');
  const all = ordered(bigModel);
  assert.equal(await redis.zrange(big, 0, 99, 'WITHSCORES'), flat(all.slice(0, 100)));
  assert.equal(await redis.zrange(big, -50, -1), all.slice(-50).map(([k]) => k));
  assert.equal(await redis.zrevrange(big, 10, 19), all.slice().reverse().slice(10, 20).map(([k]) => k));
  for (let i = 0; i < 200; i++) {
    const r = Math.floor(rnd() * N);
    const [member, score] = all[r];
    assert.is(await redis.zrank(big, member), r);
    assert.is(await redis.zrevrank(big, member), N - 1 - r);
    assert.is(Number(await redis.zscore(big, member)), score);
  }
  const lo = 300;
  const hi = 310.25;
  const inRange = all.filter(([, s]) => s >= lo && s <= hi);
  assert.is(await redis.zcount(big, lo, hi), inRange.length);
  assert.equal(await redis.zrangebyscore(big, lo, hi, 'LIMIT', 3, 7), inRange.slice(3, 10).map(([k]) => k));
  assert.equal(await redis.zrevrangebyscore(big, `(${hi}`, `(${lo}`),
    all.filter(([, s]) => s > lo && s < hi).reverse().map(([k]) => k));
  assert.is(await redis.zcount(big, '-inf', '+inf'), N);
});

test('ZRANDMEMBER: distinct members from the set for a positive count, repetitions for a negative one', async () => {
  const small = `${big}-small`;
  await redis.zadd(small, 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
  for (const key of [big, small]) {
    const size = await redis.zcard(key);
    const model = key === big ? bigModel : new Map([['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 5]]);
    for (const count of [1, 3, Math.min(size - 1, 4000)]) {
      const got = await redis.zrandmember(key, count) as string[];
      assert.is(got.length, count);
      assert.is(new Set(got).size, count);
      for (const m of got) assert.ok(model.has(m), m);
    }
    const many = await redis.zrandmember(key, -3000, 'WITHSCORES') as string[];
    assert.is(many.length, 6000);
    const seen = new Set<string>();
    for (let i = 0; i < many.length; i += 2) {
      assert.is(Number(many[i + 1]), model.get(many[i]));
      seen.add(many[i]);
    }
    // 3000 draws from 5 members repeat; from 20 000 they reach far more than 5.
    assert.ok(key === small ? seen.size === 5 : seen.size > 2000, `${key}: ${seen.size}`);
    const one = await redis.zrandmember(key) as string;
    assert.ok(model.has(one));
  }
  await redis.del(small);
});

test('ZSCAN walks the whole skip list through the cursor, even while it changes', async () => {
  const seen = new Set<string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = await redis.zscan(big, cursor, 'COUNT', 200);
    for (let i = 0; i < items.length; i += 2) {
      if (items[i] === 'during-scan') continue;
      assert.is(Number(items[i + 1]), bigModel.get(items[i]));
      seen.add(items[i]);
    }
    // Members added during the scan may or may not be returned; those present throughout must be.
    if (calls === 3) await redis.zadd(big, 1, 'during-scan');
    cursor = next;
    calls++;
  } while (cursor !== '0');
  for (const member of bigModel.keys()) assert.ok(seen.has(member), member);
  await redis.zrem(big, 'during-scan');
  assert.ok(calls > 10);
});

test('ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE / ZINTERCARD over large sets on different shards', async () => {
  assert.is.not(shardOf(big, SHARDS), shardOf(other, SHARDS));
  const rnd = prng(2);
  // Half the members shared with the big set, half new.
  await fill(other, otherModel, N / 2, 'm', rnd);
  await fill(other, otherModel, N / 2, 'o', rnd);
  const union: Model = new Map(bigModel);
  for (const [k, s] of otherModel) union.set(k, Math.max(union.get(k) ?? -Infinity, s * 2));
  for (const [k, s] of bigModel) if (!otherModel.has(k)) union.set(k, s);
  assert.is(await redis.zunionstore(dest, 2, big, other, 'WEIGHTS', 1, 2, 'AGGREGATE', 'MAX'), union.size);
  assert.equal(await redis.zrange(dest, 0, -1, 'WITHSCORES'), flat(ordered(union)));

  const inter: Model = new Map();
  for (const [k, s] of otherModel) if (bigModel.has(k)) inter.set(k, s + bigModel.get(k)!);
  assert.is(await redis.zinterstore(dest, 2, big, other), inter.size);
  assert.equal(await redis.zrange(dest, 0, -1, 'WITHSCORES'), flat(ordered(inter)));
  assert.is(await redis.zintercard(2, big, other), inter.size);
  assert.is(await redis.zintercard(2, big, other, 'LIMIT', 100), 100);

  const diff: Model = new Map([...bigModel].filter(([k]) => !otherModel.has(k)));
  assert.is(await redis.zdiffstore(dest, 2, big, other), diff.size);
  assert.equal(await redis.zrange(dest, 0, -1, 'WITHSCORES'), flat(ordered(diff)));
  assert.is(await redis.object('ENCODING', dest), 'skiplist');
});

test('ZRANGESTORE, RENAME and ZMPOP move large sets between shards exactly', async () => {
  const all = ordered(bigModel);
  assert.is(await redis.zrangestore(spare, big, 100, 5099), 5000);
  assert.equal(await redis.zrange(spare, 0, -1, 'WITHSCORES'), flat(all.slice(100, 5100)));
  assert.is(await redis.zrangestore(spare, big, 0, 9), 10);
  assert.is(await redis.object('ENCODING', spare), 'listpack');

  assert.is(await redis.rename(big, spare), 'OK');
  assert.is(await redis.exists(big), 0);
  assert.is(await redis.zcard(spare), N);
  assert.is(await redis.object('ENCODING', spare), 'skiplist');
  assert.equal(await redis.zrange(spare, 0, -1, 'WITHSCORES'), flat(all));

  // ZMPOP: the first non-empty key in argument order, whatever shard it is on.
  const popped = await redis.call('ZMPOP', 3, big, spare, other, 'MIN', 'COUNT', 1500) as [string, [string, string][]];
  assert.is(popped[0], spare);
  assert.equal(popped[1].map(([k, s]) => [k, Number(s)]), all.slice(0, 1500));
  assert.is(await redis.zcard(spare), N - 1500);
  await redis.zremrangebyrank(spare, 0, -1);
  assert.is(await redis.exists(spare), 0);
  const next = await redis.call('ZMPOP', 3, big, spare, other, 'MAX') as [string, [string, string][]];
  assert.is(next[0], other);
  const top = ordered(otherModel).at(-1)!;
  assert.equal(next[1], [[top[0], String(top[1])]]);
});

test('ZUNION and ZUNIONSTORE across shards see one moment of both sources while transactions write them', async () => {
  const [a, b, , d] = keyPerShard('zatomic', SHARDS);
  await redis.zadd(a, 0, 'x');
  await redis.zadd(b, 0, 'x');
  const writer = testClient(server.port);
  let writing = true;
  const writes = (async () => {
    let n = 0;
    // Each transaction keeps x's scores summing to 0 across the two shards.
    while (writing || n < 50) {
      await writer.multi().zincrby(a, 1, 'x').zincrby(b, -1, 'x').exec();
      n++;
    }
    return n;
  })();
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const [member, score] = await redis.zunion(2, a, b, 'WITHSCORES') as string[];
    assert.is(member, 'x');
    assert.is(score, '0');
    await redis.zunionstore(d, 2, a, b);
    assert.is(await redis.zscore(d, 'x'), '0');
    seen.add(String(await redis.zscore(a, 'x')));
  }
  writing = false;
  const n = await writes;
  writer.disconnect();
  assert.is(await redis.zscore(a, 'x'), String(n));
  assert.ok(seen.size > 1, 'the writer ran while the unions did');
});

test.run();
