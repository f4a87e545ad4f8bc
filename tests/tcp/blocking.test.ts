/**
 * Blocking list commands over TCP against a 4-shard server (issue 4), with ioredis, node-redis and raw
 * sockets. Connections land on shards round-robin ('main-shard-spread': the n-th accepted connection is
 * on shard (n-1) mod 4, so `CLIENT ID` tells a connection's shard) and keys are chosen per shard
 * (tests/helpers/slots.ts), so every case below runs with its waiter on one shard and its keys on others:
 *   - two watched keys on different shards made ready by one MULTI/EXEC: exactly one element served;
 *   - a timeout racing a serve, many times: never lost, never twice;
 *   - a raw client disconnecting at the moment of a push: what it received plus what is listed is what
 *     was pushed, and the next waiter gets what it did not;
 *   - waiters from every shard on one key: served in the order they blocked;
 *   - commands pipelined behind a blocked command answer after it; other waiters are not disturbed;
 *   - blocking commands inside MULTI answer null at once (RESP2 and RESP3);
 *   - BLMOVE / BRPOPLPUSH across shards land exactly once; WRONGTYPE at once, and for a destination of
 *     another type at serve time (the element stays in the source, as Redis 7.0 does);
 *   - CLIENT UNBLOCK TIMEOUT / ERROR of a client blocked on another shard's keys; INFO blocked_clients and
 *     clients_in_timeout_table; CLIENT LIST flags=b;
 *   - a conservation run with churn (producers, consumers with random timeouts, disconnects of waiting
 *     consumers): consumed + remaining == produced, nothing twice;
 *   - node-redis: a BLPOP served across shards.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { decode, encodeCommand, type RespValue } from '../../host/core/resp-reader.js';
import { startServer, type RunningServer } from '../../host/node/server.js';
import { ShardClients, keysOn as keysOnShard, infoField, sleep, errorOf } from '../helpers/shard-clients.js';
import { guardedSetup } from '../helpers/guarded-setup.js';

const SHARDS = 4;
const test = suite('blocking (4 shards)');
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
const clientsOn = (shards: number[]): Promise<Redis[]> => clients.clientsOn(shards);
const keysOn = (prefix: string, s: number, n = 1): string[] => keysOnShard(prefix, s, SHARDS, n);
const blockedClients = (): Promise<number> => clients.blockedClients(admin);
const untilBlocked = (n: number, what = ''): Promise<void> => clients.untilBlocked(admin, n, what);

/** A raw socket that records every byte it receives until it closes. */
interface Recorder {
  socket: net.Socket;
  /** Everything received so far, decoded (a partial frame at the end is left out). */
  replies(): RespValue[];
  bytes(): Buffer;
  /** Resolves once `n` complete replies arrived (or rejects after `ms`). */
  until(n: number, ms: number): Promise<RespValue[]>;
  /** Half-closes (FIN) and resolves once the server has closed the connection. */
  hangUp(ms: number): Promise<void>;
}

function recorder(): Promise<Recorder> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: after `end()` (our FIN) we keep reading until the server closes, so a reply the
    // server wrote before it saw the FIN is still recorded.
    const socket = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
    socket.setNoDelay(true);
    raws.push(socket);
    let buf = Buffer.alloc(0);
    let wake: (() => void) | undefined;
    socket.on('data', (c: Buffer) => { buf = Buffer.concat([buf, c]); wake?.(); });
    socket.on('close', () => wake?.());
    socket.on('error', () => {});
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
    socket.once('error', reject);
    socket.once('connect', () => resolve({
      socket,
      replies,
      bytes: () => buf,
      hangUp(ms) {
        socket.end();
        return new Promise((res, rej) => {
          if (socket.destroyed) { res(); return; }
          const timer = setTimeout(() => rej(new Error(`the server did not close the connection within ${ms} ms`)), ms);
          socket.once('close', () => { clearTimeout(timer); res(); });
        });
      },
      until(n, ms) {
        return new Promise((res, rej) => {
          const timer = setTimeout(() => {
            wake = undefined;
            rej(new Error(`${replies().length} of ${n} replies after ${ms} ms (last bytes ${JSON.stringify(buf.subarray(-120).toString('latin1'))})`));
          }, ms);
          wake = () => {
            const got = replies();
            if (got.length >= n || socket.destroyed) { clearTimeout(timer); wake = undefined; res(got); }
          };
          wake();
        });
      },
    }));
  });
}

/** The error message a command fails with ('no error' when it succeeds). */

/** A reply as plain data: Buffers → latin1 strings, errors → '!message'. */
function plain(v: RespValue): unknown {
  if (v === null) return null;
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  if (v instanceof Error) return '!' + v.message;
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

test('setup: connections spread round-robin over the 4 shards', async () => {
  const seen = new Set<number>();
  for (let i = 0; i < SHARDS; i++) seen.add(await shardOfClient(await client()));
  assert.is(seen.size, SHARDS);
});

test('two watched keys on different shards made ready by one EXEC: exactly one element is served', async () => {
  const pusher = await clientOn(3);
  const waiter = await clientOn(0);
  const tally = { first: 0, second: 0 };
  for (let i = 0; i < 20; i++) {
    const [a] = keysOn(`two${i}a`, 1);
    const [b] = keysOn(`two${i}b`, 2);
    const got = waiter.blpop(a, b, 0);
    await untilBlocked(1, `(BLPOP ${a} ${b})`);
    const exec = await pusher.multi().rpush(a, 'x').rpush(b, 'y').exec();
    assert.equal(exec, [[null, 1], [null, 1]]);
    const served = await got;
    const left = [await admin.lrange(a, 0, -1), await admin.lrange(b, 0, -1)];
    if (served?.[0] === a) {
      assert.equal(served, [a, 'x']);
      assert.equal(left, [[], ['y']]);
      tally.first++;
    } else {
      assert.equal(served, [b, 'y'], `BLPOP ${a} ${b} answered ${JSON.stringify(served)}`);
      assert.equal(left, [['x'], []]);
      tally.second++;
    }
    await admin.del(a, b);
  }
  // Redis serves the key made ready first (here `a`, pushed first); both are correct answers across shards.
  assert.is(tally.first + tally.second, 20);
});

test('a timeout racing a serve: every element is received once or left in its list', async () => {
  const waiters = await clientsOn([0, 1, 2, 3, 0, 1, 2, 3]);
  const pusher = await clientOn(1);
  let served = 0;
  let timedOut = 0;
  for (let round = 0; round < 6; round++) {
    const keys = waiters.map((_, i) => keysOn(`race${round}.${i}`, (i + 2) % SHARDS)[0]);
    const replies = waiters.map((w, i) => w.blpop(keys[i], 0.1));
    await sleep(85 + round * 5);
    await Promise.all(keys.map((k, i) => pusher.rpush(k, `r${round}.${i}`)));
    const got = await Promise.all(replies);
    for (let i = 0; i < keys.length; i++) {
      const left = await admin.lrange(keys[i], 0, -1);
      if (got[i] === null) {
        assert.equal(left, [`r${round}.${i}`], `timed out: the element stays in ${keys[i]}`);
        timedOut++;
      } else {
        assert.equal(got[i], [keys[i], `r${round}.${i}`]);
        assert.equal(left, [], `served: ${keys[i]} is empty`);
        served++;
      }
    }
    await admin.del(...keys);
  }
  assert.is(served + timedOut, 48);
  assert.is(await blockedClients(), 0);
});

test('a raw client hanging up at the moment of a push: received + listed == pushed; the next waiter gets the rest', async () => {
  const pusher = await clientOn(2);
  for (let i = 0; i < 60; i++) {
    const [key] = keysOn(`gone${i}`, (i % 3) + 1);
    const victim = await recorder(); // lands on whatever shard is next
    const kind = i % 3;
    const argv = kind === 0 ? ['BLPOP', key, '0'] : kind === 1 ? ['BLMPOP', '0', '1', key, 'LEFT', 'COUNT', '2'] : ['BRPOP', key, '0'];
    victim.socket.write(encodeCommand(argv));
    await untilBlocked(1, `(${argv.join(' ')})`);
    const next = await client();
    const nextReply = next.blpop(key, 0);
    await untilBlocked(2, '(the next waiter)');
    const pushed = ['a', 'b', 'c', 'd'].map((x) => `${x}${i}`);
    const push = pusher.rpush(key, ...pushed);
    await sleep(i % 4); // 0–3 ms: before, during or after the serve
    // Our FIN, while we keep reading: whatever the server sends before it sees it is recorded. (A socket
    // destroyed outright can lose a reply already on the wire, with Redis as well.)
    await victim.hangUp(5000);
    await push;
    const second = await nextReply;
    assert.ok(second !== null && second[0] === key, `the next waiter got ${JSON.stringify(second)}`);
    const received = victim.replies().map(plain) as unknown[][];
    assert.ok(received.length <= 1, `${argv.join(' ')} got ${received.length} replies`);
    const taken: string[] = [];
    if (received.length === 1) {
      const r = received[0];
      taken.push(...(Array.isArray(r[1]) ? r[1] as string[] : [r[1] as string]));
    }
    taken.push(second![1]);
    // An element served to the client as it left goes back to the list asynchronously (its origin learns
    // of the close, then sends RESTORE): wait for it rather than read the list once.
    let left: string[] = [];
    for (let wait = 0; wait < 100; wait++) {
      left = await admin.lrange(key, 0, -1);
      if (taken.length + left.length >= pushed.length) break;
      await sleep(10);
    }
    assert.equal([...taken, ...left].sort(), [...pushed].sort(),
      `${argv.join(' ')} closed after ${i % 4} ms: received ${JSON.stringify(received)}, next ${JSON.stringify(second)}, left ${JSON.stringify(left)}`);
    await admin.del(key);
    await untilBlocked(0, 'after the close');
  }
});

test('waiters from every shard on one key are served in the order they blocked', async () => {
  const waiters = await clientsOn([0, 1, 2, 3, 3, 2, 1, 0]);
  const pusher = await clientOn(0);
  for (const [round, key] of [keysOn('fifo', 1)[0], keysOn('fifo', 2)[0]].entries()) {
    const replies: Promise<[string, string] | null>[] = [];
    for (let i = 0; i < waiters.length; i++) {
      replies.push(waiters[i].blpop(key, 0));
      await untilBlocked(i + 1, `(waiter ${i})`);
    }
    const elements = waiters.map((_, i) => `f${i}`);
    if (round === 0) await pusher.rpush(key, ...elements);
    else for (const e of elements) await pusher.rpush(key, e);
    const got = await Promise.all(replies);
    assert.equal(got, elements.map((e) => [key, e]), `round ${round}`);
  }
});

test('commands pipelined behind a blocked command answer after it, in order', async () => {
  const [key] = keysOn('pipe', 3);
  await admin.set('pipe:x', 'xv');
  const raw = await recorder();
  raw.socket.write(Buffer.concat([encodeCommand(['BLPOP', key, '0']), encodeCommand(['PING']), encodeCommand(['GET', 'pipe:x'])]));
  await untilBlocked(1);
  await sleep(50);
  assert.is(raw.bytes().length, 0, `nothing before the push: ${JSON.stringify(raw.bytes().toString())}`);
  await admin.rpush(key, 'v');
  await raw.until(3, 2000);
  assert.is(raw.bytes().toString(), `*2\r\n$${key.length}\r\n${key}\r\n$1\r\nv\r\n+PONG\r\n$2\r\nxv\r\n`);
  raw.socket.destroy();
});

test('a served waiter with a command pipelined behind it does not disturb the next waiter on the key', async () => {
  for (const s of [0, 2]) {
    const [key] = keysOn(`pipe2.${s}`, s);
    const first = await recorder();
    first.socket.write(Buffer.concat([encodeCommand(['BLPOP', key, '0']), encodeCommand(['PING'])]));
    await untilBlocked(1);
    const second = await recorder();
    second.socket.write(encodeCommand(['BLPOP', key, '0']));
    await untilBlocked(2);
    await admin.rpush(key, 'a', 'b', 'c');
    await first.until(2, 2000);
    assert.equal(first.replies().map(plain), [[key, 'a'], 'PONG']);
    let secondGot: unknown[] = [];
    try {
      secondGot = (await second.until(1, 1000)).map(plain);
    } catch { /* reported below */ }
    const left = await admin.lrange(key, 0, -1);
    assert.equal({ second: secondGot, left }, { second: [[key, 'b']], left: ['c'] },
      `key on shard ${s}: BLPOP+PING served 'a'; the waiter behind it got ${JSON.stringify(secondGot)}, ${key} holds ${JSON.stringify(left)}, blocked_clients ${await blockedClients()}`);
    first.socket.destroy();
    second.socket.destroy();
    await admin.del(key);
    await untilBlocked(0);
  }
});

test('blocking commands inside MULTI answer null at once, RESP2 and RESP3', async () => {
  const [a] = keysOn('tx', 1);
  const [b] = keysOn('tx', 2);
  for (const resp3 of [false, true]) {
    const raw = await recorder();
    let expect = '';
    if (resp3) { raw.socket.write(encodeCommand(['HELLO', '3'])); await raw.until(1, 2000); }
    const before = raw.replies().length;
    raw.socket.write(Buffer.concat([
      encodeCommand(['MULTI']), encodeCommand(['BLPOP', a, b, '0']), encodeCommand(['BLMOVE', a, b, 'LEFT', 'RIGHT', '0']),
      encodeCommand(['BRPOPLPUSH', b, a, '0']), encodeCommand(['BLMPOP', '0', '2', a, b, 'RIGHT']), encodeCommand(['BRPOP', b, '0']),
      encodeCommand(['EXEC']),
    ]));
    const nil = resp3 ? '_\r\n' : null;
    expect = `+OK\r\n${'+QUEUED\r\n'.repeat(5)}*5\r\n` +
      (nil ?? '*-1\r\n') + (nil ?? '$-1\r\n') + (nil ?? '$-1\r\n') + (nil ?? '*-1\r\n') + (nil ?? '*-1\r\n');
    await raw.until(before + 7, 2000);
    const bytes = raw.bytes().toString('latin1');
    assert.is(bytes.slice(bytes.length - expect.length), expect, resp3 ? 'RESP3' : 'RESP2');
    raw.socket.destroy();
  }
  assert.is(await blockedClients(), 0);
});

test('BLMOVE and BRPOPLPUSH across shards land the element on the destination exactly once', async () => {
  const mover = await clientOn(0);
  for (let i = 0; i < 10; i++) {
    const [src] = keysOn(`mv${i}s`, 1 + (i % 3));
    const [dst] = keysOn(`mv${i}d`, 1 + ((i + 1) % 3));
    await admin.rpush(dst, 'old');
    const waiting = i % 2 === 0;
    if (!waiting) await admin.rpush(src, `e${i}`, 'rest');
    const reply = i % 4 < 2 ? mover.blmove(src, dst, 'LEFT', 'RIGHT', 0) : mover.brpoplpush(src, dst, 0);
    if (waiting) {
      await untilBlocked(1);
      await admin.rpush(src, `e${i}`);
    }
    const got = await reply;
    const isBlmove = i % 4 < 2; // BLMOVE src dst LEFT RIGHT, else BRPOPLPUSH (RIGHT LEFT)
    const want = waiting || isBlmove ? `e${i}` : 'rest';
    assert.is(got, want);
    assert.equal(await admin.lrange(dst, 0, -1), isBlmove ? ['old', want] : [want, 'old'], `${dst} after the move`);
    assert.equal(await admin.lrange(src, 0, -1), waiting ? [] : isBlmove ? ['rest'] : [`e${i}`], `${src} after the move`);
    await admin.del(src, dst);
  }
});

test('WRONGTYPE at once; a destination of another type at serve time answers WRONGTYPE and the element stays', async () => {
  const w = await clientOn(0);
  const [s] = keysOn('wt', 1);
  const [empty] = keysOn('wt', 2);
  const [list] = keysOn('wt', 3);
  await admin.set(s, 'v');
  await admin.rpush(list, 'x');
  const wrong = /^WRONGTYPE Operation against a key holding the wrong kind of value$/;
  for (const call of [
    () => w.blpop(s, 0), () => w.blpop(empty, s, 0), () => w.brpop(empty, s, list, 0),
    () => w.blmove(s, list, 'LEFT', 'LEFT', 0), () => w.blmove(list, s, 'LEFT', 'LEFT', 0), () => w.brpoplpush(list, s, 0),
  ]) {
    assert.match(await errorOf(call()), wrong);
  }
  assert.equal(await admin.lrange(list, 0, -1), ['x']);
  // BLPOP with the list first answers from it: argument order.
  assert.equal(await w.blpop(list, s, 0), [list, 'x']);
  // Waiting on an empty source whose destination becomes a string: served → WRONGTYPE, element back.
  const reply = errorOf(w.blmove(empty, s, 'RIGHT', 'LEFT', 0));
  await untilBlocked(1);
  await admin.rpush(empty, 'e1', 'e2');
  assert.match(await reply, wrong);
  assert.equal(await admin.lrange(empty, 0, -1), ['e1', 'e2']);
  assert.is(await blockedClients(), 0);
  await admin.del(s, empty, list);
});

test('CLIENT UNBLOCK TIMEOUT and ERROR of a client blocked on another shard\'s keys; CLIENT LIST flags=b; INFO counts', async () => {
  const w = await clientOn(0);
  const other = await clientOn(1);
  const id = Number(await w.client('ID'));
  const otherId = Number(await other.client('ID'));
  const [k1] = keysOn('ub', 2);
  const [k2] = keysOn('ub', 3);
  const a = w.blpop(k1, k2, 0);
  await untilBlocked(1);
  let tState = 'waiting';
  const t = other.brpop(k1, 30);
  t.then((v) => { tState = `answered ${JSON.stringify(v)}`; }, (e: Error) => { tState = `failed ${e.message}`; });
  await untilBlocked(2);
  const info = await admin.info('clients');
  assert.is(infoField(info, 'blocked_clients'), 2);
  assert.is(infoField(info, 'clients_in_timeout_table'), 1);
  const list = String(await admin.client('LIST'));
  const line = list.split('\n').find((l) => l.startsWith(`id=${id} `));
  assert.ok(line && / flags=b /.test(line) && / cmd=blpop /.test(line), `CLIENT LIST: ${line}`);
  assert.is(await admin.client('UNBLOCK', id), 1, `CLIENT UNBLOCK ${id} of BLPOP ${k1} ${k2} 0`);
  assert.is(await a, null);
  assert.is(await admin.client('UNBLOCK', id), 0, 'CLIENT UNBLOCK of a client no longer blocked');
  const b = errorOf(w.blmove(k1, k2, 'LEFT', 'LEFT', 0));
  await untilBlocked(2);
  assert.is(await admin.client('UNBLOCK', id, 'ERROR'), 1, `CLIENT UNBLOCK ${id} ERROR of BLMOVE ${k1} ${k2}`);
  assert.is(await b, 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
  const unblocked = await admin.client('UNBLOCK', otherId, 'TIMEOUT');
  assert.is(unblocked, 1, `CLIENT UNBLOCK ${otherId} TIMEOUT of BRPOP ${k1} 30 (that BRPOP: ${tState}; blocked_clients ${await blockedClients()})`);
  assert.is(await t, null);
  assert.is(await admin.client('UNBLOCK', 999999), 0, 'CLIENT UNBLOCK of an unknown id');
  await untilBlocked(0);
  const after = String(await admin.client('LIST')).split('\n').find((l) => l.startsWith(`id=${id} `));
  assert.ok(after && / flags=N /.test(after), `CLIENT LIST after: ${after}`);
});

test('CLIENT UNBLOCK of a client with a command pipelined behind its blocked one: each reply to its own client', async () => {
  const [key] = keysOn('ubp', 3);
  const w = await clientOn(1);
  const id = Number(await w.client('ID'));
  const blocked = w.blpop(key, 0);
  const behind = w.echo('behind');
  await untilBlocked(1);
  const unblock = admin.client('UNBLOCK', id);
  const outcome = await Promise.race([
    Promise.all([unblock, blocked, behind]).then((r) => JSON.stringify(r)),
    sleep(2000).then(() => 'no answer within 2 s'),
  ]);
  assert.is(outcome, JSON.stringify([1, null, 'behind']), 'CLIENT UNBLOCK, the BLPOP, the ECHO behind it');
});

test('conservation under churn: consumed + remaining == produced, nothing twice', async () => {
  const keys = [0, 1, 2, 3].flatMap((s) => keysOn('churn', s, 2));
  await admin.del(...keys);
  const produced: string[] = [];
  const consumed: string[] = [];
  let stop = false;
  let nextElement = 0;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
  const producers = await clientsOn([0, 1, 2]);
  const produce = async (p: Redis): Promise<void> => {
    while (!stop) {
      const n = 1 + Math.floor(Math.random() * 3);
      const elems = Array.from({ length: n }, () => `c${nextElement++}`);
      if (Math.random() < 0.2) {
        const tx = p.multi().rpush(pick(keys), elems[0]);
        if (elems.length > 1) tx.lpush(pick(keys), ...elems.slice(1));
        await tx.exec();
        produced.push(...elems);
      } else {
        await (Math.random() < 0.5 ? p.rpush(pick(keys), ...elems) : p.lpush(pick(keys), ...elems));
        produced.push(...elems);
      }
      await sleep(Math.random() * 4);
    }
  };
  const errors: string[] = [];
  /**
   * A raw consumer: one blocking command at a time; sometimes hangs up while it waits (no reply after
   * 30+ ms: waiting, or being served right now). It hangs up with a FIN and records what arrives until
   * the server closes, so a reply already sent is counted (TCP loses it after a reset, with Redis too).
   */
  const consume = async (): Promise<void> => {
    while (!stop) {
      const r = await recorder();
      let answered = 0;
      for (;;) {
        if (stop) break;
        const subset = keys.filter(() => Math.random() < 0.3);
        if (subset.length === 0) subset.push(pick(keys));
        const timeout = pick(['0', '0.05', '0.2', '0.5']);
        const kind = Math.floor(Math.random() * 3);
        const argv = kind === 0 ? ['BLPOP', ...subset, timeout] : kind === 1 ? ['BRPOP', ...subset, timeout]
          : ['BLMPOP', timeout, String(subset.length), ...subset, pick(['LEFT', 'RIGHT']), 'COUNT', String(1 + Math.floor(Math.random() * 3))];
        r.socket.write(encodeCommand(argv));
        const want = answered + 1;
        const patience = Math.random() < 0.2 ? 30 + Math.random() * 60 : Infinity;
        const started = Date.now();
        while (r.replies().length < want && !stop && Date.now() - started < patience && !r.socket.destroyed) {
          await r.until(want, 20).catch(() => null);
        }
        if (r.replies().length < want) break; // hang up while it waits
        answered = want;
      }
      await r.hangUp(5000).catch((err: Error) => errors.push(err.message));
      for (const v of r.replies().map(plain)) {
        if (v === null) continue;
        if (!Array.isArray(v) || typeof v[0] !== 'string' || !keys.includes(v[0])) { errors.push(`reply ${JSON.stringify(v)}`); continue; }
        consumed.push(...(Array.isArray(v[1]) ? v[1] as string[] : [v[1] as string]));
      }
      r.socket.destroy();
    }
  };
  const tasks = [...producers.map(produce), ...Array.from({ length: 6 }, consume)];
  await sleep(3000);
  stop = true;
  await Promise.all(tasks);
  await untilBlocked(0, 'after the churn');
  // Elements served to clients as they left come back asynchronously (RESTORE): wait for them.
  let remaining: string[] = [];
  for (let wait = 0; wait < 100; wait++) {
    remaining = [];
    for (const k of keys) remaining.push(...await admin.lrange(k, 0, -1));
    if (consumed.length + remaining.length >= produced.length) break;
    await sleep(10);
  }
  assert.equal(errors, []);
  const seen = new Map<string, number>();
  for (const x of [...consumed, ...remaining]) seen.set(x, (seen.get(x) ?? 0) + 1);
  const twice = [...seen].filter(([, n]) => n > 1).map(([x]) => x);
  const lost = produced.filter((x) => !seen.has(x));
  const unknown = [...seen.keys()].filter((x) => !produced.includes(x));
  assert.equal({ twice, lost, unknown }, { twice: [], lost: [], unknown: [] },
    `${produced.length} produced, ${consumed.length} consumed, ${remaining.length} remaining`);
  assert.ok(consumed.length > 100, `only ${consumed.length} consumed`);
  await admin.del(...keys);
});

test('node-redis: BLPOP served across shards', async () => {
  const [key] = keysOn('nr', 2);
  const blocking = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false } });
  const pusher = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false } });
  blocking.on('error', () => {});
  pusher.on('error', () => {});
  await blocking.connect();
  await pusher.connect();
  try {
    const reply = blocking.blPop(key, 0);
    await untilBlocked(1);
    assert.is(await pusher.rPush(key, ['one', 'two']), 2);
    assert.equal(await reply, { key, element: 'one' });
    assert.equal(await blocking.blPop(key, 0.05), { key, element: 'two' });
    assert.is(await blocking.blPop(key, 0.05), null);
    assert.equal(await pusher.lRange(key, 0, -1), []);
    assert.is(await blocking.blMove(key, key, 'LEFT', 'RIGHT', 0.05), null);
  } finally {
    await blocking.disconnect();
    await pusher.disconnect();
  }
});

test.run();
