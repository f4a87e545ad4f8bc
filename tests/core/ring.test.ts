/**
 * ring tests — the SPSC byte ring, the backlog, the doorbell and the mesh layout (host/core/ring.ts,
 * host/core/mesh-memory.ts).
 *
 * Single-thread tests pin the record format against a reference queue (random sizes from 0 bytes to
 * the largest payload, across the 2^31 and 2^32 counter boundaries), "full" answers that never corrupt,
 * batch visibility, and backlog order. Two-thread tests run this same file as a worker (the role comes in
 * workerData): 1M records with sequence numbers and checksums, a sleeping consumer woken by a producer,
 * and a storm of produce/sleep races in which a lost wakeup would show up as a sleep timing out.
 * Random tests print their seed on failure; set RING_SEED to replay one.
 */
import { isMainThread, Worker, workerData, parentPort } from 'node:worker_threads';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  createBacklog, createDoorbell, createRing, initRing, recordBytes, ringBytes, RING_HEADER_BYTES, type Ring,
} from '../../host/core/ring.js';
import { attachMesh, createMeshMemory, meshBytes } from '../../host/core/mesh-memory.js';

// ---- helpers ----------------------------------------------------------------------------------------

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const baseSeed = process.env.RING_SEED !== undefined ? Number(process.env.RING_SEED) : (Date.now() % 1e9);

/** Runs `body` with a seed; a failure names the seed so it can be replayed. */
function seeded(offset: number, body: (rand: () => number) => void): void {
  const seed = baseSeed + offset;
  try {
    body(prng(seed));
  } catch (err) {
    if (err instanceof Error) err.message += ` (RING_SEED=${baseSeed})`;
    throw err;
  }
}

/** The content every test record of (seq, len) carries, so a reader can check it without a copy. */
function fillRecord(view: Uint8Array, seq: number): void {
  for (let i = 0; i < view.length; i++) view[i] = (seq * 31 + i) & 0xff;
}

function checkRecord(view: Uint8Array, seq: number, len: number, what: string): void {
  if (view.length !== len) assert.unreachable(`${what}: record ${seq} has ${view.length} bytes, expected ${len}`);
  for (let i = 0; i < len; i++) {
    if (view[i] !== ((seq * 31 + i) & 0xff)) assert.unreachable(`${what}: record ${seq} differs at byte ${i}`);
  }
}

/** Walks a readRuns run (`[len u32][payload][pad to 4]…`, platform byte order) record by record. */
function splitRun(run: Uint8Array, visit: (bytes: Uint8Array) => void): void {
  const lens = new DataView(run.buffer, run.byteOffset, run.byteLength);
  let at = 0;
  while (at < run.length) {
    const len = lens.getUint32(at, true);
    visit(run.subarray(at + 4, at + 4 + len));
    at += recordBytes(len);
  }
  assert.is(at, run.length, 'a run holds whole records');
}

const GUARD = 64;
const GUARD_BYTE = 0xa5;

/** A ring with guard zones before and after it, to catch writes outside its bytes. */
function guardedRing(capacity: number, startIndex = 0): { ring: Ring; sab: SharedArrayBuffer; guardsIntact(): boolean } {
  const sab = new SharedArrayBuffer(GUARD + ringBytes(capacity) + GUARD);
  const all = new Uint8Array(sab);
  all.fill(GUARD_BYTE, 0, GUARD);
  all.fill(GUARD_BYTE, GUARD + ringBytes(capacity));
  initRing(sab, GUARD, capacity, startIndex);
  const ring = createRing(sab, GUARD);
  const guardsIntact = (): boolean => {
    for (let i = 0; i < GUARD; i++) if (all[i] !== GUARD_BYTE) return false;
    for (let i = GUARD + ringBytes(capacity); i < all.length; i++) if (all[i] !== GUARD_BYTE) return false;
    return true;
  };
  return { ring, sab, guardsIntact };
}

/** FNV-1a over bytes [0, end). */
function fnv1a(bytes: Uint8Array, end: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** 1M-record format: [seq u32 LE][(seq + i) & 0xff ...][fnv1a of the rest, u32 LE]; 8..64 bytes. */
const lenOf = (seq: number): number => 8 + ((seq * 7) % 57);

function writeChecked(view: Uint8Array, seq: number): void {
  const len = view.length;
  view[0] = seq & 0xff; view[1] = (seq >>> 8) & 0xff; view[2] = (seq >>> 16) & 0xff; view[3] = seq >>> 24;
  for (let i = 4; i < len - 4; i++) view[i] = (seq + i) & 0xff;
  const h = fnv1a(view, len - 4);
  view[len - 4] = h & 0xff; view[len - 3] = (h >>> 8) & 0xff; view[len - 2] = (h >>> 16) & 0xff; view[len - 1] = h >>> 24;
}

const u32At = (v: Uint8Array, i: number): number => (v[i] | (v[i + 1] << 8) | (v[i + 2] << 16) | (v[i + 3] << 24)) >>> 0;

/** Pauses this worker thread for about `ms` milliseconds (Atomics.wait: blocks, does not spin). */
const nap = (() => {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  return (ms: number): void => { Atomics.wait(cell, 0, 0, ms); };
})();

// ---- worker roles -----------------------------------------------------------------------------------

type Job =
  | { role: 'million'; sab: SharedArrayBuffer; count: number; seed: number }
  | { role: 'wake'; sab: SharedArrayBuffer }
  | { role: 'storm'; sab: SharedArrayBuffer; from: number; ms: number; seed: number };

/** Marks the end of a storm producer's stream. */
const END = 0xffffffff;

function workerMain(job: Job): void {
  const mesh = attachMesh(job.sab);
  if (job.role === 'million') {
    // Producer 1 → 0: batches of random size through a Backlog, one commit per batch.
    const ring = mesh.ring(1, 0);
    const backlog = createBacklog();
    const rand = prng(job.seed);
    const scratch = new Uint8Array(64);
    let seq = 0;
    while (seq < job.count) {
      const batch = 1 + Math.floor(rand() * 64);
      for (let i = 0; i < batch && seq < job.count; i++, seq++) {
        const rec = scratch.subarray(0, lenOf(seq));
        writeChecked(rec, seq);
        backlog.send(ring, rec);
      }
      backlog.flush();
    }
    while (backlog.flush() > 0) nap(0.05);
    parentPort?.postMessage({ sent: seq });
  } else if (job.role === 'wake') {
    // Waits until endpoint 0 sleeps, then publishes one record: ring() must notify.
    const bell = mesh.doorbell(0);
    const deadline = Date.now() + 5000;
    while (!bell.isSleeping()) {
      if (Date.now() > deadline) throw new Error('consumer never went to sleep');
      nap(1);
    }
    const ring = mesh.ring(1, 0);
    const view = ring.reserve(5);
    if (view === null) throw new Error('empty ring has no room');
    view.set([104, 101, 108, 108, 111]);
    const before = bell.isSleeping();
    ring.commit(); // publishes, then rings the doorbell: the producer flips the word and notifies
    parentPort?.postMessage({ flippedByCommit: before && !bell.isSleeping() });
  } else {
    // Storm producer: records [seq u32] in bursts with random pauses, for job.ms, then END.
    const ring = mesh.ring(job.from, 0);
    const backlog = createBacklog();
    const rand = prng(job.seed);
    const rec = new Uint8Array(4);
    const stop = Date.now() + job.ms;
    let seq = 0;
    while (Date.now() < stop) {
      const burst = 1 + Math.floor(rand() * 4);
      for (let i = 0; i < burst; i++, seq++) {
        rec[0] = seq & 0xff; rec[1] = (seq >>> 8) & 0xff; rec[2] = (seq >>> 16) & 0xff; rec[3] = seq >>> 24;
        backlog.send(ring, rec);
      }
      backlog.flush(); // publishes and rings
      // Often wait until the consumer has taken everything: a lost wakeup would leave it asleep on
      // these records, and this producer stuck here (a later publish would otherwise mask it).
      if (rand() < 0.7) {
        const deadline = Date.now() + 2000;
        while (ring.usedBytes() !== 0 || backlog.flush() > 0) {
          if (Date.now() > deadline) throw new Error(`lost wakeup: endpoint 0 sleeps on records from ${job.from}`);
          nap(0.01);
        }
      }
      const r = rand();
      if (r < 0.5) {
        // no pause: back-to-back publishes race the consumer raising its flag
      } else if (r < 0.9) {
        const spinUntil = performance.now() + rand() * 0.05;
        while (performance.now() < spinUntil) { /* spin a few µs */ }
      } else {
        nap(rand() * 2); // long enough for the consumer to fall asleep
      }
    }
    rec.fill(0xff);
    backlog.send(ring, rec);
    while (backlog.flush() > 0) nap(0.05);
    parentPort?.postMessage({ sent: seq });
  }
}

/**
 * Starts this file as a worker with `job`; `done` resolves with the worker's last message or rejects
 * with its error (awaited by the test, so it fails there); `failed()` tells a waiting loop to give up.
 */
function runWorker(job: Job): { done: Promise<unknown>; failed(): boolean } {
  const worker = new Worker(new URL(import.meta.url), { workerData: job });
  let failed = false;
  const done = new Promise<unknown>((resolve, reject) => {
    let last: unknown;
    worker.on('message', (m: unknown) => { last = m; });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code === 0) resolve(last);
      else reject(new Error(`worker exited with code ${code}`));
    });
  });
  done.catch(() => { failed = true; });
  return { done, failed: () => failed };
}

// ---- tests ------------------------------------------------------------------------------------------

function defineTests(): void {
  const test = suite('ring');

  test('layout: head and tail live on separate 64-byte cache lines, then the capacity', () => {
    const { ring, sab } = guardedRing(256);
    const words = new Int32Array(sab, GUARD, RING_HEADER_BYTES / 4);
    assert.is(words[32], 256);
    assert.ok(ring.tryWrite(new Uint8Array(10)));
    assert.is(words[16], recordBytes(10), 'tail at byte 64');
    assert.is(words[0], 0, 'head untouched by the producer');
    assert.is(ring.read(() => undefined), 1);
    assert.is(words[0], recordBytes(10), 'head at byte 0');
    assert.is(RING_HEADER_BYTES % 64, 0);
    assert.throws(() => initRing(sab, GUARD, 100), RangeError, 'capacity must be a power of two');
    assert.throws(() => initRing(sab, 8, 64), RangeError, 'offset must be cache-line aligned');
  });

  test('records are 4-byte aligned and never wrap: a padding marker sends the wrapping one to position 0', () => {
    const { ring } = guardedRing(64);
    assert.ok(ring.tryWrite(new Uint8Array(37).fill(1))); // 4 + 40 = 44 bytes
    assert.is(ring.read(() => undefined), 1);
    // 20 bytes left before the end: a 20-byte payload (24 with its length) must pad and go to 0.
    const payload = new Uint8Array(20).fill(7);
    assert.ok(ring.tryWrite(payload));
    assert.is(ring.usedBytes(), 20 + 24, 'pad + record');
    let seen: Uint8Array | undefined;
    assert.is(ring.read((b) => { seen = b; }), 1, 'the pad is not a record');
    assert.ok(seen !== undefined && seen.byteOffset - ring.data.byteOffset === 4, 'payload at position 4');
    assert.equal(Array.from(seen ?? []), Array.from(payload));
    assert.is(ring.usedBytes(), 0);
  });

  test('wraparound: random sizes 0..capacity-4 over millions of bytes match a reference queue', () => {
    const cases: [number, number][] = [[1024, 0], [4096, 0x7fffff00], [256, -64], [65536, -1000]];
    cases.forEach(([capacity, start], k) => seeded(k, (rand) => {
      const { ring, guardsIntact } = guardedRing(capacity, start);
      const expected: { seq: number; len: number }[] = [];
      const sizeOf = (): number => {
        const r = rand();
        if (r < 0.6) return Math.floor(rand() * 33);
        if (r < 0.85) return Math.floor(rand() * (capacity / 4));
        return Math.floor(capacity / 2 + rand() * (ring.maxPayload - capacity / 2 + 1)); // > half
      };
      let seq = 0;
      let nextLen = sizeOf();
      let moved = 0;
      let largest = 0;
      let fullAnswers = 0;
      const visit = (b: Uint8Array): void => {
        const e = expected.shift();
        if (e === undefined) return assert.unreachable('read a record that was never written');
        checkRecord(b, e.seq, e.len, `capacity ${capacity}`);
        moved += b.length;
      };
      const target = capacity >= 65536 ? 8e6 : 3e6;
      while (moved < target) {
        if (rand() < 0.55) {
          // Produce a burst, either record by record (tryWrite) or as one batch (reserve … commit).
          const burst = 1 + Math.floor(rand() * 6);
          const batch = rand() < 0.5;
          for (let i = 0; i < burst; i++) {
            let ok: boolean;
            if (batch) {
              const view = ring.reserve(nextLen);
              ok = view !== null;
              if (view !== null) fillRecord(view, seq);
            } else {
              const payload = new Uint8Array(nextLen + 3);
              fillRecord(payload.subarray(1, 1 + nextLen), seq);
              ok = ring.tryWrite(payload, 1, nextLen);
            }
            if (ok) {
              expected.push({ seq, len: nextLen });
              largest = Math.max(largest, nextLen);
              seq++;
              nextLen = sizeOf();
            } else {
              fullAnswers++;
              if (rand() < 0.2) nextLen = sizeOf(); // sometimes give up on it and try another size
              break;
            }
          }
          if (batch) ring.commit();
        } else if (rand() < 0.75) {
          const before = expected.length;
          const max = rand() < 0.5 ? Infinity : 1 + Math.floor(rand() * 4);
          const n = ring.read(visit, max);
          assert.is(n, Math.min(before, max));
        } else {
          const before = expected.length;
          assert.is(ring.readRuns((run) => { splitRun(run, visit); }), before);
        }
        const used = ring.usedBytes();
        if (used < 0 || used > capacity) assert.unreachable(`used ${used} outside 0..${capacity}`);
      }
      ring.read(visit);
      assert.is(expected.length, 0, 'everything written was read');
      assert.ok(ring.isEmpty());
      assert.ok(largest > capacity / 2, `records larger than half the capacity went through (${largest})`);
      assert.ok(fullAnswers > 0, 'the ring was full at times');
      assert.ok(guardsIntact(), 'no byte outside the ring was touched');
    }));
  });

  test('reserved records are invisible until commit publishes the whole batch at once', () => {
    const { ring } = guardedRing(1024);
    for (let i = 0; i < 5; i++) {
      const v = ring.reserve(8);
      assert.ok(v !== null);
      if (v !== null) fillRecord(v, i);
    }
    assert.ok(ring.staged());
    assert.ok(ring.isEmpty(), 'consumer sees nothing before commit');
    assert.is(ring.read(() => assert.unreachable('visible before commit')), 0);
    assert.ok(ring.commit());
    assert.not.ok(ring.commit(), 'nothing new to publish');
    let seq = 0;
    assert.is(ring.read((b) => checkRecord(b, seq++, 8, 'batch')), 5);
  });

  test('full ring answers false, changes nothing, and recovers once read', () => {
    const { ring, guardsIntact } = guardedRing(256);
    let n = 0;
    while (ring.tryWrite(new Uint8Array(20).fill(n))) n++;
    assert.is(n, Math.floor(256 / recordBytes(20)));
    const used = ring.usedBytes();
    for (let i = 0; i < 100; i++) {
      assert.not.ok(ring.tryWrite(new Uint8Array(20).fill(0xee)));
      assert.is(ring.reserve(1 + (i % 16)), null);
      ring.commit();
    }
    assert.is(ring.usedBytes(), used, 'failed writes used no space');
    let k = 0;
    assert.is(ring.read((b) => { assert.equal(Array.from(b), new Array<number>(20).fill(k++)); }), n);
    assert.ok(guardsIntact());
    assert.ok(ring.tryWrite(new Uint8Array(20)), 'room again after the read');
    assert.throws(() => ring.tryWrite(new Uint8Array(ring.maxPayload + 1)), RangeError);
    assert.throws(() => ring.reserve(-1), RangeError);
    assert.throws(() => ring.tryWrite(new Uint8Array(4), 2, 4), RangeError, 'range outside the payload');
  });

  test('the largest payload goes through an empty ring from any position (after its padding is read)', () => {
    const { ring } = guardedRing(256);
    const big = new Uint8Array(ring.maxPayload);
    fillRecord(big, 9);
    for (let warm = 4; warm <= 200; warm += 36) {
      assert.ok(ring.tryWrite(new Uint8Array(warm)));
      ring.read(() => undefined);
      let attempts = 0;
      while (!ring.tryWrite(big)) {
        attempts++;
        assert.is(ring.read(() => assert.unreachable('padding is not a record')), 0);
        assert.ok(attempts < 2, 'one read of the padding makes room');
      }
      assert.is(ring.read((b) => checkRecord(b, 9, ring.maxPayload, 'max payload')), 1);
    }
  });

  test('a visitor that throws releases what it was given and leaves the rest', () => {
    const { ring } = guardedRing(256);
    for (let i = 0; i < 4; i++) assert.ok(ring.tryWrite(new Uint8Array([i])));
    assert.throws(() => ring.read((b) => { if (b[0] === 1) throw new Error('boom'); }), /boom/);
    const rest: number[] = [];
    ring.read((b) => { rest.push(b[0]); });
    assert.equal(rest, [2, 3]);
  });

  test('backlog: never blocks, never drops, keeps per-ring order across full/empty cycles', () => seeded(10, (rand) => {
    const mesh = attachMesh(createMeshMemory({ endpoints: 3, ringCapacity: 256 }));
    const rings = [mesh.ring(0, 1), mesh.ring(0, 2)];
    const backlog = createBacklog();
    const sent = [0, 0];
    const got = [0, 0];
    const lens: number[][] = [[], []];
    let filled = 0;
    let emptied = 0;
    let wasPending = false;
    let directAfterQueue = 0;
    for (let step = 0; step < 20000; step++) {
      const r = rand();
      if (r < 0.6) {
        const which = rand() < 0.5 ? 0 : 1;
        const len = Math.floor(rand() * (rand() < 0.9 ? 40 : 200));
        const rec = new Uint8Array(len);
        fillRecord(rec, sent[which]);
        const queuedBefore = backlog.pending(rings[which]);
        const direct = backlog.send(rings[which], rec);
        if (direct && queuedBefore > 0) directAfterQueue++;
        rec.fill(0); // the backlog copied what it kept
        lens[which].push(len);
        sent[which]++;
      } else if (r < 0.8) {
        backlog.flush();
      } else {
        const which = rand() < 0.5 ? 0 : 1;
        rings[which].read((b) => {
          checkRecord(b, got[which], lens[which][got[which]], `ring 0→${which + 1}`);
          got[which]++;
        }, rand() < 0.3 ? 2 : Infinity);
      }
      const pending = backlog.pending() > 0;
      if (pending && !wasPending) filled++;
      if (!pending && wasPending) emptied++;
      wasPending = pending;
    }
    for (let guard = 0; backlog.flush() > 0 || !rings[0].isEmpty() || !rings[1].isEmpty(); guard++) {
      assert.ok(guard < 10000, 'backlog drains');
      for (const which of [0, 1]) {
        rings[which].read((b) => { checkRecord(b, got[which], lens[which][got[which]], 'drain'); got[which]++; });
      }
    }
    assert.equal(got, sent, 'every record arrived once');
    assert.is(directAfterQueue, 0, 'nothing overtakes a queued record');
    assert.throws(() => backlog.send(rings[0], new Uint8Array(rings[0].maxPayload + 1)), RangeError,
      'an oversized record is refused at once, even behind a queue');
    assert.ok(filled > 20 && emptied > 20, `many full/empty cycles (${filled}/${emptied})`);
  }));

  test('mesh: one ring per ordered pair, each its own, plus a doorbell per endpoint', () => {
    const E = 4;
    const sab = createMeshMemory({ endpoints: E, ringCapacity: 128 });
    assert.is(sab.byteLength, meshBytes(E, 128));
    const a = attachMesh(sab);
    const b = attachMesh(sab); // as another thread would
    assert.is(a.endpoints, E);
    assert.is(a.ringCapacity, 128);
    for (let from = 0; from < E; from++) {
      for (let to = 0; to < E; to++) if (from !== to) assert.ok(a.ring(from, to).tryWrite(new Uint8Array([from, to])));
    }
    for (let to = 0; to < E; to++) {
      assert.ok(b.hasInput(to));
      const seen: string[] = [];
      for (const r of b.inbound(to)) r.read((x) => { seen.push(`${x[0]}→${x[1]}`); });
      assert.equal(seen, [0, 1, 2, 3].filter((f) => f !== to).map((f) => `${f}→${to}`));
      assert.not.ok(b.hasInput(to));
    }
    assert.is(a.outbound(2).length, E - 1);
    assert.is(a.ring(1, 2), a.ring(1, 2), 'ring views are reused');
    assert.throws(() => a.ring(1, 1), RangeError);
    assert.throws(() => a.ring(0, E), RangeError);
    assert.throws(() => attachMesh(new SharedArrayBuffer(1024)), /not a mesh/);
  });

  test('doorbell: work found before waiting, timeout, and no notify for an awake consumer', async () => {
    const mesh = attachMesh(createMeshMemory({ endpoints: 2, ringCapacity: 256 }));
    assert.is(await mesh.sleep(0, 20), 'timeout');
    assert.not.ok(mesh.doorbell(0).isSleeping());
    assert.not.ok(mesh.doorbell(0).ring(), 'an awake consumer is not notified');
    assert.ok(mesh.ring(1, 0).tryWrite(new Uint8Array(3)));
    assert.is(await mesh.sleep(0, 1000), 'work', 'the re-check after raising the flag finds the record');
    const bell = createDoorbell(new SharedArrayBuffer(8), 1);
    const first = bell.sleep(() => false, 50);
    let threw = false;
    try { await bell.sleep(() => false, 1); } catch { threw = true; }
    assert.ok(threw, 'one sleep at a time');
    assert.is(await first, 'timeout');
  });

  test('doorbell: a sleeping consumer is woken by a producer on another thread', async () => {
    const sab = createMeshMemory({ endpoints: 2, ringCapacity: 256 });
    const mesh = attachMesh(sab);
    const { done } = runWorker({ role: 'wake', sab });
    const t0 = performance.now();
    const why = await mesh.sleep(0, 10000);
    assert.is(why, 'rung');
    assert.ok(performance.now() - t0 < 5000);
    const got: number[][] = [];
    assert.is(mesh.ring(1, 0).read((b) => { got.push(Array.from(b)); }), 1);
    assert.equal(got, [[104, 101, 108, 108, 111]]);
    assert.equal(await done, { flippedByCommit: true });
  });

  test('two threads: 1M records with sequence numbers and checksums, in order, none lost', async () => {
    const count = 1_000_000;
    const sab = createMeshMemory({ endpoints: 2, ringCapacity: 1 << 16 });
    const mesh = attachMesh(sab);
    const ring = mesh.ring(1, 0);
    const { done, failed } = runWorker({ role: 'million', sab, count, seed: baseSeed });
    let next = 0;
    let bad = '';
    const visit = (b: Uint8Array): void => {
      if (bad !== '') return;
      const seq = u32At(b, 0);
      if (seq !== next) bad = `record ${next}: got sequence ${seq}`;
      else if (b.length !== lenOf(seq)) bad = `record ${seq}: ${b.length} bytes, expected ${lenOf(seq)}`;
      else if (u32At(b, b.length - 4) !== fnv1a(b, b.length - 4)) bad = `record ${seq}: checksum mismatch`;
      next++;
    };
    while (next < count && bad === '' && !failed()) {
      let idle = 0;
      while (ring.read(visit) === 0 && ++idle < 2000) { /* poll before sleeping */ }
      if (idle >= 2000) {
        if (await mesh.sleep(0, 5000) === 'timeout') break;
      }
    }
    assert.is(bad, '');
    assert.is(next, count);
    assert.equal(await done, { sent: count });
    assert.ok(ring.isEmpty());
  });

  test('doorbell storm: two producers with random timing, the consumer sleeping whenever idle — no lost wakeup', async () => {
    const sab = createMeshMemory({ endpoints: 3, ringCapacity: 1024 });
    const mesh = attachMesh(sab);
    const producers = [1, 2].map((from) => runWorker({ role: 'storm', sab, from, ms: 1500, seed: baseSeed + from }));
    const rand = prng(baseSeed);
    const next = [0, 0, 0];
    const ended = [true, false, false];
    let errors = '';
    let from = 0;
    const visit = (b: Uint8Array): void => {
      const seq = u32At(b, 0);
      if (seq === END) { ended[from] = true; return; }
      if (seq !== next[from] && errors === '') errors = `from ${from}: got ${seq}, expected ${next[from]}`;
      next[from]++;
    };
    const counts = { work: 0, rung: 0, timeout: 0 };
    const inbound = mesh.inbound(0);
    while (!(ended[1] && ended[2]) && !producers.some((p) => p.failed())) {
      let n = 0;
      for (from = 1; from <= 2; from++) n += inbound[from - 1].read(visit);
      if (n > 0) continue;
      const r = rand();
      if (r < 0.3) {
        const until = performance.now() + rand() * 0.05;
        while (performance.now() < until) { /* idle a few µs before deciding to sleep */ }
      } else if (r < 0.4) {
        await Promise.resolve();
      }
      // A lost wakeup leaves the consumer asleep while a record waits: the 3 s timeout would fire.
      const why = await mesh.sleep(0, 3000);
      counts[why]++;
      if (why === 'timeout') break;
    }
    const sent = (await Promise.all(producers.map((p) => p.done))) as { sent: number }[];
    assert.is(errors, '');
    assert.is(counts.timeout, 0, 'no sleep outlived its wakeup');
    assert.equal(next.slice(1), sent.map((s) => s.sent), 'every record arrived, in order');
    assert.ok(counts.rung > 50, `the consumer slept and was rung many times (${JSON.stringify(counts)})`);
  });

  test.run();
}

if (isMainThread) defineTests();
else workerMain(workerData as Job);
