/**
 * Blocking sorted-set and stream commands over TCP against a 4-shard server, with ioredis, node-redis
 * and raw sockets (docs/blocking.md, "Kinds of waiter"). Connections land on shards round-robin
 * ('main-shard-spread': `CLIENT ID` tells a connection's shard) and keys are chosen per shard
 * (tests/helpers/slots.ts), so every waiter below sits on one shard and its keys on others:
 *   - BZPOPMIN / BZPOPMAX served across shards: RESP2 bulk score (ioredis, node-redis), RESP3 double
 *     (`HELLO 3` on a raw socket); BZMPOP COUNT across shards, waiting and at once;
 *   - XREAD BLOCK on streams on two other shards, woken by XADD: only the stream that got the entry is in
 *     the reply (ioredis, node-redis, RESP3 map on a raw socket);
 *   - XREADGROUP BLOCK woken by XADD: the entry is pending for that consumer (XPENDING);
 *   - an XREADGROUP waiter ended by DEL of its stream and by XGROUP DESTROY of its group, with Redis
 *     7.0's exact error texts; a waiter of another group is not disturbed;
 *   - XREAD BLOCK / XREADGROUP BLOCK / BZPOPMIN timeouts answer null (RESP2 `*-1`, RESP3 `_`);
 *   - BZPOPMIN, BZMPOP, XREAD BLOCK inside MULTI answer null at once;
 *   - INFO blocked_clients back to 0 after each case.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { decode, encodeCommand, type RespValue } from '../../host/core/resp-reader.js';
import { startServer, type RunningServer } from '../../host/node/server.js';
import { ShardClients, keysOn as keysOnShard, sleep, errorOf } from '../helpers/shard-clients.js';
import { guardedSetup } from '../helpers/guarded-setup.js';

const SHARDS = 4;
const test = suite('blocking kinds: zsets and streams (4 shards)');
let server: RunningServer;
let admin: Redis;
const raws: net.Socket[] = [];

guardedSetup(test, async () => {
  server = await startServer({ port: 0, shards: SHARDS, design: 'main-shard-spread' });
  clients = new ShardClients(server, SHARDS);
  admin = await client();
});

test.after(async () => {
  clients?.disconnectAll();
  for (const s of raws) s.destroy();
  await server?.close();
});

let clients: ShardClients;
const client = (): Promise<Redis> => clients.client();
const shardOfClient = (r: Redis): Promise<number> => clients.shardOf(r);
const clientOn = (s: number): Promise<Redis> => clients.clientOn(s);
const keysOn = (prefix: string, s: number, n = 1): string[] => keysOnShard(prefix, s, SHARDS, n);
const blockedClients = (): Promise<number> => clients.blockedClients(admin);
const untilBlocked = (n: number, what = ''): Promise<void> => clients.untilBlocked(admin, n, what);
const keyOn = (prefix: string, s: number): string => keysOn(prefix, s)[0];


/** A raw socket: every byte it receives, and the shard it landed on. */
interface Raw {
  socket: net.Socket;
  shard: number;
  bytes(): string;
  replies(): RespValue[];
  /** Sends a command and resolves with the bytes of its reply (`n` replies). */
  send(argv: (string | number)[]): void;
  until(n: number, ms: number): Promise<void>;
  /** Drops what was received so far. */
  clear(): void;
}

async function raw(): Promise<Raw> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ port: server.port, host: '127.0.0.1' });
    s.setNoDelay(true);
    s.once('error', reject);
    s.once('connect', () => resolve(s));
  });
  raws.push(socket);
  socket.on('error', () => {});
  let buf = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  socket.on('data', (c: Buffer) => { buf = Buffer.concat([buf, c]); wake?.(); });
  const replies = (): RespValue[] => {
    const out: RespValue[] = [];
    let at = 0;
    for (;;) {
      const r = decode(buf, at);
      if (!r) return out;
      out.push(r.value);
      at = r.end;
    }
  };
  const r: Raw = {
    socket,
    shard: -1,
    bytes: () => buf.toString('latin1'),
    replies,
    send: (argv) => { socket.write(encodeCommand(argv.map(String))); },
    clear: () => { buf = Buffer.alloc(0); },
    until(n, ms) {
      return new Promise((res, rej) => {
        const timer = setTimeout(() => { wake = undefined; rej(new Error(`${replies().length} of ${n} replies after ${ms} ms: ${JSON.stringify(buf.toString('latin1'))}`)); }, ms);
        wake = () => { if (replies().length >= n) { clearTimeout(timer); wake = undefined; res(); } };
        wake();
      });
    },
  };
  r.send(['CLIENT', 'ID']);
  await r.until(1, 2000);
  r.shard = (Number(r.replies()[0]) - 1) % SHARDS;
  r.clear();
  return r;
}

/** A raw connection in RESP3 (after `HELLO 3`). */
async function raw3(): Promise<Raw> {
  const r = await raw();
  r.send(['HELLO', '3']);
  await r.until(1, 2000);
  r.clear();
  return r;
}

/** node-redis builds stream messages with a null prototype: compare them as plain data. */
const plainObj = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

function nodeRedis(): ReturnType<typeof createClient> {
  const c = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false } });
  c.on('error', () => {});
  return c;
}

test('setup: connections spread round-robin over the 4 shards', async () => {
  const seen = new Set<number>();
  for (let i = 0; i < SHARDS; i++) seen.add(await shardOfClient(await client()));
  assert.is(seen.size, SHARDS);
});

// ---- sorted sets ----

test('BZPOPMIN / BZPOPMAX served across shards (ioredis): the waiter on shard 0, its keys on 1 and 2', async () => {
  const waiter = await clientOn(0);
  const pusher = await clientOn(3);
  const a = keyOn('bz', 1);
  const b = keyOn('bz', 2);
  const got = waiter.bzpopmin(a, b, 0);
  await untilBlocked(1, `(BZPOPMIN ${a} ${b} 0)`);
  assert.is(await pusher.zadd(b, 3, 'three', 1.5, 'one-and-a-half', 2, 'two'), 3);
  assert.equal(await got, [b, 'one-and-a-half', '1.5']);
  assert.equal(await admin.zrange(b, 0, -1, 'WITHSCORES'), ['two', '2', 'three', '3']);
  const max = waiter.bzpopmax(a, 0);
  await untilBlocked(1, `(BZPOPMAX ${a} 0)`);
  await pusher.zadd(a, -1, 'low', 1e20, 'high');
  assert.equal(await max, [a, 'high', '1e+20']);
  // At once, first non-empty key in argument order.
  assert.equal(await waiter.bzpopmin(keyOn('bz-none', 3), b, a, 0), [b, 'two', '2']);
  await admin.del(a, b);
  assert.is(await blockedClients(), 0);
});

test('BZPOPMIN across shards in RESP3 (raw socket): the score is a double', async () => {
  const r = await raw3();
  const a = keyOn('bz3', (r.shard + 1) % SHARDS);
  const b = keyOn('bz3', (r.shard + 2) % SHARDS);
  r.send(['BZPOPMIN', a, b, '0']);
  await untilBlocked(1);
  await admin.zadd(a, 2.5, 'm');
  await r.until(1, 2000);
  assert.is(r.bytes(), `*3\r\n$${a.length}\r\n${a}\r\n$1\r\nm\r\n,2.5\r\n`);
  r.clear();
  r.send(['BZMPOP', '0', '2', b, a, 'MAX', 'COUNT', '5']);
  await untilBlocked(1);
  await admin.zadd(b, 1, 'x', 2, 'y');
  await r.until(1, 2000);
  assert.is(r.bytes(), `*2\r\n$${b.length}\r\n${b}\r\n*2\r\n*2\r\n$1\r\ny\r\n,2\r\n*2\r\n$1\r\nx\r\n,1\r\n`);
  r.clear();
  // A timeout in RESP3 is `_`.
  r.send(['BZPOPMAX', a, b, '0.05']);
  await r.until(1, 2000);
  assert.is(r.bytes(), '_\r\n');
  r.socket.destroy();
  await untilBlocked(0);
});

test('BZMPOP COUNT across shards: waiting, then at once from the first non-empty key', async () => {
  const waiter = await clientOn(1);
  const a = keyOn('bzm', 2);
  const b = keyOn('bzm', 3);
  const c = keyOn('bzm', 0);
  const got = waiter.call('BZMPOP', 0, 3, a, b, c, 'MIN', 'COUNT', 2);
  await untilBlocked(1);
  await admin.zadd(c, 30, 'c3', 10, 'c1', 20, 'c2');
  assert.equal(await got, [c, [['c1', '10'], ['c2', '20']]]);
  assert.equal(await admin.zrange(c, 0, -1), ['c3']);
  await admin.zadd(b, 5, 'b5', 6, 'b6');
  assert.equal(await waiter.call('BZMPOP', 0, 3, a, b, c, 'MAX', 'COUNT', 10), [b, [['b6', '6'], ['b5', '5']]]);
  assert.equal(await waiter.call('BZMPOP', 0.05, 2, a, b, 'MIN'), null, 'BZMPOP on empty keys times out with null');
  await admin.del(a, b, c);
  assert.is(await blockedClients(), 0);
});

test('node-redis: BZPOPMIN and BZMPOP served across shards', async () => {
  const waiter = nodeRedis();
  const pusher = nodeRedis();
  await waiter.connect();
  await pusher.connect();
  try {
    const a = keyOn('nrz', 2);
    const b = keyOn('nrz', 3);
    const reply = waiter.bzPopMin([a, b], 0);
    await untilBlocked(1);
    assert.is(await pusher.zAdd(a, [{ score: 4, value: 'four' }, { score: 0.25, value: 'quarter' }]), 2);
    assert.equal(await reply, { key: a, value: 'quarter', score: 0.25 });
    const m = waiter.bzmPop(0, [b, a], 'MAX', { COUNT: 3 });
    // a still holds `four`: served at once.
    assert.equal(await m, { key: a, elements: [{ value: 'four', score: 4 }] });
    const later = waiter.bzPopMax(b, 0);
    await untilBlocked(1);
    await pusher.zAdd(b, { score: 9, value: 'nine' });
    assert.equal(await later, { key: b, value: 'nine', score: 9 });
    assert.is(await waiter.bzPopMin(b, 0.05), null);
  } finally {
    await waiter.disconnect();
    await pusher.disconnect();
  }
  assert.is(await blockedClients(), 0);
});

// ---- streams ----

test('XREAD BLOCK on streams on two other shards, woken by XADD: only the new stream is in the reply', async () => {
  const reader = await clientOn(0);
  const writer = await clientOn(3);
  const a = keyOn('xr', 1);
  const b = keyOn('xr', 2);
  await admin.xadd(a, '1-1', 'f', 'a-old');
  await admin.xadd(b, '1-1', 'f', 'b-old');
  const got = reader.xread('BLOCK', 0, 'STREAMS', a, b, '$', '$');
  await untilBlocked(1, '(XREAD BLOCK 0 STREAMS a b $ $)');
  assert.is(await writer.xadd(b, '2-1', 'f', 'b-new'), '2-1');
  assert.equal(await got, [[b, [['2-1', ['f', 'b-new']]]]]);
  // An explicit ID: entries after it, both streams that have some, at once.
  assert.equal(await reader.xread('BLOCK', 0, 'STREAMS', a, b, '0', '1-1'), [[a, [['1-1', ['f', 'a-old']]]], [b, [['2-1', ['f', 'b-new']]]]]);
  // Waiting from an explicit ID with COUNT: served with at most COUNT entries after it.
  const counted = reader.xread('COUNT', 1, 'BLOCK', 0, 'STREAMS', b, a, '2-1', '1-1');
  await untilBlocked(1);
  await writer.multi().xadd(a, '3-1', 'f', 'a3').xadd(a, '4-1', 'f', 'a4').exec();
  assert.equal(await counted, [[a, [['3-1', ['f', 'a3']]]]]);
  await admin.del(a, b);
  assert.is(await blockedClients(), 0);
});

test('XREAD BLOCK in RESP3 (raw socket): a map with the one stream; a timeout is `_`', async () => {
  const r = await raw3();
  const a = keyOn('xr3', (r.shard + 1) % SHARDS);
  const b = keyOn('xr3', (r.shard + 2) % SHARDS);
  await admin.xadd(a, '5-0', 'k', 'v');
  r.send(['XREAD', 'BLOCK', '0', 'STREAMS', a, b, '$', '$']);
  await untilBlocked(1);
  await admin.xadd(a, '6-0', 'k', 'w');
  await r.until(1, 2000);
  assert.is(r.bytes(), `%1\r\n$${a.length}\r\n${a}\r\n*1\r\n*2\r\n$3\r\n6-0\r\n*2\r\n$1\r\nk\r\n$1\r\nw\r\n`);
  r.clear();
  r.send(['XREAD', 'BLOCK', '50', 'STREAMS', a, b, '$', '$']);
  await r.until(1, 2000);
  assert.is(r.bytes(), '_\r\n');
  r.socket.destroy();
  await admin.del(a, b);
  await untilBlocked(0);
});

test('XREAD BLOCK timeout answers null (ioredis, raw RESP2 `*-1`)', async () => {
  const reader = await clientOn(2);
  const a = keyOn('xt', 0);
  const b = keyOn('xt', 1);
  await admin.xadd(a, '1-0', 'f', 'v');
  const started = Date.now();
  assert.is(await reader.xread('BLOCK', 100, 'STREAMS', a, b, '$', '0'), null);
  const took = Date.now() - started;
  assert.ok(took >= 90, `XREAD BLOCK 100 answered after ${took} ms`);
  const r = await raw();
  r.send(['XREAD', 'BLOCK', '20', 'STREAMS', a, '$']);
  await r.until(1, 2000);
  assert.is(r.bytes(), '*-1\r\n');
  r.socket.destroy();
  await admin.del(a, b);
  await untilBlocked(0);
});

test('XREADGROUP BLOCK woken by XADD: served, and the entry is pending for that consumer', async () => {
  const consumer = await clientOn(0);
  const writer = await clientOn(1);
  const a = keyOn('xg', 2);
  const b = keyOn('xg', 3);
  await admin.xgroup('CREATE', a, 'grp', '$', 'MKSTREAM');
  await admin.xgroup('CREATE', b, 'grp', '$', 'MKSTREAM');
  const got = consumer.xreadgroup('GROUP', 'grp', 'alice', 'BLOCK', 0, 'STREAMS', a, b, '>', '>');
  await untilBlocked(1);
  await writer.xadd(b, '7-1', 'job', 'one');
  assert.equal(await got, [[b, [['7-1', ['job', 'one']]]]]);
  const pending = await admin.xpending(b, 'grp', '-', '+', 10) as unknown[][];
  assert.is(pending.length, 1);
  assert.equal([pending[0][0], pending[0][1], pending[0][3]], ['7-1', 'alice', 1]);
  assert.equal(await admin.xpending(a, 'grp'), [0, null, null, null]);
  // A second consumer of the group waits; a consumer of another group gets the same entries.
  await admin.xgroup('CREATE', b, 'other', '0');
  assert.equal(await consumer.xreadgroup('GROUP', 'other', 'zed', 'BLOCK', 0, 'STREAMS', b, '>'), [[b, [['7-1', ['job', 'one']]]]]);
  const bob = await clientOn(2);
  const bobGot = bob.xreadgroup('GROUP', 'grp', 'bob', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', b, '>');
  await untilBlocked(1);
  await writer.xadd(b, '8-1', 'job', 'two');
  assert.equal(await bobGot, [[b, [['8-1', ['job', 'two']]]]]);
  assert.equal(await admin.xpending(b, 'grp'), [2, '7-1', '8-1', [['alice', '1'], ['bob', '1']]]);
  assert.is(await consumer.xreadgroup('GROUP', 'grp', 'alice', 'BLOCK', 50, 'STREAMS', a, b, '>', '>'), null, 'XREADGROUP BLOCK 50 times out with null');
  await admin.del(a, b);
  assert.is(await blockedClients(), 0);
});

test('node-redis: XREAD BLOCK and XREADGROUP BLOCK served across shards', async () => {
  const reader = nodeRedis();
  const writer = nodeRedis();
  await reader.connect();
  await writer.connect();
  const a = keyOn('nrx', 1);
  const b = keyOn('nrx', 3);
  try {
    await writer.xAdd(a, '1-1', { f: 'old' });
    const got = reader.xRead([{ key: a, id: '$' }, { key: b, id: '$' }], { BLOCK: 0 });
    await untilBlocked(1);
    await writer.xAdd(a, '2-1', { f: 'new' });
    assert.equal(plainObj(await got), [{ name: a, messages: [{ id: '2-1', message: { f: 'new' } }] }]);
    assert.is(await reader.xRead({ key: b, id: '$' }, { BLOCK: 50 }), null);
    await writer.xGroupCreate(b, 'g', '$', { MKSTREAM: true });
    const grp = reader.xReadGroup('g', 'nr', { key: b, id: '>' }, { BLOCK: 0 });
    await untilBlocked(1);
    await writer.xAdd(b, '3-1', { f: 'grp' });
    assert.equal(plainObj(await grp), [{ name: b, messages: [{ id: '3-1', message: { f: 'grp' } }] }]);
    assert.equal((await writer.xPending(b, 'g')).consumers, [{ name: 'nr', deliveriesCounter: 1 }]);
  } finally {
    await reader.disconnect();
    await writer.disconnect();
  }
  await admin.del(a, b);
  assert.is(await blockedClients(), 0);
});

test('XREADGROUP waiters ended by DEL and by XGROUP DESTROY with Redis 7.0 errors; other groups keep waiting', async () => {
  const NO_KEY = 'UNBLOCKED the stream key no longer exists';
  const NO_GROUP = 'NOGROUP the consumer group this client was blocked on no longer exists';
  const s = keyOn('xd', 2);
  const t = keyOn('xd', 3);
  // DEL: every group's waiter on the stream ends (ioredis and a raw socket, byte for byte).
  await admin.xgroup('CREATE', s, 'g1', '$', 'MKSTREAM');
  await admin.xgroup('CREATE', s, 'g2', '$');
  await admin.xgroup('CREATE', t, 'g1', '$', 'MKSTREAM');
  const w1 = await clientOn(0);
  const e1 = errorOf(w1.xreadgroup('GROUP', 'g1', 'c1', 'BLOCK', 0, 'STREAMS', t, s, '>', '>'));
  const r = await raw();
  r.send(['XREADGROUP', 'GROUP', 'g2', 'c2', 'BLOCK', '0', 'STREAMS', s, '>']);
  const reader = await clientOn(1);
  let readerState = 'waiting';
  const readerGot = reader.xread('BLOCK', 0, 'STREAMS', s, '$');
  readerGot.then((v) => { readerState = `answered ${JSON.stringify(v)}`; }, (e: Error) => { readerState = `failed ${e.message}`; });
  await untilBlocked(3);
  assert.is(await admin.del(s), 1);
  assert.is(await e1, NO_KEY);
  await r.until(1, 2000);
  assert.is(r.bytes(), `-${NO_KEY}\r\n`);
  await untilBlocked(1, '(the XREAD waiter stays)');
  assert.is(readerState, 'waiting');
  await admin.xadd(s, '9-1', 'f', 'back');
  assert.equal(await readerGot, [[s, [['9-1', ['f', 'back']]]]]);
  // XGROUP DESTROY: only that group's waiters end.
  await admin.xgroup('CREATE', s, 'g1', '$');
  await admin.xgroup('CREATE', s, 'g2', '$');
  const e2 = errorOf(w1.xreadgroup('GROUP', 'g1', 'c1', 'BLOCK', 0, 'STREAMS', s, '>'));
  r.clear();
  r.send(['XREADGROUP', 'GROUP', 'g2', 'c2', 'BLOCK', '0', 'STREAMS', s, '>']);
  await untilBlocked(2);
  assert.is(await admin.xgroup('DESTROY', s, 'g1'), 1);
  assert.is(await e2, NO_GROUP);
  await sleep(50);
  assert.is(r.bytes(), '', 'the waiter of g2 is not disturbed');
  await untilBlocked(1);
  await admin.xadd(s, '10-1', 'f', 'for-g2');
  await r.until(1, 2000);
  assert.is(r.bytes(), `*1\r\n*2\r\n$${s.length}\r\n${s}\r\n*1\r\n*2\r\n$4\r\n10-1\r\n*2\r\n$1\r\nf\r\n$6\r\nfor-g2\r\n`);
  r.socket.destroy();
  await admin.del(s, t);
  await untilBlocked(0);
});

// ---- MULTI ----

test('BZPOPMIN, BZMPOP, XREAD BLOCK, XREADGROUP BLOCK inside MULTI answer null at once', async () => {
  const c = await clientOn(0);
  const a = keyOn('tx', 1);
  const b = keyOn('tx', 2);
  await admin.xgroup('CREATE', b, 'g', '$', 'MKSTREAM');
  const started = Date.now();
  const out = await c.multi()
    .bzpopmin(a, 0)
    .bzpopmax(a, b + 'z', 0)
    .call('BZMPOP', 0, 1, a, 'MIN', 'COUNT', 2)
    .xread('BLOCK', 0, 'STREAMS', b, '$')
    .xreadgroup('GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', b, '>')
    .exec();
  assert.equal(out, [[null, null], [null, null], [null, null], [null, null], [null, null]]);
  assert.ok(Date.now() - started < 1000, 'answered at once');
  // RESP3 on a raw socket: `_` each.
  const r = await raw3();
  r.send(['MULTI']);
  r.send(['BZPOPMIN', a, '0']);
  r.send(['XREAD', 'BLOCK', '0', 'STREAMS', b, '$']);
  r.send(['EXEC']);
  await r.until(4, 2000);
  assert.is(r.bytes(), '+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n_\r\n_\r\n');
  r.socket.destroy();
  await admin.del(a, b);
  assert.is(await blockedClients(), 0);
});

test.run();
