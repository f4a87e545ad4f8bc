/**
 * bench/ring — what the shard-to-shard rings (host/core/ring.ts) cost between two worker threads.
 *
 *   (a) throughput: one producer thread, one consumer thread, one direction; 16- and 256-byte messages
 *       written in place (reserveAt + copy) and published once per batch; the consumer busy-polls.
 *   (b) round-trip latency: ping-pong of one 16-byte message between two threads, p50/p99 in µs,
 *       busy-polling, with the doorbell (sleep as soon as the ring is empty: Atomics.waitAsync /
 *       Atomics.notify), and spin-then-sleep (what a shard loop does: poll a while, then sleep). The
 *       spin window must outlast a doorbell wake-up (tens of µs here), or a ping-pong settles into
 *       both sides sleeping on every message: with 20 µs we saw p50 jump from 0.4 to ~58 µs.
 *
 * Usage: `node dist/bench/ring.js [--seconds S] [--repeat R] [--only throughput|latency] [--spin-us U]` (after `npx tsc`): each throughput figure
 * is the best of R runs of S seconds (defaults 3 × 0.5 s); a latency run lasts at most 3 s per waiting
 * mode. Prints Markdown tables with the machine's core count. Busy-polling needs a core per thread: on a
 * loaded machine the two threads time-share and the figures collapse.
 * This file is also the worker script: a worker runs the role in workerData.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import os from 'node:os';
import { attachMesh, createMeshMemory } from '../host/core/mesh-memory.js';

type Mode = 'busy' | 'doorbell' | 'spin-sleep';

type Job =
  | { role: 'produce'; sab: SharedArrayBuffer; size: number; batch: number; ms: number }
  | { role: 'consume'; sab: SharedArrayBuffer; runs: boolean }
  | { role: 'ping'; sab: SharedArrayBuffer; mode: Mode; spinMs: number; warmup: number; samples: number; maxMs: number }
  | { role: 'pong'; sab: SharedArrayBuffer; mode: Mode; spinMs: number };

/** `checksum` (a sum of first bytes) keeps the consumer's reads from being optimised away. */
interface Throughput { messages: number; seconds: number; checksum?: number }
interface Latency { samples: number; p50: number; p99: number; mean: number }

/** Spin-then-sleep: how long a side polls before it sleeps, by default (--spin-us). */
const DEFAULT_SPIN_US = 100;
/** A latency run stops after this long even if it has fewer samples than asked. */
const LATENCY_MAX_MS = 3000;
/** A zero-length record ends a throughput run and a ping-pong. */
const STOP = new Uint8Array(0);

// ---- worker roles -----------------------------------------------------------------------------------

/** Producer 0 → 1: `batch` records per commit, for `ms` milliseconds, then STOP. */
function produce(job: Extract<Job, { role: 'produce' }>): Throughput {
  const ring = attachMesh(job.sab).ring(0, 1);
  const src = new Uint8Array(job.size).map((_, i) => i);
  const data = ring.data;
  const stop = performance.now() + job.ms;
  let sent = 0;
  while (performance.now() < stop) {
    for (let i = 0; i < job.batch;) {
      const at = ring.reserveAt(src.length);
      if (at < 0) {
        ring.commit(); // full: publish what we have, let the consumer catch up
        continue;
      }
      src[0] = sent & 0xff;
      data.set(src, at);
      sent++;
      i++;
    }
    ring.commit();
  }
  while (!ring.tryWrite(STOP)) { /* spin until there is room */ }
  return { messages: sent, seconds: job.ms / 1000 };
}

/**
 * Consumer of 0 → 1, busy-polling, copying every message out of the ring the way a shard copies its
 * input into its Wasm instance: record by record (read) or run by run (readRuns). Times from its first
 * message to STOP.
 */
function consume(job: Extract<Job, { role: 'consume' }>): Throughput {
  const ring = attachMesh(job.sab).ring(0, 1);
  const scratch = new Uint8Array(1 << 20); // stands in for the instance's linear memory
  let count = 0;
  let checksum = 0;
  let done = false;
  const visit = (b: Uint8Array): void => {
    if (b.length === 0) { done = true; return; }
    scratch.set(b);
    checksum = (checksum + scratch[0]) | 0;
    count++;
  };
  const visitRun = (run: Uint8Array): void => {
    scratch.set(run);
    checksum = (checksum + scratch[4]) | 0;
    // STOP is the only zero-length record, and the last one: a run ending in [0 u32] holds it.
    const n = run.length;
    if (run[n - 1] === 0 && run[n - 2] === 0 && run[n - 3] === 0 && run[n - 4] === 0 && n >= 4) done = true;
  };
  while (ring.isEmpty()) { /* wait for the first batch */ }
  const t0 = performance.now();
  if (job.runs) {
    while (!done) count += ring.readRuns(visitRun);
    count--; // STOP
  } else {
    while (!done) ring.read(visit);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { messages: count, seconds, checksum };
}

/** Waits until `read` finds a message, the way `mode` says. */
async function awaitMessage(
  read: () => number, sleep: () => Promise<unknown>, mode: Mode, spinMs: number,
): Promise<void> {
  if (mode === 'busy') {
    while (read() === 0) { /* busy-poll */ }
    return;
  }
  if (mode === 'spin-sleep') {
    const until = performance.now() + spinMs;
    do {
      if (read() > 0) return;
    } while (performance.now() < until);
  }
  while (read() === 0) await sleep();
}

/** Ping side (endpoint 0): sends one 16-byte message, waits for the echo, records the round trip. */
async function ping(job: Extract<Job, { role: 'ping' }>): Promise<Latency> {
  const mesh = attachMesh(job.sab);
  const out = mesh.ring(0, 1);
  const back = mesh.ring(1, 0);
  const msg = new Uint8Array(16);
  let got = 0;
  const visit = (): void => { got++; };
  const read = (): number => back.read(visit);
  const sleep = (): Promise<unknown> => mesh.sleep(0);
  const rtts: number[] = [];
  const deadline = performance.now() + job.maxMs;
  for (let i = 0; i < job.warmup + job.samples && performance.now() < deadline; i++) {
    msg[0] = i & 0xff;
    const t0 = performance.now();
    if (!out.tryWrite(msg)) throw new Error('ping ring full');
    await awaitMessage(read, sleep, job.mode, job.spinMs);
    const t1 = performance.now();
    if (i >= job.warmup) rtts.push((t1 - t0) * 1000);
  }
  while (!out.tryWrite(STOP)) { /* room */ }
  rtts.sort((a, b) => a - b);
  const at = (q: number): number => rtts[Math.min(rtts.length - 1, Math.floor(q * rtts.length))];
  return {
    samples: rtts.length, p50: at(0.5), p99: at(0.99), mean: rtts.reduce((a, b) => a + b, 0) / rtts.length,
  };
}

/** Pong side (endpoint 1): echoes every message until STOP. */
async function pong(job: Extract<Job, { role: 'pong' }>): Promise<void> {
  const mesh = attachMesh(job.sab);
  const inbox = mesh.ring(0, 1);
  const reply = mesh.ring(1, 0);
  let stop = false;
  const visit = (b: Uint8Array): void => {
    if (b.length === 0) { stop = true; return; }
    if (!reply.tryWrite(b)) throw new Error('pong ring full');
  };
  const read = (): number => inbox.read(visit);
  const sleep = (): Promise<unknown> => mesh.sleep(1);
  while (!stop) await awaitMessage(read, sleep, job.mode, job.spinMs);
}

async function workerMain(job: Job): Promise<void> {
  let result: unknown;
  if (job.role === 'produce') result = produce(job);
  else if (job.role === 'consume') result = consume(job);
  else if (job.role === 'ping') result = await ping(job);
  else await pong(job);
  parentPort?.postMessage(result ?? null);
}

// ---- main -------------------------------------------------------------------------------------------

function run<T>(job: Job): Promise<T> {
  const worker = new Worker(new URL(import.meta.url), { workerData: job });
  return new Promise<T>((resolve, reject) => {
    let result: T | undefined;
    worker.on('message', (m: T) => { result = m; });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code === 0 && result !== undefined) resolve(result);
      else reject(new Error(`${job.role} worker exited with code ${code}`));
    });
  });
}

function argValue(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function throughput(size: number, batch: number, runs: boolean, ms: number): Promise<Throughput> {
  const sab = createMeshMemory({ endpoints: 2, ringCapacity: 1 << 18 });
  const consumer = run<Throughput>({ role: 'consume', sab, runs });
  const producer = run<Throughput>({ role: 'produce', sab, size, batch, ms });
  const [c, p] = await Promise.all([consumer, producer]);
  if (c.messages !== p.messages) throw new Error(`sent ${p.messages}, received ${c.messages}`);
  return c;
}

async function latency(mode: Mode, spinMs: number, samples: number, maxMs: number): Promise<Latency> {
  const sab = createMeshMemory({ endpoints: 2, ringCapacity: 1 << 12 });
  const pongDone = run<null>({ role: 'pong', sab, mode, spinMs });
  const warmup = Math.min(2000, samples / 5);
  const result = await run<Latency>({ role: 'ping', sab, mode, spinMs, warmup, samples, maxMs });
  await pongDone;
  return result;
}

const fmt = (n: number, digits = 1): string => n.toFixed(digits);

async function throughputTable(ms: number, repeat: number): Promise<void> {
  const seconds = ms / 1000;
  console.log(`## (a) throughput, one direction, consumer busy-polling and copying every message out (best of ${repeat} × ${seconds} s)\n`);
  console.log('| message | records per commit | read(): messages/s | MB/s | readRuns(): messages/s | MB/s |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const size of [16, 256]) {
    for (const batch of [1, 64]) {
      const cells: string[] = [];
      for (const runs of [false, true]) {
        let rate = 0;
        for (let r = 0; r < repeat; r++) {
          const t = await throughput(size, batch, runs, ms);
          rate = Math.max(rate, t.messages / t.seconds);
        }
        cells.push(`${fmt(rate / 1e6, 2)} M`, fmt((rate * size) / 1e6, 0));
      }
      console.log(`| ${size} B | ${batch} | ${cells.join(' | ')} |`);
    }
  }
}

async function latencyTable(spinUs: number): Promise<void> {
  console.log('\n## (b) round-trip latency, one 16-byte message ping-pong\n');
  console.log('| waiting | round trips | p50 µs | p99 µs | mean µs |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const modes: [Mode, string, number][] = [
    ['busy', 'busy-poll', 200_000],
    ['doorbell', 'doorbell (waitAsync at once)', 20_000],
    ['spin-sleep', `spin ${spinUs} µs, then doorbell`, 100_000],
  ];
  for (const [mode, label, samples] of modes) {
    const l = await latency(mode, spinUs / 1000, samples, LATENCY_MAX_MS);
    console.log(`| ${label} | ${l.samples} | ${fmt(l.p50, 2)} | ${fmt(l.p99, 2)} | ${fmt(l.mean, 2)} |`);
  }
}

async function main(): Promise<void> {
  const seconds = Number(argValue('--seconds', '0.5'));
  const repeat = Number(argValue('--repeat', '3'));
  const ms = seconds * 1000;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';

  const load = os.loadavg()[0].toFixed(2);
  console.log(`# ring benchmark\n\n${cores} cores (${cpu}), Node ${process.version}, ${os.platform()}/${os.arch()}, `
    + `load average ${load} at start\n`);
  const only = argValue('--only', 'all');
  if (only === 'all' || only === 'throughput') await throughputTable(ms, repeat);
  const spinUs = Number(argValue('--spin-us', String(DEFAULT_SPIN_US)));
  if (only === 'all' || only === 'latency') await latencyTable(spinUs);
}

if (isMainThread) await main();
else await workerMain(workerData as Job);
