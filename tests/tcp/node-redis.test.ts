/**
 * node-redis (v4) against kevy-ts over real TCP: connect (with its CLIENT SETINFO handshake), plain
 * commands, Buffer values via returnBuffers, automatic pipelining of concurrent commands and
 * execAsPipeline, on a server started in-process on a free port.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createClient, commandOptions } from 'redis';
import { startServer, type RunningServer } from '../../host/node/server.js';
import { guardedSetup } from '../helpers/guarded-setup.js';

type Client = ReturnType<typeof createClient>;

const test = suite('node-redis');
let server: RunningServer;
let client: Client;

guardedSetup(test, async () => {
  server = await startServer({ port: 0, shards: 1 });
  client = createClient({ socket: { port: server.port, host: '127.0.0.1', reconnectStrategy: false } });
  client.on('error', () => {}); // surfaced through the failing command instead
  await client.connect();
});

test.after(async () => {
  if (client?.isOpen) await client.disconnect();
  await server?.close();
});

test('SET then GET returns the value; GET of a missing key is null', async () => {
  assert.is(await client.set('nr:k', 'hello'), 'OK');
  assert.is(await client.get('nr:k'), 'hello');
  assert.is(await client.get('nr:missing'), null);
});

test('INCR counts; INCR of a non-integer is an error reply', async () => {
  assert.is(await client.incr('nr:n'), 1);
  assert.is(await client.incr('nr:n'), 2);
  await client.set('nr:s', 'abc');
  try {
    await client.incr('nr:s');
    assert.unreachable('INCR on a string must fail');
  } catch (err) {
    assert.is((err as Error).message, 'ERR value is not an integer or out of range');
  }
});

test('EXPIRE sets a TTL; TTL answers -1 without one and -2 for a missing key', async () => {
  await client.set('nr:e', 'v');
  assert.is(await client.ttl('nr:e'), -1);
  assert.is(await client.expire('nr:e', 100), true);
  const ttl = await client.ttl('nr:e');
  assert.ok(ttl > 98 && ttl <= 100, `ttl ${ttl}`);
  assert.is(await client.ttl('nr:nope'), -2);
  assert.is(await client.expire('nr:nope', 10), false);
});

test('MGET answers values and nulls in key order; DEL counts what it removed', async () => {
  await client.set('nr:a', '1');
  await client.set('nr:b', '2');
  assert.equal(await client.mGet(['nr:a', 'nr:missing', 'nr:b']), ['1', null, '2']);
  assert.is(await client.del(['nr:a', 'nr:b', 'nr:missing']), 2);
  assert.equal(await client.mGet(['nr:a', 'nr:b']), [null, null]);
});

test('binary values with 0x00 and 0xff round-trip as Buffers', async () => {
  const value = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x00, 0x80, 0xfe, 0xff]);
  assert.is(await client.set('nr:bin', value), 'OK');
  const back = await client.get(commandOptions({ returnBuffers: true }), 'nr:bin');
  assert.ok(back !== null && back.equals(value), `got ${back?.toString('hex')}`);
  const key = Buffer.from([0x6b, 0x00, 0xff]);
  await client.set(key, value);
  assert.ok((await client.get(commandOptions({ returnBuffers: true }), key))?.equals(value));
});

test('1000 concurrent commands are pipelined and each gets its own reply', async () => {
  const sets = Array.from({ length: 1000 }, (_, i) => client.set(`nr:p:${i}`, String(i)));
  assert.ok((await Promise.all(sets)).every((r) => r === 'OK'));
  const gets = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.get(`nr:p:${i}`)));
  assert.equal(gets, Array.from({ length: 1000 }, (_, i) => String(i)));
});

test('execAsPipeline answers in order', async () => {
  const replies = await client.multi().set('nr:x', '5').incrBy('nr:x', 10).get('nr:x').del('nr:x').execAsPipeline();
  assert.equal(replies, ['OK', 15, '15', 1]);
});

test.run();
