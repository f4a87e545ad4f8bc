/**
 * server — the Node TCP front end: sockets in, engine calls, replies out.
 *
 * Owns: the listening socket, the table of live connections (id → socket), the engine's outbox sink
 * (DATA → socket.write, CLOSE → end then destroy), the 100 ms tick, and backpressure.
 *
 * Per connection, the lifecycle is:
 *   1. accept: the next id (1, 2, …), `setNoDelay`, `engine.open(id, addr, laddr)`.
 *   2. read: every 'data' chunk goes to the engine as it is, in one `feed` call (the engine keeps partial
 *      frames); the replies it leaves come back through the sink as one owned Buffer per run and are
 *      written at once.
 *   3. backpressure: when `socket.write` answers false, reading from that socket pauses until 'drain',
 *      so a client that pipelines without reading cannot grow our memory without bound.
 *   4. end: a CLOSE record (QUIT, protocol error, CLIENT KILL) ends the socket after what was written
 *      before it and then destroys it; the engine has already forgotten the connection, so nothing it
 *      still sends is fed. A peer that goes away ('end', 'close', ECONNRESET) → `engine.close(id)`, once.
 * Socket errors never escape: the 'close' that follows is the one place a connection is dropped.
 * An engine failure (abort or trap: an engine bug) is fatal to this server; it is logged and, unless the
 * caller takes it via `onFatal`, the server closes.
 *
 * Shards: this version runs exactly one engine on the main thread. The multi-shard runtime (one worker
 * per shard, rings between them, see DESIGN.md) replaces `startSingleShard` behind the same
 * `startServer` signature.
 */

import net from 'node:net';
import os from 'node:os';
import { randomInt } from 'node:crypto';
import { EngineFailure, instantiateEngine, loadModule, type Engine, type OutboxSink } from '../core/engine.js';

/** Redis's log levels: '.' debug, '-' verbose, '*' notice, '#' warning. */
export type LogLevel = '.' | '-' | '*' | '#';
export type Logger = (level: LogLevel, message: string) => void;

export interface ServerOptions {
  /** TCP port; 0 picks a free one (see `RunningServer.port`). */
  port: number;
  /** Address to listen on; default 127.0.0.1. */
  bind?: string;
  /** Number of shards; only 1 until the multi-shard runtime lands. */
  shards?: number;
  log?: Logger;
  /** Called on an engine failure instead of closing the server. */
  onFatal?: (err: Error) => void;
}

export interface RunningServer {
  /** The port actually listened on. */
  readonly port: number;
  /** Stop accepting, drop every connection, stop the tick. Resolves once the listener is closed. */
  close(): Promise<void>;
}

/** Invariant: `live` is true exactly while the engine knows this connection. */
interface Conn {
  readonly socket: net.Socket;
  live: boolean;
  /** Reading is paused until the socket drains. */
  paused: boolean;
}

const TICK_MS = 100;

const stderrLog: Logger = (level, message) => {
  if (level === '#') process.stderr.write(`# ${message}\n`);
};

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const shards = options.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`kevy-ts: invalid shard count ${shards}`);
  if (shards !== 1) {
    throw new Error(`kevy-ts: ${shards} shards requested, but this version runs exactly 1 (use --shards 1)`);
  }
  return startSingleShard(options);
}

/** `ip:port` the way Redis prints a peer (IPv6 in brackets). */
function formatAddr(ip: string | undefined, port: number | undefined): string {
  const host = ip ?? '?';
  return host.includes(':') ? `[${host}]:${port ?? 0}` : `${host}:${port ?? 0}`;
}

/** Facts for INFO server. */
function serverInfo(port: number, shards: number): Record<string, string | number> {
  return {
    tcp_port: port,
    process_id: process.pid,
    executable: process.argv[1] ?? process.execPath,
    config_file: '',
    os: `${os.type()} ${os.release()} ${os.machine()}`,
    arch_bits: process.arch.endsWith('64') ? 64 : 32,
    node_version: process.version.replace(/^v/, ''),
    shards,
  };
}

async function startSingleShard(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? stderrLog;
  const module = await loadModule();
  const conns = new Map<number, Conn>();
  let nextId = 1;
  let engine: Engine | undefined;
  let dead = false; // the engine failed: make no more calls into it
  let tickTimer: NodeJS.Timeout | undefined;

  const sink: OutboxSink = {
    data(id, payload) {
      const conn = conns.get(id);
      if (!conn || conn.socket.destroyed || conn.socket.writableEnded) return;
      if (!conn.socket.write(payload) && !conn.paused) {
        conn.paused = true;
        conn.socket.pause();
        conn.socket.once('drain', () => {
          conn.paused = false;
          if (!conn.socket.destroyed) conn.socket.resume();
        });
      }
    },
    close(id) {
      const conn = conns.get(id);
      if (!conn) return;
      conn.live = false;
      const socket = conn.socket;
      if (socket.destroyed) return;
      socket.end(() => socket.destroy());
    },
  };

  const server = net.createServer();

  /** Run an engine call; a failure is fatal to the server. */
  function guarded(fn: (e: Engine) => void): void {
    if (dead || !engine) return;
    try {
      fn(engine);
    } catch (err) {
      fatal(err instanceof Error ? err : new Error(String(err)));
    }
  }

  function fatal(err: Error): void {
    if (dead) return;
    dead = true;
    const kind = err instanceof EngineFailure ? 'engine failure (this is a bug)' : 'host failure';
    log('#', `${kind}: ${err.stack ?? err.message}`);
    if (options.onFatal) options.onFatal(err);
    else void shutdown();
  }

  /** The peer went away (or we are closing): tell the engine once. */
  function forget(id: number, conn: Conn): void {
    if (!conn.live) return;
    conn.live = false;
    guarded((e) => e.close(id));
  }

  server.on('connection', (socket) => {
    const id = nextId++;
    const conn: Conn = { socket, live: true, paused: false };
    conns.set(id, conn);
    socket.setNoDelay(true);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') log('-', `connection ${id}: ${err.message}`);
    });
    socket.on('end', () => forget(id, conn));
    socket.on('close', () => {
      forget(id, conn);
      conns.delete(id);
    });
    socket.on('data', (chunk: Buffer) => {
      if (conn.live) guarded((e) => e.feed(id, chunk));
    });
    guarded((e) => e.open(id, formatAddr(socket.remoteAddress, socket.remotePort),
      formatAddr(socket.localAddress, socket.localPort)));
    if (dead) socket.destroy();
  });

  let closing: Promise<void> | undefined;
  function shutdown(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      if (tickTimer) clearInterval(tickTimer);
      server.close(() => resolve());
      for (const conn of conns.values()) {
        conn.live = false; // the engine goes away with the server
        conn.socket.destroy();
      }
      conns.clear();
    });
    return closing;
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.bind ?? '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : options.port;
      // Synchronous, inside 'listening': no connection is accepted before the engine exists.
      try {
        engine = instantiateEngine(module, {
          shardIndex: 0,
          shardCount: 1,
          seed: randomInt(0x1_0000_0000),
          serverInfo: serverInfo(actual, 1),
        }, sink);
      } catch (err) {
        server.close();
        reject(err);
        return;
      }
      resolve(actual);
    });
  });
  server.on('error', (err) => log('#', `server error: ${err.message}`));
  tickTimer = setInterval(() => guarded((e) => e.tick()), TICK_MS);
  tickTimer.unref();

  return { port, close: shutdown };
}
