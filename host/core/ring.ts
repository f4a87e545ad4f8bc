/**
 * ring — the only way shards talk: a single-producer/single-consumer byte ring in a SharedArrayBuffer,
 * the sender-side backlog that keeps a full ring from blocking or dropping, and the doorbell that lets
 * an idle consumer sleep without a busy one ever paying for a syscall.
 *
 * Owns: the byte layout of one ring, the record format, the publish/release protocol, the backlog, and
 * the doorbell word protocol. It does not own where rings live (mesh-memory.ts lays N×N of them out in
 * one buffer), what the records mean (the shard message codec), or the scheduling loop that drains them.
 * Web-standard APIs only (SharedArrayBuffer, Atomics, typed arrays, setTimeout): it runs unchanged in
 * Node worker_threads, Deno and browser Web Workers.
 *
 * Layout of one ring at `byteOffset` (a multiple of 64) — RING_HEADER_BYTES of header, then the data area:
 *   byte   0  head  (i32) — written only by the consumer; its own 64-byte cache line
 *   byte  64  tail  (i32) — written only by the producer; its own 64-byte cache line
 *   byte 128  capacity, magic (i32) — written once by initRing, read-only after
 *   byte 192  data area, `capacity` bytes, a power of two
 * head and tail are free-running 32-bit counters of bytes (they wrap modulo 2^32, which is why the
 * capacity is at most 2^30); the position in the data area is `counter & (capacity - 1)`; the bytes in
 * use are `tail - head`.
 *
 * Records: `[len u32][payload len bytes][0..3 bytes to the next multiple of 4]`, in platform byte order
 * (little-endian wherever we run). A record never wraps: when one would run past the end of the data area,
 * the producer first writes a padding marker (len = 0xFFFFFFFF) that means "continue at position 0", so
 * every payload is contiguous and the consumer can hand out a zero-copy view of it. The largest payload
 * is `capacity - 4`; anything bigger is a RangeError (a caller bug, never a "full" answer).
 *
 * Protocol (the invariant: bytes in [head, tail) are complete records the consumer may read; bytes
 * outside it belong to the producer):
 *   1. reserve — the producer writes the length word and the payload in place past its *local* tail,
 *      which nobody else can see yet. It reads the shared head only when its cached copy says "full".
 *   2. commit  — one Atomics.store of the tail publishes every record reserved since the last commit.
 *      This is the only point where data becomes visible (the store is the release; the consumer's
 *      Atomics.load of the tail is the acquire). Then the consumer's doorbell is rung (see below).
 *   3. read    — the consumer loads the tail once, visits every record up to it (views valid only inside
 *      the visitor), and releases them all with one Atomics.store of the head at the end. readRuns is
 *      the same with the records handed over as contiguous runs in ring format, one view per run.
 *   A reserve that returns null after writing a padding marker has still advanced the local tail, so
 *   the producer must commit() after a failed reserve too (tryWrite and the Backlog always do).
 *
 * Backlog (one per sending thread, for all its rings): `send` stages a record straight into the ring when
 * nothing is queued for that ring and it fits, otherwise appends a copy to that ring's queue; `flush`
 * moves queued records into their rings in order while they fit and publishes every ring it has touched,
 * one commit each. Never blocks, never drops, keeps per-ring order.
 *
 * Doorbell — one Int32 word per consumer, AWAKE (0) or SLEEPING (1). The lost-wakeup argument:
 *   consumer sleep():  C1 store word := SLEEPING;  C2 re-check every inbound ring (load each tail);
 *                      C3 if C2 found work: store AWAKE, return; else Atomics.waitAsync(word, SLEEPING).
 *   producer ring():   P1 store tail (the commit);  P2 load word;
 *                      P3 if SLEEPING and compareExchange(SLEEPING → AWAKE) wins: Atomics.notify(word).
 *   All of these are Atomics operations, which are sequentially consistent: there is one total order.
 *   If P1 comes before C2 in it, the consumer sees the record at C2 and does not wait. Otherwise
 *   C1 < C2 < P1 < P2, so the producer sees SLEEPING at P2 and flips the word before notifying; the
 *   consumer's wait either starts after the flip (waitAsync finds the word ≠ SLEEPING and returns at once)
 *   or is already queued (notify wakes it) — waitAsync checks the word and queues atomically, like a futex.
 *   With several producers ringing one word, only the one whose compareExchange wins notifies. A producer
 *   Q that loads AWAKE at P2 needs no notify: its P1 precedes that load, which precedes the next write
 *   of SLEEPING (the consumer's next C1), which precedes the consumer's next C2 — so the consumer finds
 *   Q's record there before it can wait again. A busy consumer's word stays AWAKE, and a producer then
 *   pays one plain Atomics.load: no syscall, no cache-line write. Only the consumer calls sleep() on its
 *   word, one sleep at a time.
 *
 * Contract: one producer and one consumer per ring (each holds its own Ring object, in its own thread, or
 * the same object in one thread); rings are initialised once (initRing) before anyone attaches.
 */

/** Bytes of header before the data area: head, tail and the constants on three separate cache lines. */
export const RING_HEADER_BYTES = 192;
/** Byte size of the length word in front of every payload. */
export const RECORD_LEN_BYTES = 4;

const HEAD = 0; //      i32 index: byte 0, cache line 0 (consumer writes)
const TAIL = 16; //     i32 index: byte 64, cache line 1 (producer writes)
const CAPACITY = 32; // i32 index: byte 128, cache line 2 (constant)
const MAGIC = 33;
const RING_MAGIC = 0x474e4952; // "RING"
/** Length word of a padding marker: the rest of the data area is skipped, continue at position 0. */
const PAD = -1;
const MIN_CAPACITY = 64;
const MAX_CAPACITY = 1 << 30;

/** Bytes one record of `len` payload bytes occupies in the data area (length word + 4-byte alignment). */
export function recordBytes(len: number): number {
  return RECORD_LEN_BYTES + ((len + 3) & ~3);
}

/** Bytes a ring of `capacity` data bytes occupies, header included (a multiple of 64). */
export function ringBytes(capacity: number): number {
  checkCapacity(capacity);
  return RING_HEADER_BYTES + capacity;
}

function checkCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < MIN_CAPACITY || capacity > MAX_CAPACITY
    || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`ring capacity must be a power of two in [${MIN_CAPACITY}, 2^30], got ${capacity}`);
  }
}

function checkOffset(sab: SharedArrayBuffer, byteOffset: number, bytes: number): void {
  if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % 64 !== 0) {
    throw new RangeError(`ring byteOffset must be a non-negative multiple of 64, got ${byteOffset}`);
  }
  if (byteOffset + bytes > sab.byteLength) {
    throw new RangeError(`ring at ${byteOffset} (+${bytes} bytes) does not fit a ${sab.byteLength}-byte buffer`);
  }
}

/**
 * Writes an empty ring's header at `byteOffset`. Call once, before any Ring is attached; the memory must
 * not be in use. `startIndex` sets where the free-running counters start (tests use it to cross the
 * 2^31 and 2^32 boundaries); the data area is left as it is.
 */
export function initRing(sab: SharedArrayBuffer, byteOffset: number, capacity: number, startIndex = 0): void {
  checkOffset(sab, byteOffset, ringBytes(capacity));
  const header = new Int32Array(sab, byteOffset, RING_HEADER_BYTES / 4);
  Atomics.store(header, HEAD, startIndex | 0);
  Atomics.store(header, TAIL, startIndex | 0);
  Atomics.store(header, CAPACITY, capacity);
  Atomics.store(header, MAGIC, RING_MAGIC);
}

/** One endpoint's handle on a ring. The producer uses the first group, the consumer the second. */
export interface Ring {
  /** Bytes in the data area (a power of two). */
  readonly capacity: number;
  /** The largest payload a record can carry: capacity - 4. */
  readonly maxPayload: number;
  /** The data area itself; `reserveAt` answers offsets into it. */
  readonly data: Uint8Array;

  // ---- producer ----
  /** Writes one record and publishes it (with anything reserved before). False when it does not fit now. */
  tryWrite(payload: Uint8Array, offset?: number, len?: number): boolean;
  /**
   * Reserves a record of `len` bytes and returns a view to fill in place, or null when it does not fit
   * now. Nothing is visible to the consumer until commit(); call commit() after a null too.
   */
  reserve(len: number): Uint8Array | null;
  /** Allocation-free reserve: the payload's offset in `data`, or -1 when it does not fit now. */
  reserveAt(len: number): number;
  /** Publishes every reserved record with one Atomics.store of the tail, then rings the doorbell. */
  commit(): boolean;
  /** True when records are reserved but not yet committed. */
  staged(): boolean;

  // ---- consumer ----
  /**
   * Visits up to `max` available records in order (each payload a view valid only inside the visitor),
   * then releases them with one Atomics.store of the head. Returns how many were visited. If the visitor
   * throws, the records visited so far (including that one) are released and the error propagates.
   */
  read(visitor: (bytes: Uint8Array) => void, max?: number): number;
  /**
   * Batch form of read, for copying many small records at once (into a Wasm instance, say): visits the
   * available records as at most a few contiguous runs of whole records in their ring format —
   * `[len u32][payload][pad to 4]…`, never a padding marker — then releases them with one store.
   * Returns how many records the runs held. Same lifetime and throw rules as read.
   */
  readRuns(visitor: (run: Uint8Array) => void): number;
  /** Consumer side: nothing published is waiting to be read. */
  isEmpty(): boolean;
  /** Bytes published and not yet released (padding included); a snapshot, for tests and metrics. */
  usedBytes(): number;
}

export interface RingOptions {
  /** Rung after every commit that published something: the consumer's doorbell. */
  doorbell?: Doorbell;
}

/** Attaches to the ring initialised at `byteOffset` (see initRing). */
export function createRing(sab: SharedArrayBuffer, byteOffset: number, options: RingOptions = {}): Ring {
  checkOffset(sab, byteOffset, RING_HEADER_BYTES);
  const header = new Int32Array(sab, byteOffset, RING_HEADER_BYTES / 4);
  if (Atomics.load(header, MAGIC) !== RING_MAGIC) {
    throw new Error(`no ring at byte ${byteOffset}: call initRing first`);
  }
  const capacity = Atomics.load(header, CAPACITY);
  checkCapacity(capacity);
  checkOffset(sab, byteOffset, ringBytes(capacity));
  const mask = capacity - 1;
  const maxPayload = capacity - RECORD_LEN_BYTES;
  const data = new Uint8Array(sab, byteOffset + RING_HEADER_BYTES, capacity);
  const words = new Int32Array(sab, byteOffset + RING_HEADER_BYTES, capacity / 4);
  const doorbell = options.doorbell;

  // Producer state. `tail` runs ahead of the shared tail by the staged records; `published` is the
  // value last stored; `headSeen` is a possibly stale copy of the shared head (stale only means "less
  // room than there really is", so it is refreshed only when it says full).
  let tail = Atomics.load(header, TAIL);
  let published = tail;
  let headSeen = Atomics.load(header, HEAD);
  // Consumer state: the shared head is written only from here, so the local copy is exact.
  let head = Atomics.load(header, HEAD);

  function hasRoom(need: number): boolean {
    if (capacity - ((tail - headSeen) | 0) >= need) return true;
    headSeen = Atomics.load(header, HEAD);
    return capacity - ((tail - headSeen) | 0) >= need;
  }

  function reserveAt(len: number): number {
    if (!(len >= 0 && len <= maxPayload && (len | 0) === len)) {
      throw new RangeError(`record of ${len} bytes: a ring of ${capacity} carries 0..${maxPayload}`);
    }
    const need = recordBytes(len);
    let pos = tail & mask;
    const toEnd = capacity - pos;
    if (need > toEnd) {
      // The record would wrap: pad to the end. Worth doing even if the record itself does not fit yet,
      // since it must go to position 0 anyway, and a published pad is what lets the consumer free the
      // space it needs there.
      if (!hasRoom(toEnd)) return -1;
      words[pos >> 2] = PAD;
      tail = (tail + toEnd) | 0;
      pos = 0;
    }
    if (!hasRoom(need)) return -1;
    words[pos >> 2] = len;
    tail = (tail + need) | 0;
    return pos + RECORD_LEN_BYTES;
  }

  function commit(): boolean {
    if (tail === published) return false;
    published = tail;
    Atomics.store(header, TAIL, tail);
    if (doorbell !== undefined) doorbell.ring();
    return true;
  }

  function tryWrite(payload: Uint8Array, offset = 0, len = payload.length - offset): boolean {
    if (!(Number.isInteger(offset) && offset >= 0 && offset + len <= payload.length)) {
      throw new RangeError(`tryWrite: [${offset}, ${offset + len}) is outside a ${payload.length}-byte payload`);
    }
    const at = reserveAt(len);
    if (at >= 0) {
      data.set(offset === 0 && len === payload.length ? payload : payload.subarray(offset, offset + len), at);
    }
    commit(); // publishes the record, or a padding marker written on the way to a "full" answer
    return at >= 0;
  }

  function read(visitor: (bytes: Uint8Array) => void, max = Infinity): number {
    const end = Atomics.load(header, TAIL);
    let h = head;
    let n = 0;
    try {
      while (h !== end && n < max) {
        const pos = h & mask;
        const len = words[pos >> 2];
        if (len === PAD) {
          h = (h + (capacity - pos)) | 0;
          continue;
        }
        if (len < 0 || len > maxPayload || len > capacity - pos - RECORD_LEN_BYTES) {
          throw new Error(`ring corrupt: record length ${len >>> 0} at position ${pos}`);
        }
        const start = pos + RECORD_LEN_BYTES;
        h = (h + RECORD_LEN_BYTES + ((len + 3) & ~3)) | 0; // advanced first: a throwing visitor still consumed it
        n++;
        visitor(data.subarray(start, start + len));
      }
    } finally {
      if (h !== head) {
        head = h;
        Atomics.store(header, HEAD, h);
      }
    }
    return n;
  }

  function readRuns(visitor: (run: Uint8Array) => void): number {
    const end = Atomics.load(header, TAIL);
    let h = head;
    let n = 0;
    try {
      while (h !== end) {
        const start = h & mask;
        if (words[start >> 2] === PAD) {
          h = (h + (capacity - start)) | 0;
          continue;
        }
        // Extend the run record by record until the tail, a padding marker or the end of the data area.
        let p = h;
        do {
          const pos = p & mask;
          const len = words[pos >> 2];
          if (len === PAD) break;
          if (len < 0 || len > capacity - pos - RECORD_LEN_BYTES) {
            throw new Error(`ring corrupt: record length ${len >>> 0} at position ${pos}`);
          }
          p = (p + RECORD_LEN_BYTES + ((len + 3) & ~3)) | 0;
          n++;
        } while (p !== end && (p & mask) !== 0);
        const bytes = (p - h) | 0;
        h = p; // released even if the visitor throws, like read
        visitor(data.subarray(start, start + bytes));
      }
    } finally {
      if (h !== head) {
        head = h;
        Atomics.store(header, HEAD, h);
      }
    }
    return n;
  }

  return {
    capacity,
    maxPayload,
    data,
    tryWrite,
    reserve(len: number): Uint8Array | null {
      const at = reserveAt(len);
      return at < 0 ? null : data.subarray(at, at + len);
    },
    reserveAt,
    commit,
    staged: () => tail !== published,
    read,
    readRuns,
    isEmpty: () => Atomics.load(header, TAIL) === head,
    usedBytes: () => (Atomics.load(header, TAIL) - Atomics.load(header, HEAD)) | 0,
  };
}

// ---------------------------------------------------------------------------------------------------
// Backlog: the sender's side of "a full ring never blocks and never drops".

/** A sending thread's queue of records its rings had no room for. Invariant: per ring, FIFO. */
export interface Backlog {
  /**
   * Stages `payload` (bytes [offset, offset+len)) into `ring` if nothing is queued for that ring and it
   * fits — true; otherwise queues a copy — false. Staged records are published by the next flush (or
   * the ring's own commit); the caller's bytes may be reused as soon as send returns.
   */
  send(ring: Ring, payload: Uint8Array, offset?: number, len?: number): boolean;
  /**
   * Moves queued records into their rings, in order, while they fit, and publishes every ring this
   * backlog has touched (one commit each). Returns how many records are still queued.
   */
  flush(): number;
  /** Records queued for `ring`, or for all rings. */
  pending(ring?: Ring): number;
}

interface Queue {
  readonly ring: Ring;
  items: Uint8Array[];
  /** Index of the oldest record still queued; items before it are already in the ring. */
  first: number;
}

const NOTHING = new Uint8Array(0);

/** A backlog for any number of outbound rings (typically one per shard thread). */
export function createBacklog(): Backlog {
  const queues = new Map<Ring, Queue>();
  const all: Queue[] = [];
  let queued = 0;

  function queueOf(ring: Ring): Queue {
    let q = queues.get(ring);
    if (q === undefined) {
      q = { ring, items: [], first: 0 };
      queues.set(ring, q);
      all.push(q);
    }
    return q;
  }

  function send(ring: Ring, payload: Uint8Array, offset = 0, len = payload.length - offset): boolean {
    if (!(Number.isInteger(offset) && offset >= 0 && offset + len <= payload.length)) {
      throw new RangeError(`send: [${offset}, ${offset + len}) is outside a ${payload.length}-byte payload`);
    }
    if (len > ring.maxPayload) { // checked here, not at flush time, where it would wedge the queue
      throw new RangeError(`record of ${len} bytes: a ring of ${ring.capacity} carries 0..${ring.maxPayload}`);
    }
    const q = queueOf(ring);
    if (q.first === q.items.length) {
      const at = ring.reserveAt(len);
      if (at >= 0) {
        ring.data.set(offset === 0 && len === payload.length ? payload : payload.subarray(offset, offset + len), at);
        return true;
      }
      // Full: publish what is staged (and any padding marker) so the consumer can start making room.
      ring.commit();
    }
    q.items.push(payload.slice(offset, offset + len));
    queued++;
    return false;
  }

  function drain(q: Queue): void {
    const { ring, items } = q;
    while (q.first < items.length) {
      const rec = items[q.first];
      const at = ring.reserveAt(rec.length);
      if (at < 0) break;
      ring.data.set(rec, at);
      items[q.first++] = NOTHING; // let the copy be collected now
      queued--;
    }
    if (q.first === items.length) {
      items.length = 0;
      q.first = 0;
    } else if (q.first >= 1024 && q.first * 2 >= items.length) {
      q.items = items.slice(q.first);
      q.first = 0;
    }
  }

  function flush(): number {
    for (const q of all) {
      if (q.first < q.items.length) drain(q);
      q.ring.commit();
    }
    return queued;
  }

  function pending(ring?: Ring): number {
    if (ring === undefined) return queued;
    const q = queues.get(ring);
    return q === undefined ? 0 : q.items.length - q.first;
  }

  return { send, flush, pending };
}

// ---------------------------------------------------------------------------------------------------
// Doorbell: sleep when idle, wake on publish, no syscall while busy (protocol in the header).

export const DOORBELL_AWAKE = 0;
export const DOORBELL_SLEEPING = 1;
/** Bytes reserved per doorbell word in shared layouts: a whole cache line each. */
export const DOORBELL_STRIDE = 64;

/** Why sleep() returned: work was found before waiting, a producer rang, or the timeout passed. */
export type WakeReason = 'work' | 'rung' | 'timeout';

export interface Doorbell {
  /** Producer side, after publishing: wakes the consumer if (and only if) it sleeps. True if it notified. */
  ring(): boolean;
  /**
   * Consumer side: marks the word SLEEPING, re-checks `hasWork` (the consumer's inbound rings), and
   * waits with Atomics.waitAsync until rung or `timeoutMs` passes. Keeps the event loop free, and alive.
   */
  sleep(hasWork: () => boolean, timeoutMs?: number): Promise<WakeReason>;
  /** The word says SLEEPING (a snapshot). */
  isSleeping(): boolean;
}

type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
type WaitAsync = (array: Int32Array, index: number, value: number, timeout?: number) => WaitAsyncResult;

// ES2024; not in this project's lib typings, and missing in some browsers (then: polling fallback).
const waitAsync: WaitAsync | undefined = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
const MAX_TIMER_MS = 0x7fffffff;
const POLL_MS = 1;

const delay = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });

/** Waits while word[index] is SLEEPING, without Atomics.waitAsync: for engines that lack it. */
async function pollWhileSleeping(word: Int32Array, index: number, timeoutMs: number): Promise<'ok' | 'timed-out'> {
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(word, index) === DOORBELL_SLEEPING) {
    if (Date.now() >= deadline) return 'timed-out';
    await delay(POLL_MS);
  }
  return 'ok';
}

/** The doorbell whose word is Int32 number `index` of `sab` (byte 4*index). */
export function createDoorbell(sab: SharedArrayBuffer, index: number): Doorbell {
  if (!Number.isInteger(index) || index < 0 || index * 4 + 4 > sab.byteLength) {
    throw new RangeError(`doorbell word ${index} is outside a ${sab.byteLength}-byte buffer`);
  }
  const word = new Int32Array(sab);
  let sleeping = false; // this object's own sleep() in progress: one at a time

  function ring(): boolean {
    if (Atomics.load(word, index) !== DOORBELL_SLEEPING) return false; // the busy path: one load
    if (Atomics.compareExchange(word, index, DOORBELL_SLEEPING, DOORBELL_AWAKE) !== DOORBELL_SLEEPING) {
      return false; // another producer won the flip and notifies
    }
    Atomics.notify(word, index, 1);
    return true;
  }

  async function sleep(hasWork: () => boolean, timeoutMs = Infinity): Promise<WakeReason> {
    if (sleeping) throw new Error('doorbell: sleep() while already sleeping (one consumer per doorbell)');
    sleeping = true;
    try {
      Atomics.store(word, index, DOORBELL_SLEEPING); // C1
      if (hasWork()) { // C2
        Atomics.store(word, index, DOORBELL_AWAKE);
        return 'work';
      }
      let outcome: 'ok' | 'not-equal' | 'timed-out';
      if (waitAsync === undefined) {
        outcome = await pollWhileSleeping(word, index, timeoutMs);
      } else {
        const r = waitAsync.call(Atomics, word, index, DOORBELL_SLEEPING, timeoutMs); // C3
        if (r.async) {
          // A pending waitAsync does not keep a Node/Deno event loop alive; a timer does. It must not
          // fire before the wait's own timeout resolves, so it is as long as timers go, and cleared.
          const keepAlive = setTimeout(() => undefined, MAX_TIMER_MS);
          try {
            outcome = await r.value;
          } finally {
            clearTimeout(keepAlive);
          }
        } else {
          outcome = r.value;
        }
      }
      Atomics.store(word, index, DOORBELL_AWAKE); // after a timeout; a no-op after a ring
      return outcome === 'timed-out' ? 'timeout' : 'rung';
    } finally {
      sleeping = false;
    }
  }

  return { ring, sleep, isSleeping: () => Atomics.load(word, index) === DOORBELL_SLEEPING };
}
