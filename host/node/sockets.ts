/**
 * sockets — the Node hosts' table of client sockets: ids, lifecycle, reply gathering, backpressure.
 * Shared by every host design (one engine on this thread, shards behind an I/O endpoint, shard 0 here).
 *
 * Per connection:
 *   1. accept: the next id (1, 2, … or `firstId + k·idStep` when several threads accept — unique for the
 *      server's life, so across shards too), the origin
 *      shard from `assign`, `setNoDelay`, then `onOpen`.
 *   2. read: each 'data' chunk goes to `onData` while the engine knows the connection (`live`).
 *   3. replies: `reply()` copies bytes into the connection's pending output (a view's bytes are valid
 *      only during the call that gave them); `flush()` writes each touched connection once — one
 *      `socket.write` per connection per batch, however many engine records made it.
 *   4. backpressure: reading pauses while `socket.write` reports a full buffer (until 'drain') and while
 *      the host says the way to the shard is congested (`pauseFor`/`resumeFor` with PAUSE_RING); either
 *      reason keeps the socket paused.
 *   5. end: `end()` (the engine closed it) writes what is pending, ends the socket, then destroys it;
 *      nothing more goes to the engine. The peer going away ('end', 'close', errors) → `onGone` once,
 *      if the engine still knew it. After the peer's FIN the socket stays writable (the server is
 *      allowHalfOpen) until the engine's CLOSE answers that close, so a reply the engine made before it
 *      learned of the FIN still reaches the peer.
 * Socket errors never escape: the 'close' that follows is where a connection leaves the table.
 */
import type net from 'node:net';
import type { Logger } from './log.js';

/** Reading paused because writes to the socket back up. */
export const PAUSE_WRITE = 1;
/** Reading paused because the ring towards the connection's shard is backlogged. */
export const PAUSE_RING = 2;

/** Invariant: `live` is true exactly while the engine knows this connection. */
export interface NodeConn {
  readonly id: number;
  readonly socket: net.Socket;
  /** The origin shard: it parses this connection's commands and writes its replies. */
  readonly shard: number;
  live: boolean;
  /** Bit set of PAUSE_* reasons. */
  paused: number;
  /** Replies gathered since the last flush. */
  out: Buffer | null;
  more: Buffer[] | null;
}

export interface SocketTableOptions {
  log: Logger;
  /** Connection ids are `firstId + k·idStep` (default 1, 2, 3, …): unique across the threads that accept. */
  firstId?: number;
  idStep?: number;
  /** The origin shard of a new connection. */
  assign(id: number): number;
  onOpen(conn: NodeConn, addr: string, laddr: string): void;
  onData(conn: NodeConn, chunk: Buffer): void;
  /** The peer went away while the engine knew the connection. */
  onGone(conn: NodeConn): void;
}

export interface SocketTable {
  accept(socket: net.Socket): NodeConn;
  get(id: number): NodeConn | undefined;
  /** Gathers `bytes[start, end)` (copied) for connection `id`. */
  reply(id: number, bytes: Uint8Array, start?: number, end?: number): void;
  /** Gathers an owned buffer for connection `id` (no copy). */
  replyOwned(id: number, payload: Buffer): void;
  /** Writes every touched connection's gathered replies, once each. */
  flush(): void;
  /** The engine ended connection `id`: write what is pending, end and destroy the socket. */
  end(id: number): void;
  pauseFor(conn: NodeConn, reason: number): void;
  resumeFor(conn: NodeConn, reason: number): void;
  /** Drops every connection (server shutdown); onGone is not called. */
  destroyAll(): void;
  readonly size: number;
}

/** `ip:port` the way Redis prints a peer (IPv6 in brackets). */
export function formatAddr(ip: string | undefined, port: number | undefined): string {
  const host = ip ?? '?';
  return host.includes(':') ? `[${host}]:${port ?? 0}` : `${host}:${port ?? 0}`;
}

export function createSocketTable(options: SocketTableOptions): SocketTable {
  const conns = new Map<number, NodeConn>();
  const touched: NodeConn[] = [];
  const idStep = options.idStep ?? 1;
  let nextId = options.firstId ?? 1;

  function write(conn: NodeConn): void {
    const first = conn.out;
    if (first === null) return;
    const payload = conn.more === null ? first : Buffer.concat([first, ...conn.more]);
    conn.out = null;
    conn.more = null;
    const socket = conn.socket;
    if (socket.destroyed || socket.writableEnded) return;
    if (!socket.write(payload) && (conn.paused & PAUSE_WRITE) === 0) {
      pauseFor(conn, PAUSE_WRITE);
      socket.once('drain', () => resumeFor(conn, PAUSE_WRITE));
    }
  }

  function gather(conn: NodeConn, payload: Buffer): void {
    if (conn.out === null) {
      conn.out = payload;
      touched.push(conn);
    } else if (conn.more === null) {
      conn.more = [payload];
    } else {
      conn.more.push(payload);
    }
  }

  function pauseFor(conn: NodeConn, reason: number): void {
    if (conn.paused === 0) conn.socket.pause();
    conn.paused |= reason;
  }

  function resumeFor(conn: NodeConn, reason: number): void {
    if ((conn.paused & reason) === 0) return;
    conn.paused &= ~reason;
    if (conn.paused === 0 && !conn.socket.destroyed) conn.socket.resume();
  }

  function gone(conn: NodeConn): void {
    if (!conn.live) return;
    conn.live = false;
    options.onGone(conn);
  }

  return {
    accept(socket) {
      const id = nextId;
      nextId += idStep;
      const conn: NodeConn = { id, socket, shard: options.assign(id), live: true, paused: 0, out: null, more: null };
      conns.set(id, conn);
      socket.setNoDelay(true);
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') options.log('-', `connection ${id}: ${err.message}`);
      });
      socket.on('end', () => gone(conn));
      socket.on('close', () => {
        gone(conn);
        conns.delete(id);
      });
      socket.on('data', (chunk: Buffer) => {
        if (conn.live) options.onData(conn, chunk);
      });
      options.onOpen(conn, formatAddr(socket.remoteAddress, socket.remotePort),
        formatAddr(socket.localAddress, socket.localPort));
      return conn;
    },
    get: (id) => conns.get(id),
    reply(id, bytes, start = 0, end = bytes.length) {
      const conn = conns.get(id);
      if (conn === undefined) return;
      const copy = Buffer.allocUnsafe(end - start);
      copy.set(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
      gather(conn, copy);
    },
    replyOwned(id, payload) {
      const conn = conns.get(id);
      if (conn !== undefined) gather(conn, payload);
    },
    flush() {
      for (let i = 0; i < touched.length; i++) write(touched[i]);
      touched.length = 0;
    },
    end(id) {
      const conn = conns.get(id);
      if (conn === undefined) return;
      conn.live = false;
      write(conn); // what was gathered before the CLOSE goes first
      const socket = conn.socket;
      if (!socket.destroyed) socket.end(() => socket.destroy());
    },
    pauseFor,
    resumeFor,
    destroyAll() {
      for (const conn of conns.values()) {
        conn.live = false;
        conn.socket.destroy();
      }
      conns.clear();
      touched.length = 0;
    },
    get size() {
      return conns.size;
    },
  };
}
