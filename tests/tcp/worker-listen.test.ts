/**
 * The worker-listen host design (host/node/worker-listen-host.ts) over TCP with 4 shards: every worker
 * accepts on the one listening socket with its own descriptor. Checks that connections land on every
 * shard and stay balanced (accept-balance.ts), that the origin rule the tests and benchmarks rely on
 * holds (origin = (id - 1) mod N, confirmed by CLIENT LIST's shard order), that keys of every shard are
 * served from every origin, that close() releases the port (every descriptor closed), that no relay
 * process is left, and that a port in use fails the start with EADDRINUSE.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../host/node/server.js';
import { keysOn } from '../helpers/shard-clients.js';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { testClient } from '../helpers/test-client.js';

const SHARDS = 4;
const test = suite('worker-listen host (4 shards)');
let server: RunningServer;
const opened: Redis[] = [];

guardedSetup(test, async () => {
  server = await startServer({ port: 0, shards: SHARDS, design: 'worker-listen' });
});

test.after(async () => {
  for (const r of opened) r.disconnect();
  await server?.close();
});

async function connect(port = server.port): Promise<Redis> {
  const r = testClient(port, { lazyConnect: true });
  opened.push(r);
  await r.connect();
  return r;
}

const originOf = async (r: Redis): Promise<number> => (Number(await r.client('ID')) - 1) % SHARDS;

function relayProcesses(): number {
  const out = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('listener-relay.js')).length;
}

test('connections opened one after another go round every shard', async () => {
  const count = new Array<number>(SHARDS).fill(0);
  const ids: number[] = [];
  for (let i = 0; i < 4 * SHARDS; i++) {
    const r = await connect();
    const id = Number(await r.client('ID'));
    ids.push(id);
    count[(id - 1) % SHARDS]++;
  }
  assert.equal(count, new Array<number>(SHARDS).fill(4), `ids ${ids.join(',')}`);
  // CLIENT LIST joins the shards' listings in shard order: the origin rule must agree with it.
  const listing = String(await opened[0].call('CLIENT', 'LIST', 'ID', ...ids));
  const order = [...listing.matchAll(/^id=(\d+) /gm)].map((m) => (Number(m[1]) - 1) % SHARDS);
  assert.is(order.length, ids.length);
  assert.ok(order.every((s, i) => i === 0 || s >= order[i - 1]), `CLIENT LIST shard order ${order.join(',')}`);
});

test('after a burst, each new connection lands on a least-loaded shard', async () => {
  const count = new Array<number>(SHARDS).fill(0);
  for (const r of opened) count[await originOf(r)]++;
  // A burst may land unevenly (a worker drains the accept backlog before its pause takes effect) ...
  const burst = await Promise.all(Array.from({ length: 4 * SHARDS }, () => connect()));
  for (const r of burst) count[await originOf(r)]++;
  // ... but a worker holding more connections than another no longer accepts, so every connection
  // opened one at a time goes to a shard with the fewest.
  for (let i = 0; i < 3 * SHARDS; i++) {
    const s = await originOf(await connect());
    assert.is(count[s], Math.min(...count), `connection ${i} landed on shard ${s} with counts ${count.join(', ')}`);
    count[s]++;
  }
});

test('from every origin, keys of every shard are read and written', async () => {
  const keys = Array.from({ length: SHARDS }, (_, s) => keysOn('wl', s, SHARDS, 5));
  const byOrigin = new Map<number, Redis>();
  for (let i = 0; byOrigin.size < SHARDS && i < 8 * SHARDS; i++) {
    const r = await connect();
    byOrigin.set(await originOf(r), r);
  }
  assert.is(byOrigin.size, SHARDS, 'a connection on every shard');
  for (const [origin, r] of byOrigin) {
    for (const group of keys) {
      for (const k of group) {
        assert.is(await r.set(k, `${origin}:${k}`), 'OK');
        assert.is(await r.get(k), `${origin}:${k}`);
      }
    }
    assert.equal(await r.mget(...keys.map((g) => g[0])), keys.map((g) => `${origin}:${g[0]}`));
  }
});

test('close() releases the port, and no relay process is left', async () => {
  const other = await startServer({ port: 0, shards: 2, design: 'worker-listen' });
  const port = other.port;
  const r = await connect(port);
  assert.is(await r.ping(), 'PONG');
  await other.close();
  assert.is(relayProcesses(), 0, 'listener-relay processes still running');
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

test('a port in use fails the start with EADDRINUSE', async () => {
  const err = await startServer({ port: server.port, shards: 2, design: 'worker-listen' }).then(
    (s) => { void s.close(); return undefined; },
    (e: NodeJS.ErrnoException) => e,
  );
  assert.ok(err !== undefined, 'the start succeeded on a port in use');
  assert.is(err!.code, 'EADDRINUSE');
  assert.is(err!.syscall, 'listen');
});

test.run();
