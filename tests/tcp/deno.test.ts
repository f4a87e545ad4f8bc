/**
 * The Deno host with 2 shards, started exactly as `npm run deno -- --port P --shards 2` runs it (the
 * package.json script, with the deno binary of the npm `deno` package): keys on both shards through
 * SET/GET/MGET/MSET, 5000 pipelined commands over random keys in order, MULTI/EXEC across shards, and
 * connections that the kernel spreads over both workers.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import { encodeCommand } from '../../host/core/resp-reader.js';
import type { ServerHandle } from '../helpers/child-server.js';
import { startKevyDenoServer } from '../helpers/kevy-server.js';
import { keyPerShard } from '../helpers/slots.js';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { testClient } from '../helpers/test-client.js';

const SHARDS = 2;
const test = suite('deno host (2 shards)');
let server: ServerHandle;
let redis: Redis;
const clients: Redis[] = [];

function client(): Redis {
  const r = testClient(server.port);
  clients.push(r);
  return r;
}

guardedSetup(test, async () => {
  server = await startKevyDenoServer(SHARDS);
  redis = client();
  await redis.ping();
});

test.after(async () => {
  for (const r of clients) r.disconnect();
  await server?.stop();
});

test('SET/GET/MSET/MGET/DEL with keys on both shards, from many connections', async () => {
  const keys = Array.from({ length: 200 }, (_, i) => `dk:${i}`);
  const conns = Array.from({ length: 6 }, () => client());
  await Promise.all(keys.map((k, i) => conns[i % conns.length].set(k, `v${i}`)));
  for (const [i, c] of conns.entries()) {
    assert.equal(await c.mget(...keys), keys.map((_, j) => `v${j}`), `connection ${i}`);
  }
  const [a, b] = keyPerShard('dm', SHARDS);
  assert.is(await redis.mset(a, '1', b, '2'), 'OK');
  assert.equal(await conns[3].mget(a, b, 'nope'), ['1', '2', null]);
  assert.is(await redis.del(...keys, a, b), 202);
  assert.is(await conns[1].dbsize(), 0);
});

test('5000 pipelined commands over random keys come back in order', async () => {
  const model = new Map<string, string>();
  const req: Buffer[] = [];
  let rep = '';
  for (let i = 0; i < 5000; i++) {
    const key = `pk:${Math.floor(Math.random() * 100)}`;
    if (i % 3 === 0) {
      req.push(encodeCommand(['SET', key, `v${i}`]));
      model.set(key, `v${i}`);
      rep += '+OK\r\n';
    } else {
      req.push(encodeCommand(['GET', key]));
      const v = model.get(key);
      rep += v === undefined ? '$-1\r\n' : `$${v.length}\r\n${v}\r\n`;
    }
  }
  const expected = Buffer.from(rep);
  const got = await new Promise<Buffer>((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let have = 0;
    const timer = setTimeout(() => reject(new Error(`timeout: ${have} of ${expected.length} bytes`)), 15_000);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      have += c.length;
      if (have >= expected.length) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Buffer.concat(chunks));
      }
    });
    socket.on('error', reject);
    socket.write(Buffer.concat(req));
  });
  assert.ok(got.equals(expected), 'the reply stream is exactly the expected one');
});

test('MULTI/EXEC across both shards', async () => {
  const [a, b] = keyPerShard('dtx', SHARDS);
  await redis.del(a, b);
  const res = await redis.multi().set(a, 'x').incr(b).mget(a, b).exec();
  assert.equal(res, [[null, 'OK'], [null, 1], [null, ['x', '1']]]);
  const watcher = client();
  assert.is(await watcher.watch(b), 'OK');
  await redis.set(b, 'changed');
  assert.is(await watcher.multi().set(a, 'y').exec(), null);
  assert.is(await redis.get(a), 'x');
});

test.run();
