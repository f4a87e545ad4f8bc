/**
 * io-frames — what travels on the rings between an I/O endpoint (the thread that owns the sockets, in
 * hosts where that is not the shard's own thread) and a shard: connection events and bytes.
 *
 * Owns: the frame format and the writer/reader for one ring. It does not own sockets (the hosts), the
 * connection table, or the scheduling loop.
 *
 * One ring record is one frame: `[conn u32 LE][kind u8][bytes]`.
 *   OPEN  I/O → shard  a new connection; bytes = `addr\nladdr` (latin1), as conn_open wants them
 *   DATA  both ways    bytes read from the socket (I/O → shard) or to write to it (shard → I/O)
 *   CLOSE both ways    the peer went away (I/O → shard: engine.close) or the engine ended the
 *                      connection (shard → I/O: end the socket after what was written before it)
 * Bytes are a stream, so DATA longer than a record can carry is simply cut into several frames.
 * Per ring, frames stay in order; that is all the connection lifecycle needs.
 *
 * The writer (`createFrameWriter(ring, backlog)`) writes a frame straight into the ring (header and
 * bytes copied once, no allocation) while nothing is backlogged for that ring; otherwise it makes one
 * copy and hands it to the backlog, which keeps the order. Nothing is visible until `commit()` or the
 * backlog's flush: publish once per batch, not per frame.
 */
import type { Backlog, Ring } from './ring.js';

export const IO_OPEN = 1;
export const IO_DATA = 2;
export const IO_CLOSE = 3;
/** Bytes before a frame's payload: conn u32, kind u8. */
export const FRAME_HEADER = 5;

export interface FrameWriter {
  readonly ring: Ring;
  /** Stages one frame (several, for long DATA) carrying `bytes[start, end)`. */
  frame(conn: number, kind: number, bytes?: Uint8Array, start?: number, end?: number): void;
  /** Publishes what was staged straight into the ring (the backlog's flush publishes the rest). */
  commit(): void;
  /** Call after the backlog's flush: records whether this ring still has records waiting. */
  refresh(): void;
  /** Records of this ring waiting in the backlog. */
  pending(): number;
}

const NO_BYTES = new Uint8Array(0);

function putHeader(dst: Uint8Array, at: number, conn: number, kind: number): void {
  dst[at] = conn & 0xff;
  dst[at + 1] = (conn >>> 8) & 0xff;
  dst[at + 2] = (conn >>> 16) & 0xff;
  dst[at + 3] = (conn >>> 24) & 0xff;
  dst[at + 4] = kind;
}

export function createFrameWriter(ring: Ring, backlog: Backlog): FrameWriter {
  const maxChunk = ring.maxPayload - FRAME_HEADER;
  const data = ring.data;
  /** Something of this ring waits in the backlog: new frames must queue behind it. */
  let blocked = false;

  function one(conn: number, kind: number, bytes: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (!blocked) {
      const at = ring.reserveAt(FRAME_HEADER + n);
      if (at >= 0) {
        putHeader(data, at, conn, kind);
        if (n > 0) data.set(n === bytes.length ? bytes : bytes.subarray(start, end), at + FRAME_HEADER);
        return;
      }
    }
    const copy = new Uint8Array(FRAME_HEADER + n);
    putHeader(copy, 0, conn, kind);
    if (n > 0) copy.set(bytes.subarray(start, end), FRAME_HEADER);
    backlog.send(ring, copy); // queues it: the ring is full or already has records waiting
    blocked = true;
  }

  return {
    ring,
    frame(conn, kind, bytes = NO_BYTES, start = 0, end = bytes.length) {
      if (end - start <= maxChunk) {
        one(conn, kind, bytes, start, end);
        return;
      }
      for (let off = start; off < end; off += maxChunk) one(conn, kind, bytes, off, Math.min(end, off + maxChunk));
    },
    commit() {
      ring.commit();
    },
    refresh() {
      if (blocked) blocked = backlog.pending(ring) > 0;
    },
    pending() {
      return blocked ? backlog.pending(ring) : 0;
    },
  };
}

/**
 * The reader of `ring`: each call visits every published frame in order and releases them; `bytes[start,
 * end)` is valid only during `visit`. Returns how many frames were visited.
 */
export function createFrameReader(
  ring: Ring,
  visit: (conn: number, kind: number, bytes: Uint8Array, start: number, end: number) => void,
): () => number {
  const onRecord = (rec: Uint8Array): void => {
    const conn = (rec[0] | (rec[1] << 8) | (rec[2] << 16) | (rec[3] << 24)) >>> 0;
    visit(conn, rec[4], rec, FRAME_HEADER, rec.length);
  };
  return () => ring.read(onRecord);
}
