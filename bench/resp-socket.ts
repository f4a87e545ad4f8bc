/**
 * bench/resp-socket — a bare TCP connection for latency benchmarks: commands go out as RESP2 bytes
 * written straight to the socket, replies come back as raw frames stamped with the time their last
 * chunk arrived (`process.hrtime.bigint()` taken first thing in the socket's 'data' callback).
 *
 * No client library sits between the socket and the clock, so what is measured is the server plus the
 * kernel plus one Node event-loop turn, the same for every server compared. Replies are framed with the
 * host's `frameEnd` (host/core/resp-reader.ts) and handed out in order, one per `reply()` call; the
 * caller decodes what it needs (most benchmarks only compare bytes). A connection that closes or stays
 * silent past a deadline rejects the waiting `reply()`, so a hung server fails the run instead of
 * hanging it.
 */
import { connect, type Socket } from 'node:net';
import { encodeCommand, frameEnd } from '../host/core/resp-reader.js';

/** One reply frame and when its last byte arrived. */
export interface TimedReply {
  readonly bytes: Buffer;
  readonly at: bigint;
}

interface Waiter {
  resolve(r: TimedReply): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export interface RespSocket {
  /** Writes one command; returns the time just before the write. */
  send(args: (string | Buffer | number)[]): bigint;
  /** Writes bytes as they are (a pre-encoded command, or several pipelined). */
  sendRaw(bytes: Buffer): bigint;
  /** The next reply in order; rejects after `timeoutMs` (default 10 s) or when the connection closes. */
  reply(timeoutMs?: number): Promise<TimedReply>;
  /** `send` then `reply`, as text (latin1) for small control replies. */
  call(args: (string | Buffer | number)[], timeoutMs?: number): Promise<string>;
  close(): void;
}

export function openRespSocket(port: number, host = '127.0.0.1'): Promise<RespSocket> {
  return new Promise((resolveOpen, rejectOpen) => {
    const socket: Socket = connect({ port, host });
    socket.setNoDelay(true);
    let buffer: Buffer = Buffer.alloc(0);
    const ready: TimedReply[] = [];
    const waiters: Waiter[] = [];
    let failure: Error | null = null;

    function settle(): void {
      while (ready.length > 0 && waiters.length > 0) {
        const w = waiters.shift()!;
        if (w.timer !== undefined) clearTimeout(w.timer);
        w.resolve(ready.shift()!);
      }
    }

    function fail(err: Error): void {
      failure ??= err;
      for (const w of waiters.splice(0)) {
        if (w.timer !== undefined) clearTimeout(w.timer);
        w.reject(failure);
      }
    }

    socket.on('data', (chunk: Buffer) => {
      const at = process.hrtime.bigint();
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      let start = 0;
      for (;;) {
        const end = frameEnd(buffer, start);
        if (end === -1) break;
        ready.push({ bytes: buffer.subarray(start, end), at });
        start = end;
      }
      buffer = start === buffer.length ? Buffer.alloc(0) : buffer.subarray(start);
      settle();
    });
    socket.on('close', () => fail(new Error(`connection to ${host}:${port} closed`)));
    socket.on('error', (err) => {
      rejectOpen(err);
      fail(err);
    });

    const self: RespSocket = {
      send(args) {
        return self.sendRaw(encodeCommand(args));
      },
      sendRaw(bytes) {
        const t = process.hrtime.bigint();
        socket.write(bytes);
        return t;
      },
      reply(timeoutMs = 10_000) {
        return new Promise<TimedReply>((resolve, reject) => {
          if (failure !== null && ready.length === 0) {
            reject(failure);
            return;
          }
          const w: Waiter = { resolve, reject, timer: undefined };
          w.timer = setTimeout(() => {
            const i = waiters.indexOf(w);
            if (i >= 0) waiters.splice(i, 1);
            reject(new Error(`no reply from ${host}:${port} within ${timeoutMs} ms`));
          }, timeoutMs);
          waiters.push(w);
          settle();
        });
      },
      async call(args, timeoutMs) {
        self.send(args);
        return (await self.reply(timeoutMs)).bytes.toString('latin1');
      },
      close() {
        socket.destroy();
      },
    };
    socket.once('connect', () => resolveOpen(self));
  });
}
