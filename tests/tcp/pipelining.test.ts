/**
 * Pipelining over a raw socket: the engine must parse every complete frame of a read, keep a partial
 * one for the next read, and answer in order, however TCP splits the bytes. The expected reply stream
 * is computed up front and compared byte for byte.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { encodeCommand } from '../../host/core/resp-reader.js';
import { startServer, type RunningServer } from '../../host/node/server.js';
import { guardedSetup } from '../helpers/guarded-setup.js';

const test = suite('pipelining');
let server: RunningServer;

guardedSetup(test, async () => {
  server = await startServer({ port: 0, shards: 1 });
});

test.after(async () => {
  await server?.close();
});

interface Reader {
  socket: net.Socket;
  /** Resolves with everything received once at least `n` bytes arrived; rejects on close or timeout. */
  read(n: number, timeoutMs: number): Promise<Buffer>;
}

function connect(port: number): Promise<Reader> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const chunks: Buffer[] = [];
    let have = 0;
    let waiter: (() => void) | undefined;
    let closed = false;
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      have += c.length;
      waiter?.();
    });
    socket.on('close', () => {
      closed = true;
      waiter?.();
    });
    socket.on('error', reject);
    socket.once('connect', () => resolve({
      socket,
      read(n, timeoutMs) {
        return new Promise((res, rej) => {
          const timer = setTimeout(() => rej(new Error(`timeout: ${have} of ${n} bytes`)), timeoutMs);
          const check = (): void => {
            if (have >= n) {
              clearTimeout(timer);
              waiter = undefined;
              res(Buffer.concat(chunks));
            } else if (closed) {
              clearTimeout(timer);
              rej(new Error(`closed after ${have} of ${n} bytes`));
            }
          };
          waiter = check;
          check();
        });
      },
    }));
  });
}

/** Writes `bytes` in pieces of `size`, each one handed to the kernel before the next. */
async function writeInPieces(socket: net.Socket, bytes: Buffer, size: number): Promise<void> {
  for (let i = 0; i < bytes.length; i += size) {
    await new Promise<void>((res, rej) => socket.write(bytes.subarray(i, i + size), (err) => (err ? rej(err) : res())));
  }
}

/** 10 000 commands (INCR and ECHO alternating) and the exact replies Redis gives them. */
function script(prefix: string): { request: Buffer; reply: Buffer } {
  const req: Buffer[] = [];
  let rep = '';
  let n = 0;
  for (let i = 0; i < 10_000; i++) {
    if (i % 2 === 0) {
      req.push(encodeCommand(['INCR', `${prefix}:count`]));
      rep += `:${++n}\r\n`;
    } else {
      const v = `value-${i}`;
      req.push(encodeCommand(['ECHO', v]));
      rep += `$${v.length}\r\n${v}\r\n`;
    }
  }
  return { request: Buffer.concat(req), reply: Buffer.from(rep, 'latin1') };
}

test('10 000 commands in one write come back complete and in order', async () => {
  const { request, reply } = script('one-write');
  const c = await connect(server.port);
  c.socket.write(request);
  const got = await c.read(reply.length, 10_000);
  assert.is(got.length, reply.length);
  assert.ok(got.equals(reply), 'reply stream differs');
  c.socket.destroy();
});

test('the same 10 000 commands fed one byte at a time come back complete and in order', async () => {
  const { request, reply } = script('byte-at-a-time');
  const c = await connect(server.port);
  await writeInPieces(c.socket, request, 1);
  const got = await c.read(reply.length, 20_000);
  assert.ok(got.equals(reply), 'reply stream differs');
  c.socket.destroy();
});

test('a 1 MB value written in 1000-byte chunks is stored whole', async () => {
  const value = randomBytes(1 << 20);
  const c = await connect(server.port);
  await writeInPieces(c.socket, encodeCommand(['SET', 'big', value]), 1000);
  assert.is((await c.read(5, 10_000)).toString('latin1'), '+OK\r\n');
  c.socket.write(encodeCommand(['GET', 'big']));
  const expected = Buffer.concat([Buffer.from(`+OK\r\n$${value.length}\r\n`), value, Buffer.from('\r\n')]);
  const got = await c.read(expected.length, 10_000);
  assert.ok(got.equals(expected), 'GET big differs');
  c.socket.destroy();
});

test('a 1 MB value split at odd sizes across several commands in flight', async () => {
  const value = randomBytes((1 << 20) + 7);
  const c = await connect(server.port);
  const req = Buffer.concat([encodeCommand(['SET', 'big2', value]), encodeCommand(['STRLEN', 'big2']),
    encodeCommand(['GET', 'big2'])]);
  await writeInPieces(c.socket, req, 4093);
  const expected = Buffer.concat([Buffer.from(`+OK\r\n:${value.length}\r\n$${value.length}\r\n`), value,
    Buffer.from('\r\n')]);
  const got = await c.read(expected.length, 10_000);
  assert.ok(got.equals(expected), 'replies differ');
  c.socket.destroy();
});

test.run();
