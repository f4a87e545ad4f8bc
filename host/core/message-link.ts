/**
 * message-link — carrying the engine's cross-shard messages (outbox MSG records) through a ring
 * `from → to` and handing them to the target engine's `shard_deliver` as one batch per drain.
 *
 * Owns: the mapping between engine messages and ring records, including messages larger than a ring
 * record can carry, and building the deliver batch `[len u32][message]…` straight in the target
 * instance's scratch area. It does not own the ring (ring.ts), the backlog policy, or what messages mean
 * (docs/runtime.md); the only property kept is the one the protocols need: per (from, to), FIFO.
 *
 * Records on the ring:
 *   - a message of at most `ring.maxPayload` bytes is one record, its payload the message itself;
 *   - a bigger one is a 0-byte record (the engine never sends an empty message: every message has a
 *     20-byte header), then a 4-byte record holding the total length, then fragments of at most
 *     `maxPayload` bytes until the total is reached. The receiver reassembles it before delivering.
 *
 * Receiving (`createMessageReader(ring, from)`, consumer side only):
 *   1. `drainInto(engine)` sizes the batch from `ring.usedBytes()` (records are padded to 4 bytes, so the
 *      compact `[len][message]` form is never longer), asks the engine for that much scratch space and
 *      copies each record in while the ring is read: one copy, ring → linear memory, no allocation.
 *   2. Records published after the size was taken, and reassembled big messages that no longer fit, go
 *      to an overflow list in order and are delivered by a second call right after: order is kept.
 *   3. `readMessages(visit)` instead hands each published message over as an owned copy, in order, for a
 *      host that holds messages before delivering them (message-hold.ts). Use one way or the other.
 */
import type { Backlog, Ring } from './ring.js';
import type { Engine } from './engine-core.js';

const NO_BYTES = new Uint8Array(0);

/** Queue one engine message for `ring` (staged or backlogged; published by the backlog's flush). */
export function sendMessage(backlog: Backlog, ring: Ring, message: Uint8Array): void {
  const max = ring.maxPayload;
  if (message.length <= max) {
    backlog.send(ring, message);
    return;
  }
  const total = new Uint8Array(4);
  new DataView(total.buffer).setUint32(0, message.length, true);
  backlog.send(ring, NO_BYTES);
  backlog.send(ring, total);
  for (let off = 0; off < message.length; off += max) {
    backlog.send(ring, message, off, Math.min(max, message.length - off));
  }
}

export interface MessageReader {
  /** Delivers every published message to `engine` (one call, two if some overflowed). True if any. */
  drainInto(engine: Engine): boolean;
  /** Takes every published message off the ring as an owned copy, in order. Answers how many. */
  readMessages(visit: (message: Uint8Array) => void): number;
}

function writeU32(dst: Uint8Array, at: number, n: number): void {
  dst[at] = n & 0xff;
  dst[at + 1] = (n >>> 8) & 0xff;
  dst[at + 2] = (n >>> 16) & 0xff;
  dst[at + 3] = (n >>> 24) & 0xff;
}

function readU32(src: Uint8Array, at: number): number {
  return (src[at] | (src[at + 1] << 8) | (src[at + 2] << 16) | (src[at + 3] << 24)) >>> 0;
}

/** The consumer side of ring `from → this shard`. */
export function createMessageReader(ring: Ring, from: number): MessageReader {
  // Reassembly of one big message: -1 = none; -2 = the next record holds the total length.
  let bigTotal = -1;
  let big: Uint8Array = NO_BYTES;
  let bigHave = 0;

  // Per drain: where the batch is being written, and what did not fit.
  let dst: Uint8Array = NO_BYTES;
  let w = 0;
  let limit = 0;
  let overflow: Uint8Array[] = [];
  let overflowBytes = 0;
  /** Set during readMessages: complete messages go here instead of into a batch. */
  let collect: ((message: Uint8Array) => void) | undefined;
  let collected = 0;

  /** One complete message: into the batch if it fits and nothing overflowed yet, else to overflow. */
  function emit(message: Uint8Array, copyNeeded: boolean): void {
    if (collect !== undefined) {
      collected++;
      collect(copyNeeded ? message.slice() : message);
    } else if (overflow.length === 0 && w + 4 + message.length <= limit) {
      writeU32(dst, w, message.length);
      dst.set(message, w + 4);
      w += 4 + message.length;
    } else {
      overflow.push(copyNeeded ? message.slice() : message);
      overflowBytes += 4 + message.length;
    }
  }

  function visit(rec: Uint8Array): void {
    if (bigTotal === -1) {
      if (rec.length > 0) emit(rec, true);
      else bigTotal = -2;
    } else if (bigTotal === -2) {
      bigTotal = readU32(rec, 0);
      big = new Uint8Array(bigTotal);
      bigHave = 0;
    } else {
      big.set(rec, bigHave);
      bigHave += rec.length;
      if (bigHave >= bigTotal) {
        const message = big;
        big = NO_BYTES;
        bigTotal = -1;
        emit(message, false);
      }
    }
  }

  /** Bytes the engine reserved for this drain's batch. */
  let fillMax = 0;
  function fill(heap: Uint8Array, at: number): number {
    dst = heap;
    w = at;
    limit = at + fillMax;
    ring.read(visit);
    dst = NO_BYTES;
    return w - at;
  }

  return {
    drainInto(engine) {
      const used = ring.usedBytes();
      if (used === 0) return false;
      fillMax = used;
      engine.deliverWith(from, used, fill);
      if (overflow.length > 0) {
        const batch = new Uint8Array(overflowBytes);
        let p = 0;
        for (const m of overflow) {
          writeU32(batch, p, m.length);
          batch.set(m, p + 4);
          p += 4 + m.length;
        }
        overflow = [];
        overflowBytes = 0;
        engine.deliver(from, batch);
      }
      return true;
    },
    readMessages(take) {
      collect = take;
      collected = 0;
      try {
        ring.read(visit);
      } finally {
        collect = undefined;
      }
      return collected;
    },
  };
}
