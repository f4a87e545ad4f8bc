/**
 * Bad input over a raw socket: a protocol error gets Redis's exact error reply, then the connection
 * closes; the server and every other connection carry on. Clients that vanish mid-frame, and clients
 * that pipeline without ever reading, must not hurt anyone else.
 *
 * The expected bytes were taken from redis-server 7.0.15; the first test re-checks them against the
 * installed redis-server, so this table cannot drift from the oracle.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { encodeCommand } from '../../host/core/resp-reader.js';
import { startServer, type RunningServer } from '../../host/node/server.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { guardedSetup } from '../helpers/guarded-setup.js';

const test = suite('bad-input');
let server: RunningServer;

guardedSetup(test, async () => {
  server = await startServer({ port: 0, shards: 1 });
});

test.after(async () => {
  await server?.close();
});

/** Input → what Redis answers before it closes the connection. */
const PROTOCOL_ERRORS: readonly (readonly [string, string])[] = [
  ['*abc\r\n', "-ERR Protocol error: invalid multibulk length\r\n"],
  ['*99999999999\r\n', "-ERR Protocol error: invalid multibulk length\r\n"],
  ['*1\r\nfoo\r\n', "-ERR Protocol error: expected '$', got 'f'\r\n"],
  ['*1\r\n$abc\r\n', "-ERR Protocol error: invalid bulk length\r\n"],
  ['*2\r\n$3\r\nGET\r\n$-5\r\n', "-ERR Protocol error: invalid bulk length\r\n"],
  ['*3\r\n$3\r\nSET\r\n$1\r\na\r\n$600000000\r\n', "-ERR Protocol error: invalid bulk length\r\n"],
  ['SET "foo bar\r\n', "-ERR Protocol error: unbalanced quotes in request\r\n"],
  ["PING 'a\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"],
  ['PING\r\n*abc\r\nPING\r\n', "+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n"],
];

/** Sends `input`, collects everything until the server closes (or `waitMs` passes). */
function exchange(port: number, input: string | Buffer, waitMs = 2000): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ reply, closed });
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (c: Buffer) => { reply += c.toString('latin1'); });
    socket.on('close', () => done(true));
    socket.on('error', () => {});
    socket.on('connect', () => socket.write(input));
  });
}

/** A connection for request/response steps: `ask` sends and resolves with the next `n` reply bytes. */
function connect(port: number): Promise<{ socket: net.Socket; ask(cmd: Buffer | string, n: number): Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = '';
    let want = 0;
    let wake: ((s: string) => void) | undefined;
    socket.on('data', (c: Buffer) => {
      buf += c.toString('latin1');
      if (wake && buf.length >= want) {
        const out = buf.slice(0, want);
        buf = buf.slice(want);
        const w = wake;
        wake = undefined;
        w(out);
      }
    });
    socket.on('error', reject);
    socket.once('connect', () => resolve({
      socket,
      ask(cmd, n) {
        return new Promise((res, rej) => {
          const timer = setTimeout(() => rej(new Error(`no ${n}-byte reply; have ${JSON.stringify(buf)}`)), 3000);
          want = n;
          wake = (s) => { clearTimeout(timer); res(s); };
          socket.write(cmd);
        });
      },
    }));
  });
}

test('the expected error texts are what redis-server answers', async () => {
  const redis = await startRedisServer();
  try {
    for (const [input, expected] of PROTOCOL_ERRORS) {
      const got = await exchange(redis.port, input);
      assert.equal(got, { reply: expected, closed: true }, `redis-server on ${JSON.stringify(input)}`);
    }
  } finally {
    await redis.stop();
  }
});

test('a protocol error gets Redis\'s exact error reply, then the connection closes', async () => {
  for (const [input, expected] of PROTOCOL_ERRORS) {
    const got = await exchange(server.port, input);
    assert.equal(got, { reply: expected, closed: true }, `input ${JSON.stringify(input)}`);
  }
});

test('the server survives a protocol error and a concurrent connection is untouched', async () => {
  const other = await connect(server.port);
  assert.is(await other.ask(encodeCommand(['SET', 'bad:x', 'kept']), 5), '+OK\r\n');
  // A pipeline in flight on the other connection while the bad one fails.
  const bad = exchange(server.port, '*1\r\nfoo\r\n');
  const pipelined = other.ask(Buffer.concat([encodeCommand(['GET', 'bad:x']), encodeCommand(['PING'])]), 17);
  assert.equal(await bad, { reply: "-ERR Protocol error: expected '$', got 'f'\r\n", closed: true });
  assert.is(await pipelined, '$4\r\nkept\r\n+PONG\r\n');
  assert.is(await other.ask('PING\r\n', 7), '+PONG\r\n');
  other.socket.destroy();
  assert.equal(await exchange(server.port, 'PING\r\nQUIT\r\n'), { reply: '+PONG\r\n+OK\r\n', closed: true });
});

test('a client that disconnects mid-frame leaves nothing half-done', async () => {
  const partial = (input: string): Promise<void> => new Promise((resolve) => {
    const s = net.connect(server.port, '127.0.0.1');
    s.on('error', () => {});
    s.on('close', () => resolve());
    s.on('connect', () => s.write(input, () => s.destroy()));
  });
  await partial('*3\r\n$3\r\nSET\r\n$8\r\nbad:half\r\n$10\r\nabc');
  await partial('*3\r\n$3\r\nSET\r\n$8\r\nbad:huge\r\n$100000000\r\n' + 'x'.repeat(100_000));
  await partial('*2\r\n$3\r\nGE');
  await partial('SET bad:inline "unterminated');
  // The same, but with a reset instead of a clean close.
  await new Promise<void>((resolve) => {
    const s = net.connect(server.port, '127.0.0.1');
    s.on('error', () => {});
    s.on('close', () => resolve());
    s.on('connect', () => s.write('*3\r\n$3\r\nSET\r\n$8\r\nbad:rset\r\n$5\r\nab', () => s.resetAndDestroy()));
  });
  const c = await connect(server.port);
  const probe = Buffer.concat(['bad:half', 'bad:huge', 'bad:rset'].map((k) => encodeCommand(['EXISTS', k])));
  assert.is(await c.ask(probe, 12), ':0\r\n:0\r\n:0\r\n');
  assert.is(await c.ask('PING\r\n', 7), '+PONG\r\n');
  c.socket.destroy();
});

test('a client that pipelines without reading is paused, not buffered, and others are served', async () => {
  const value = 'v'.repeat(64 * 1024);
  const one = encodeCommand(['ECHO', value]);
  const hog = net.connect(server.port, '127.0.0.1');
  hog.on('error', () => {});
  await new Promise((r) => hog.once('connect', r));
  hog.pause(); // never read a reply
  const total = 2000; // 128 MB of requests and as much reply
  for (let i = 0; i < total; i++) hog.write(one);
  await new Promise((r) => setTimeout(r, 1000));
  // The server stopped reading: most of our requests are still queued on our side.
  assert.ok(hog.writableLength > (total * one.length) / 2,
    `only ${hog.writableLength} of ${total * one.length} request bytes still queued: the server kept reading`);
  const c = await connect(server.port);
  assert.is(await c.ask('PING\r\n', 7), '+PONG\r\n');
  hog.destroy();
  assert.is(await c.ask('PING\r\n', 7), '+PONG\r\n');
  c.socket.destroy();
});

test.run();
