/**
 * The Node host with 4 shards (worker threads, rings between every pair, connections spread over the
 * shards): keys land on every shard and every multi-key command gathers them; 10 000 pipelined commands
 * over random keys come back in order, byte for byte; MULTI/EXEC, WATCH and RENAME across shards; pub/sub
 * fan-in from publishers on different shards; connections closed or killed in every state leave the
 * server serving.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { encodeCommand } from '../../host/core/resp-reader.js';
import { startServer, type RunningServer } from '../../host/node/server.js';
import { keyPerShard, shardOf } from '../helpers/slots.js';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { testClient } from '../helpers/test-client.js';

const SHARDS = 4;
const test = suite('multishard (4 shards)');
let server: RunningServer;
let redis: Redis;
const extra: Redis[] = [];

function client(): Redis {
  const r = testClient(server.port);
  extra.push(r);
  return r;
}

guardedSetup(test, async () => {
  server = await startServer({ port: 0, shards: SHARDS });
  redis = client();
  await redis.ping();
});

test.after(async () => {
  for (const r of extra) r.disconnect();
  await server?.close();
});

/** A raw connection that collects every byte it receives. */
function rawConnect(port: number): Promise<{ socket: net.Socket; read(n: number, ms: number): Promise<Buffer> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let have = 0;
    let wake: (() => void) | undefined;
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      have += c.length;
      wake?.();
    });
    socket.on('close', () => wake?.());
    socket.on('error', reject);
    socket.once('connect', () => resolve({
      socket,
      read(n, ms) {
        return new Promise((res, rej) => {
          const timer = setTimeout(() => rej(new Error(`timeout: ${have} of ${n} bytes`)), ms);
          wake = () => {
            if (have >= n) {
              clearTimeout(timer);
              res(Buffer.concat(chunks));
            } else if (socket.destroyed || socket.readableEnded) {
              clearTimeout(timer);
              rej(new Error(`closed after ${have} of ${n} bytes`));
            }
          };
          wake();
        });
      },
    }));
  });
}

test('1000 random keys spread over every shard: SET, GET, MSET, MGET, DEL, DBSIZE', async () => {
  await redis.flushall();
  const keys = Array.from({ length: 1000 }, () => `k:${randomBytes(6).toString('hex')}`);
  const seen = new Set(keys.map((k) => shardOf(k, SHARDS)));
  assert.is(seen.size, SHARDS, 'the keys cover every shard');
  for (const k of keys) assert.is(await redis.set(k, `v-${k}`), 'OK');
  for (const k of keys) assert.is(await redis.get(k), `v-${k}`);
  assert.is(await redis.dbsize(), 1000);

  const mset: string[] = [];
  for (const k of keys.slice(0, 200)) mset.push(k, `m-${k}`);
  assert.is(await redis.mset(...mset), 'OK');
  const mget = await redis.mget(...keys.slice(0, 200), 'missing:1', ...keys.slice(200, 300));
  assert.equal(mget, [...keys.slice(0, 200).map((k) => `m-${k}`), null, ...keys.slice(200, 300).map((k) => `v-${k}`)]);
  assert.is(await redis.exists(...keys.slice(0, 500), 'missing:2'), 500);
  assert.is(await redis.del(...keys.slice(0, 500), 'missing:3'), 500);
  assert.is(await redis.dbsize(), 500);
  for (const k of keys.slice(0, 20)) assert.is(await redis.get(k), null);
  const all = await redis.keys('k:*');
  assert.is(all.length, 500);
  assert.equal(all.sort(), keys.slice(500).sort());
});

test('10 000 pipelined commands over random keys come back in order, every reply as expected', async () => {
  await redis.flushall();
  const model = new Map<string, string>();
  const counters = new Map<string, number>();
  const req: Buffer[] = [];
  let rep = '';
  const pool = Array.from({ length: 300 }, (_, i) => `p:${i}`);
  const bulk = (v: string | undefined): string => (v === undefined ? '$-1\r\n' : `$${Buffer.byteLength(v)}\r\n${v}\r\n`);
  for (let i = 0; i < 10_000; i++) {
    const key = pool[Math.floor(Math.random() * pool.length)];
    const op = i % 5;
    if (op === 0) {
      const v = `v${i}`;
      req.push(encodeCommand(['SET', key, v]));
      model.set(key, v);
      counters.delete(key);
      rep += '+OK\r\n';
    } else if (op === 1 || op === 3) {
      req.push(encodeCommand(['GET', key]));
      rep += bulk(model.get(key));
    } else if (op === 2) {
      const c = `c:${key}`;
      const n = (counters.get(c) ?? 0) + 1;
      counters.set(c, n);
      req.push(encodeCommand(['INCR', c]));
      rep += `:${n}\r\n`;
    } else {
      const other = pool[Math.floor(Math.random() * pool.length)];
      req.push(encodeCommand(['MGET', key, other]));
      rep += `*2\r\n${bulk(model.get(key))}${bulk(model.get(other))}`;
    }
  }
  const expected = Buffer.from(rep, 'utf8');
  const c = await rawConnect(server.port);
  c.socket.write(Buffer.concat(req));
  const got = await c.read(expected.length, 20_000);
  c.socket.destroy();
  assert.is(got.length, expected.length);
  if (!got.equals(expected)) {
    let at = 0;
    while (got[at] === expected[at]) at++;
    assert.unreachable(`reply stream differs at byte ${at}: got ${JSON.stringify(got.subarray(at, at + 60).toString())}, ` +
      `expected ${JSON.stringify(expected.subarray(at, at + 60).toString())}`);
  }
});

test('a 3 MB value on another shard than its connection (bigger than a ring record) survives', async () => {
  const value = randomBytes(3 << 20);
  const keys = keyPerShard('big', SHARDS);
  for (const k of keys) {
    assert.is(await redis.set(k, value), 'OK');
    const got = await redis.getBuffer(k);
    assert.ok(got !== null && got.equals(value), `value on shard ${shardOf(k, SHARDS)}`);
  }
  const all = await redis.mgetBuffer(...keys);
  assert.ok(all.every((v) => v !== null && v.equals(value)));
  assert.is(await redis.del(...keys), SHARDS);
});

test('MULTI/EXEC with keys on different shards runs every command, in order', async () => {
  const [a, b, c, d] = keyPerShard('tx', SHARDS);
  await redis.del(a, b, c, d);
  const res = await redis.multi().set(a, '1').set(b, '2').incr(c).get(a).mget(a, b, c, d).del(b).exec();
  assert.equal(res, [[null, 'OK'], [null, 'OK'], [null, 1], [null, '1'], [null, ['1', '2', '1', null]], [null, 1]]);
  assert.equal(await redis.mget(a, b, c), ['1', null, '1']);
});

test('WATCH across shards: a write to a watched key on another shard aborts EXEC; untouched keys commit', async () => {
  const [a, b, , d] = keyPerShard('watch', SHARDS);
  const other = client();
  await redis.set(a, 'a0');
  await redis.set(b, 'b0');
  assert.is(await redis.watch(a, b), 'OK');
  await other.set(b, 'changed');
  const aborted = await redis.multi().set(a, 'a1').set(d, 'd1').exec();
  assert.is(aborted, null);
  assert.equal(await redis.mget(a, b, d), ['a0', 'changed', null]);

  assert.is(await redis.watch(a, b), 'OK');
  await other.set(d, 'unwatched');
  const done = await redis.multi().set(a, 'a2').set(b, 'b2').exec();
  assert.equal(done, [[null, 'OK'], [null, 'OK']]);
  assert.equal(await redis.mget(a, b, d), ['a2', 'b2', 'unwatched']);
});

test('RENAME across shards moves the value and its TTL exactly once', async () => {
  const [src, , dst] = keyPerShard('ren', SHARDS);
  await redis.del(src, dst);
  await redis.set(src, 'payload', 'EX', 1000);
  assert.is(await redis.rename(src, dst), 'OK');
  assert.is(await redis.exists(src), 0);
  assert.is(await redis.get(dst), 'payload');
  const ttl = await redis.ttl(dst);
  assert.ok(ttl > 990 && ttl <= 1000, `ttl ${ttl}`);
  await redis.set(src, 'x');
  assert.is(await redis.renamenx(src, dst), 0);
  assert.is(await redis.renamenx(dst, src), 0);
  await redis.del(src);
  assert.is(await redis.renamenx(dst, src), 1);
  assert.equal(await redis.mget(src, dst), ['payload', null]);
});

test('pub/sub fan-in: 4 publishers × 1000 messages reach one subscriber, in per-publisher order', async () => {
  const sub = client();
  const received: string[] = [];
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => { done = resolve; });
  sub.on('message', (_channel: string, message: string) => {
    received.push(message);
    if (received.length === 4000) done();
  });
  assert.is(await sub.subscribe('fan-in'), 1);
  const publishers = Array.from({ length: 4 }, () => client());
  await Promise.all(publishers.map((p) => p.ping()));
  const counts = await Promise.all(publishers.map(async (p, i) => {
    const got: number[] = [];
    for (let n = 0; n < 1000; n++) got.push(await p.publish('fan-in', `${i}:${n}`));
    return got;
  }));
  for (const c of counts) assert.ok(c.every((n) => n === 1), 'every PUBLISH reaches exactly one subscriber');
  await Promise.race([all, new Promise((_, rej) => setTimeout(() => rej(new Error(`${received.length}/4000 received`)), 10_000))]);
  const next = [0, 0, 0, 0];
  for (const m of received) {
    const [p, n] = m.split(':').map(Number);
    assert.is(n, next[p], `publisher ${p}'s messages arrive in order`);
    next[p]++;
  }
  assert.equal(next, [1000, 1000, 1000, 1000]);
});

/** An INFO field as a number. */
function infoNumber(info: string, field: string): number {
  const m = new RegExp(`^${field}:(\\d+)\r?$`, 'm').exec(info);
  if (m === null) throw new Error(`INFO has no ${field}`);
  return Number(m[1]);
}

test('a channel and a pattern subscribed from every shard count once, as on one Redis', async () => {
  const before = await redis.info('stats');
  const subs = Array.from({ length: 2 * SHARDS }, () => client());
  const origins = new Set<number>();
  for (const s of subs) {
    origins.add((Number(await s.client('ID')) - 1) % SHARDS);
    await s.subscribe('shared-news');
    await s.psubscribe('shared-*');
  }
  assert.ok(origins.size > 1, `subscribers on several shards (${[...origins].join(',')})`);
  const after = await redis.info('stats');
  assert.is(infoNumber(after, 'pubsub_channels'), infoNumber(before, 'pubsub_channels') + 1, 'pubsub_channels');
  assert.is(infoNumber(after, 'pubsub_patterns'), infoNumber(before, 'pubsub_patterns') + 1, 'pubsub_patterns');
  assert.ok((await redis.pubsub('CHANNELS', 'shared-*') as string[]).length === 1, 'PUBSUB CHANNELS lists it once');
  assert.is(await redis.pubsub('NUMPAT'), infoNumber(after, 'pubsub_patterns'));
  assert.equal(await redis.pubsub('NUMSUB', 'shared-news'), ['shared-news', subs.length]);
  for (const s of subs) s.disconnect();
});

test('connections closed mid-flight, QUIT, CLIENT KILL and reconnects leave the server serving', async () => {
  const keys = keyPerShard('gone', SHARDS);
  // Closed with cross-shard work in flight.
  for (let i = 0; i < 20; i++) {
    const c = await rawConnect(server.port);
    const burst: Buffer[] = [];
    for (let j = 0; j < 50; j++) burst.push(encodeCommand(['MSET', ...keys.flatMap((k) => [k, `${i}.${j}`])]), encodeCommand(['MGET', ...keys]));
    c.socket.write(Buffer.concat(burst));
    if (i % 2 === 0) c.socket.destroy();
    else c.socket.end();
  }
  // QUIT answers, then the server closes.
  const q = await rawConnect(server.port);
  q.socket.write(encodeCommand(['QUIT']));
  assert.is((await q.read(5, 5000)).toString(), '+OK\r\n');
  await new Promise<void>((resolve) => (q.socket.destroyed ? resolve() : q.socket.once('close', () => resolve())));
  // The bursts above may still be running (a closed client's commands already read are not dropped, and
  // each cross-shard MSET waits its turn for every shard's lock): the checks below use keys of their own.
  const own = keyPerShard('still', SHARDS);
  // A client restarts its connection.
  const r = client();
  assert.is(await r.set(own[1], 'before'), 'OK');
  const ended = new Promise<void>((resolve) => r.once('end', () => resolve()));
  r.disconnect();
  await ended;
  await r.connect();
  assert.is(await r.get(own[1]), 'before');
  // CLIENT KILL of a connection, whichever shard it lives on.
  const victims = [client(), client(), client(), client()];
  const ids = await Promise.all(victims.map((v) => v.client('ID') as Promise<number>));
  const closed = victims.map((v) => new Promise<void>((resolve) => v.once('end', () => resolve())));
  for (const id of ids) assert.is(await redis.client('KILL', 'ID', String(id)), 1, `CLIENT KILL ID ${id}`);
  await Promise.race([Promise.all(closed), new Promise((_, rej) => setTimeout(() => rej(new Error('killed clients still open')), 5000))]);
  // Still serving, on every shard.
  assert.is(await redis.ping(), 'PONG');
  assert.is(await redis.mset(...own.flatMap((k) => [k, 'after'])), 'OK');
  assert.equal(await redis.mget(...own), own.map(() => 'after'));
});

test.run();
