/**
 * embedded — kevy-ts in-process: `const db = await open(); await db.call('SET', 'k', 'v'); db.close()`.
 *
 * Owns: one engine on the calling thread, one virtual connection into it, and the FIFO that matches
 * replies to calls. This is the package's main export (`import { open } from 'kevy-ts'`).
 *
 * How a call travels:
 *   1. `call(...argv)` encodes argv as a RESP multibulk and feeds it to the engine at once, so calls
 *      reach the engine in the order they were made, whether or not the caller awaits each one;
 *   2. the engine's DATA records are appended to a reply buffer, and every complete reply frame in it
 *      settles the oldest pending call. A reply may come later than its feed (a blocking command,
 *      answered by a later write or by the 100 ms tick's timeout sweep); calls behind it wait, in order.
 * Replies are JS values as host/core/resp-reader.ts decodes them (bulk → Buffer, simple → string,
 * integer → number, nil → null, arrays …). An error reply (`-ERR …`) does not reject: the promise
 * resolves to an `Error` value whose message is the error text, so `await db.call(...)` never throws for
 * a server-side error, and pipelines of calls keep going. A call rejects only when the database is
 * closed, or the engine fails (an engine bug).
 * If the engine closes the connection (QUIT, CLIENT KILL), calls still pending reject and the next call
 * opens a fresh connection (connection state such as SELECT or CLIENT SETNAME starts over).
 * Pub/sub messages and RESP3 pushes have no call to answer: they are dropped.
 */

import { createEngine, type Engine, type OutboxSink } from './core/engine.js';
import { decode, encodeCommand, isPush, type RespValue } from './core/resp-reader.js';

export type { RespValue } from './core/resp-reader.js';

export type Arg = string | Buffer | number;

export interface Db {
  /** Run one command; resolves to its reply (an `Error` value for an error reply). */
  call(...argv: Arg[]): Promise<RespValue>;
  /** Close the database; pending calls reject. */
  close(): void;
}

export interface OpenOptions {
  /** Number of shards; only 1 until the multi-shard runtime lands. */
  shards?: number;
}

interface Pending {
  resolve(value: RespValue): void;
  reject(err: Error): void;
}

const TICK_MS = 100;

export async function open({ shards = 1 }: OpenOptions = {}): Promise<Db> {
  if (shards !== 1) throw new Error(`kevy-ts: open({ shards: ${shards} }): this version runs exactly 1 shard`);

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

  const sink: OutboxSink = {
    data(id, payload) {
      if (id !== conn) return;
      replies = replies.length === 0 ? payload : Buffer.concat([replies, payload]);
      settle();
    },
    close(id) {
      if (id !== conn) return;
      connOpen = false;
      rejectAll(new Error('kevy-ts: the connection was closed by the server'));
    },
  };

  const engine: Engine = await createEngine({
    shardIndex: 0,
    shardCount: 1,
    seed: (Math.random() * 0x1_0000_0000) >>> 0,
    serverInfo: { process_id: process.pid, executable: process.argv[1] ?? process.execPath, config_file: '',
      node_version: process.version.replace(/^v/, ''), mode: 'embedded' },
  }, sink);

  function fail(err: unknown): Error {
    failure ??= err instanceof Error ? err : new Error(String(err));
    closed = true;
    clearInterval(timer);
    rejectAll(failure);
    return failure;
  }

  const timer = setInterval(() => {
    try {
      engine.tick();
    } catch (err) {
      fail(err);
    }
  }, TICK_MS);
  timer.unref();

  return {
    call(...argv) {
      if (closed) return Promise.reject(failure ?? new Error('kevy-ts: the database is closed'));
      if (argv.length === 0) return Promise.reject(new Error('kevy-ts: call() needs a command'));
      return new Promise<RespValue>((resolve, reject) => {
        try {
          if (!connOpen) {
            if (pending.length === 0) replies = Buffer.alloc(0);
            conn++;
            engine.open(conn, 'embedded:0', 'embedded:0');
            connOpen = true;
          }
          pending.push({ resolve, reject });
          engine.feed(conn, encodeCommand(argv));
        } catch (err) {
          reject(fail(err));
        }
      });
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      try {
        if (connOpen) engine.close(conn);
      } catch {
        // closing anyway
      }
      connOpen = false;
      rejectAll(new Error('kevy-ts: the database is closed'));
    },
  };
}
