/**
 * bench/host-designs — the Node host designs side by side (host/node/server.ts): `single` (1 shard, one
 * thread), `io-thread` (design a: I/O thread + N shard workers) and `main-shard` (design b: shard 0 and
 * every socket on the main thread, workers for the rest), each with redis-benchmark's SET and GET at
 * `-c 50 -P 16` and `-c 50`, random keys. Prints a Markdown table; bench/RESULTS.md keeps the figures
 * under "host designs". Servers run one at a time, as child processes (the CLI), via $KEVY_HOST_DESIGN.
 *
 * Usage: `node dist/bench/host-designs.js [--requests N] [--shards 2] [--designs io-thread,main-shard]
 * [--rounds R]`: the designs are measured in turn, R times, and the median of each cell is kept, to damp
 * the noise of a shared 2-core VM.
 */
import os from 'node:os';
import { startKevyServer } from '../tests/helpers/kevy-server.js';
import { redisBenchmark, standardWorkloads, warmUp } from './redis-benchmark.js';

function argValue(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const requests = Number(argValue('--requests', '100000'));
const shards = Number(argValue('--shards', '2'));
const rounds = Number(argValue('--rounds', '3'));
const designs = argValue('--designs', 'single,io-thread,main-shard,main-shard-spread').split(',');

/** One round for one design: every workload, after a warm-up. Adds each figure to `into`. */
async function measureRound(design: string, into: Map<string, number[]>): Promise<void> {
  process.env.KEVY_HOST_DESIGN = design === 'single' ? '' : design;
  const server = await startKevyServer(design === 'single' ? 1 : shards);
  try {
    warmUp(server.port);
    for (const w of standardWorkloads(requests)) {
      for (const [test, rps] of redisBenchmark(server.port, w)) {
        const key = `${w.name} ${test}`;
        into.set(key, [...(into.get(key) ?? []), rps]);
      }
    }
  } finally {
    await server.stop();
  }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`# kevy-ts host designs — ${new Date().toISOString().slice(0, 10)}`);
  console.log(`machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), node ${process.version}, ` +
    `${shards} shards, median of ${rounds} interleaved round(s)`);
  console.log('');
  // Rounds interleave the designs, so a noisy minute hurts them all alike; the median is kept.
  const all = new Map<string, Map<string, number[]>>(designs.map((d) => [d, new Map<string, number[]>()]));
  for (let round = 0; round < rounds; round++) {
    for (const d of designs) await measureRound(d, all.get(d)!);
  }
  const keys = [...all.get(designs[0])!.keys()];
  console.log(`| workload | ${designs.map((d) => (d === 'single' ? 'single (1 shard)' : `${d} (${shards})`)).join(' | ')} |`);
  console.log(`|---|${designs.map(() => '---|').join('')}`);
  for (const k of keys) {
    console.log(`| ${k} | ${designs.map((d) => median(all.get(d)?.get(k) ?? []).toFixed(0)).join(' | ')} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
