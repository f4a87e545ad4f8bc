/**
 * embedded — kevy-ts in-process: `const db = await open({ shards }); await db.call('SET', 'k', 'v');
 * db.close()`.
 *
 * Owns: one virtual connection into the engines, and the FIFO that matches replies to calls. This is
 * the package's main export (`import { open } from 'kevy-ts'`). Where the engines run:
 *   - shards = 1: one engine on the calling thread; each call is one `feed`, answered synchronously or
 *     later (a blocking command);
 *   - shards > 1: every shard in a worker thread (host/core/mesh.ts, as the Node server's io-thread
 *     design), the calling thread being the mesh's I/O endpoint: the connection's bytes travel as frames
 *     to its origin shard and replies come back the same way. The calling thread runs no engine; it
 *     pumps the reply rings only while calls are outstanding, so an idle database keeps neither the
 *     event loop busy nor the process alive (the workers are unref'd).
 *
 * How a call travels:
 *   1. `call(...argv)` encodes argv as a RESP multibulk and sends it at once, so calls reach the engine
 *      in the order they were made, whether or not the caller awaits each one;
 *   2. reply bytes are appended to a reply buffer, and every complete reply frame in it settles the
 *      oldest pending call. A reply may come later than its command (a blocking command, answered by a
 *      later write or by the tick's timeout sweep); calls behind it wait, in order.
 * Replies are JS values as host/core/resp-reader.ts decodes them (bulk → Buffer, simple → string,
 * integer → number, nil → null, arrays …). An error reply (`-ERR …`) does not reject: the promise
 * resolves to an `Error` value whose message is the error text, so `await db.call(...)` never throws for
 * a server-side error, and pipelines of calls keep going. A call rejects only when the database is
 * closed, or an engine fails (an engine bug).
 * If the engine closes the connection (QUIT, CLIENT KILL), calls still pending reject and the next call
 * opens a fresh connection (connection state such as SELECT or CLIENT SETNAME starts over).
 * Pub/sub messages and RESP3 pushes have no call to answer: they are dropped.
 */

import os from 'node:os';
import { createEngine, loadModule, type Engine } from './core/engine.js';
import { createIoEndpoint } from './core/io-endpoint.js';
import { yieldTask } from './core/loop.js';
import { startMesh } from './core/mesh.js';
import { decode, encodeCommand, isPush, type RespValue } from './core/resp-reader.js';
import { spawnNodeShardWorker } from './node/workers.js';

export type { RespValue } from './core/resp-reader.js';

export type Arg = string | Buffer | number;

export interface Db {
  /** Run one command; resolves to its reply (an `Error` value for an error reply). */
  call(...argv: Arg[]): Promise<RespValue>;
  /** Close the database; pending calls reject. */
  close(): void;
}

export interface OpenOptions {
  /** Number of shards (default 1); more than one runs each shard in a worker thread. */
  shards?: number;
}

interface Pending {
  resolve(value: RespValue): void;
  reject(err: Error): void;
}

/** Where the virtual connection's bytes go; replies come back through `Session.reply`/`closed`. */
interface Transport {
  open(conn: number): void;
  send(conn: number, bytes: Buffer): void;
  close(conn: number): void;
  /** A call is now outstanding: make sure replies will be picked up. */
  expectReplies(): void;
  shutdown(): void;
}

const TICK_MS = 100;

function serverInfo(): Record<string, string | number> {
  return {
    process_id: process.pid, executable: process.argv[1] ?? process.execPath, config_file: '',
    node_version: process.version.replace(/^v/, ''), mode: 'embedded',
  };
}

export async function open({ shards = 1 }: OpenOptions = {}): Promise<Db> {
  if (!Number.isInteger(shards) || shards < 1 || shards > 1024) {
    throw new Error(`kevy-ts: open({ shards: ${shards} }): the shard count must be an integer from 1 to 1024`);
  }
  const pending: Pending[] = [];
  let replies: Buffer = Buffer.alloc(0);
  let conn = 0; // the virtual connection's id; a new one after the server closes it
  let connOpen = false;
  let closed = false;
  let failure: Error | undefined;

  function settle(): void {
    let at = 0;
    for (;;) {
      const frame = decode(replies, at);
      if (!frame) break;
      at = frame.end;
      if (isPush(frame.value)) continue;
      pending.shift()?.resolve(frame.value);
    }
    if (at > 0) replies = replies.subarray(at);
  }

  function rejectAll(err: Error): void {
    for (const p of pending.splice(0)) p.reject(err);
    replies = Buffer.alloc(0);
  }

  /** Reply bytes for connection `id` (copied: the view may be reused). */
  function onReply(id: number, bytes: Uint8Array): void {
    if (id !== conn) return;
    const copy = Buffer.from(bytes);
    replies = replies.length === 0 ? copy : Buffer.concat([replies, copy]);
  }

  function onClosed(id: number): void {
    if (id !== conn) return;
    settle(); // replies that came before the close answer their calls
    connOpen = false;
    rejectAll(new Error('kevy-ts: the connection was closed by the server'));
  }

  function fail(err: unknown): Error {
    failure ??= err instanceof Error ? err : new Error(String(err));
    if (!closed) {
      closed = true;
      transport?.shutdown();
    }
    rejectAll(failure);
    return failure;
  }

  let transport: Transport | undefined;
  transport = shards === 1
    ? await singleTransport({ onReply, onClosed, settle, fail })
    : await meshTransport(shards, { onReply, onClosed, settle, fail, outstanding: () => pending.length > 0 && !closed });

  return {
    call(...argv) {
      if (closed) return Promise.reject(failure ?? new Error('kevy-ts: the database is closed'));
      if (argv.length === 0) return Promise.reject(new Error('kevy-ts: call() needs a command'));
      const t = transport!;
      return new Promise<RespValue>((resolve, reject) => {
        try {
          if (!connOpen) {
            if (pending.length === 0) replies = Buffer.alloc(0);
            conn++;
            t.open(conn);
            connOpen = true;
          }
          pending.push({ resolve, reject });
          t.send(conn, encodeCommand(argv));
          t.expectReplies();
        } catch (err) {
          reject(fail(err));
        }
      });
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        if (connOpen) transport!.close(conn);
      } catch {
        // closing anyway
      }
      transport!.shutdown();
      connOpen = false;
      rejectAll(new Error('kevy-ts: the database is closed'));
    },
  };
}

interface SessionHooks {
  onReply(id: number, bytes: Uint8Array): void;
  onClosed(id: number): void;
  /** Settle the calls whose replies are complete. */
  settle(): void;
  fail(err: unknown): Error;
}

/** One engine on this thread. */
async function singleTransport(hooks: SessionHooks): Promise<Transport> {
  const engine: Engine = await createEngine({
    shardIndex: 0,
    shardCount: 1,
    seed: (Math.random() * 0x1_0000_0000) >>> 0,
    serverInfo: serverInfo(),
  }, {
    data(id, payload) {
      hooks.onReply(id, payload);
      hooks.settle();
    },
    close: (id) => hooks.onClosed(id),
  });
  const timer = setInterval(() => {
    try {
      engine.tick();
    } catch (err) {
      hooks.fail(err);
    }
  }, TICK_MS);
  timer.unref();
  return {
    open: (id) => engine.open(id, 'embedded:0', 'embedded:0'),
    send: (id, bytes) => engine.feed(id, bytes),
    close: (id) => engine.close(id),
    expectReplies() {},
    shutdown: () => clearInterval(timer),
  };
}

/** Every shard in a worker; this thread is the mesh's I/O endpoint. */
async function meshTransport(shards: number, hooks: SessionHooks & { outstanding(): boolean }): Promise<Transport> {
  const module = await loadModule();
  let stopped = false;
  // The workers are unref'd; until they report ready, this timer keeps the process waiting for them.
  const hold = setInterval(() => undefined, 1 << 30);
  const started = startMesh({
    shards,
    workerShards: Array.from({ length: shards }, (_, i) => i),
    ioEndpoint: true,
    init: () => ({
      module,
      seed: (Math.random() * 0x1_0000_0000) >>> 0,
      serverInfo: { ...serverInfo(), shards, os: `${os.type()} ${os.release()}` },
      loop: {},
    }),
    spawn: (init, onEvent, onError) => spawnNodeShardWorker(init, onEvent, onError, { unref: true }),
    onFatal: (err) => hooks.fail(err),
  });
  const running = await started.finally(() => clearInterval(hold));
  const io = createIoEndpoint({
    mesh: running.mesh,
    endpoint: running.ioEndpoint!,
    shards,
    conns: {
      data: (id, bytes, start, end) => hooks.onReply(id, bytes.subarray(start, end)),
      close: (id) => hooks.onClosed(id),
      flush: () => hooks.settle(),
    },
  });
  const shardOf = (id: number): number => (id - 1) % shards;

  // Replies are pumped only while calls are outstanding: idle, nothing runs and nothing keeps the
  // process alive.
  let pumping = false;
  async function pumpWhileOutstanding(): Promise<void> {
    pumping = true;
    try {
      while (!stopped && hooks.outstanding()) {
        if (io.flush() > 0 || io.pump()) {
          await yieldTask();
          continue;
        }
        await io.sleep(Math.min(io.idleLimitMs(), TICK_MS));
      }
    } catch (err) {
      hooks.fail(err);
    } finally {
      pumping = false;
    }
  }

  return {
    open: (id) => io.open(id, shardOf(id), 'embedded:0', 'embedded:0'),
    send: (id, bytes) => io.data(id, shardOf(id), bytes),
    close(id) {
      io.close(id, shardOf(id));
      io.flush();
    },
    expectReplies() {
      io.flush();
      if (!pumping) void pumpWhileOutstanding();
    },
    shutdown() {
      if (stopped) return;
      stopped = true;
      void running.stop();
    },
  };
}
