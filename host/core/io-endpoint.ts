/**
 * io-endpoint — the side of a thread that owns connections but runs no shard (the Node I/O thread, the
 * embedded API's caller thread): it sends each connection's events and bytes to the shard that owns it
 * and takes the replies back, through the mesh's rings `io ⇄ shard` (frames: io-frames.ts).
 *
 * Owns: the per-shard frame writers and readers, publishing (`flush`: one commit per ring, for
 * everything staged since the last flush — the caller calls it once per event-loop turn), and the
 * backlog towards shards whose ring is full. It does not own sockets or the connection table: replies
 * go to `conns`, which the host implements.
 *
 * Contract:
 *   1. `open(conn, shard, …)` before any `data`; then `data`…; then `close` when the peer goes away,
 *      unless the shard ended the connection first (`conns.close`), after which the host sends nothing
 *      more for it. Connection ids are unique for the life of the mesh.
 *   2. `pump()` reads every frame the shards published: DATA → `conns.data` (a view valid only during
 *      the call), CLOSE → `conns.close`; then `conns.flush()` once, so the host writes each connection
 *      once per pump.
 *   3. `pending(shard)` > 0 means frames towards that shard wait in the backlog: the host should stop
 *      reading sockets of that shard until it is 0 again (`flush` retries).
 */
import { createBacklog, type WakeReason } from './ring.js';
import type { Mesh } from './mesh-memory.js';
import {
  IO_CLOSE, IO_DATA, IO_OPEN, createFrameReader, createFrameWriter, type FrameWriter,
} from './io-frames.js';

export interface IoConnections {
  /** Reply bytes `bytes[start, end)` for `conn`, valid only during the call. */
  data(conn: number, bytes: Uint8Array, start: number, end: number): void;
  /** The shard ended `conn` (QUIT, CLIENT KILL, protocol error): close it after what was written. */
  close(conn: number): void;
  /** End of a pump: write what `data` gathered. */
  flush(): void;
}

export interface IoEndpointOptions {
  mesh: Mesh;
  /** This endpoint's number in the mesh (after the shards). */
  endpoint: number;
  shards: number;
  conns: IoConnections;
}

export interface IoEndpoint {
  open(conn: number, shard: number, addr: string, laddr: string): void;
  data(conn: number, shard: number, bytes: Uint8Array): void;
  close(conn: number, shard: number): void;
  /** Publishes every staged frame; retries backlogged ones. Answers how many still wait. */
  flush(): number;
  /** Frames towards `shard` waiting in the backlog. */
  pending(shard: number): number;
  /** Reads every reply frame the shards published. True if there were any. */
  pump(): boolean;
  idleLimitMs(): number;
  sleep(timeoutMs: number): Promise<WakeReason>;
  hasInput(): boolean;
}

const BACKLOG_RETRY_MS = 1;

function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

export function createIoEndpoint(options: IoEndpointOptions): IoEndpoint {
  const { mesh, endpoint, shards, conns } = options;
  const backlog = createBacklog();
  const writers: FrameWriter[] = [];
  const readers: (() => number)[] = [];
  const onFrame = (conn: number, kind: number, bytes: Uint8Array, start: number, end: number): void => {
    if (kind === IO_DATA) conns.data(conn, bytes, start, end);
    else if (kind === IO_CLOSE) conns.close(conn);
    else throw new Error(`I/O endpoint: unknown frame kind ${kind} for conn ${conn}`);
  };
  for (let s = 0; s < shards; s++) {
    writers.push(createFrameWriter(mesh.ring(endpoint, s), backlog));
    readers.push(createFrameReader(mesh.ring(s, endpoint), onFrame));
  }

  function flush(): number {
    for (let s = 0; s < shards; s++) writers[s].commit();
    const left = backlog.flush();
    for (let s = 0; s < shards; s++) writers[s].refresh();
    return left;
  }

  return {
    open(conn, shard, addr, laddr) {
      writers[shard].frame(conn, IO_OPEN, latin1(`${addr}\n${laddr}`));
    },
    data(conn, shard, bytes) {
      writers[shard].frame(conn, IO_DATA, bytes);
    },
    close(conn, shard) {
      writers[shard].frame(conn, IO_CLOSE);
    },
    flush,
    pending: (shard) => writers[shard].pending(),
    pump() {
      let n = 0;
      for (let s = 0; s < shards; s++) n += readers[s]();
      if (n > 0) conns.flush();
      if (backlog.pending() > 0) flush();
      return n > 0;
    },
    idleLimitMs: () => (backlog.pending() > 0 ? BACKLOG_RETRY_MS : Infinity),
    sleep: (timeoutMs) => mesh.sleep(endpoint, timeoutMs),
    hasInput: () => mesh.hasInput(endpoint),
  };
}
