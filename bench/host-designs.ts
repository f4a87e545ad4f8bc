/**
 * bench/host-designs — the Node host designs side by side (host/node/server.ts): `single` (1 shard, one
 * thread), `io-thread` (design a: I/O thread + N shard workers) and `main-shard` (design b: shard 0 and
 * every socket on the main thread, workers for the rest), each with redis-benchmark's SET and GET at
 * `-c 50 -P 16` and `-c 50`, random keys. Prints a Markdown table; bench/RESULTS.md keeps the figures
 * under "host designs". Servers run one at a time, as child processes (the CLI), via $KEVY_HOST_DESIGN.
 *
 * Usage: `node dist/bench/host-designs.js [--requests N] [--shards 2] [--designs io-thread,main-shard]
 * [--rounds R]` (the best of R rounds is kept per cell, to damp the noise of a 2-core machine).
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
const rounds = Number(argValue('--rounds', '1'));
const designs = argValue('--designs', 'single,io-thread,main-shard').split(',');

async function measure(design: string): Promise<Map<string, number>> {
  const results = new Map<string, number>();
  for (let round = 0; round < rounds; round++) {
    for (const w of standardWorkloads(requests)) {
      process.env.KEVY_HOST_DESIGN = design === 'single' ? '' : design;
      const server = await startKevyServer(design === 'single' ? 1 : shards);
      try {
        warmUp(server.port);
        for (const [test, rps] of redisBenchmark(server.port, w)) {
          const key = `${w.name} ${test}`;
          results.set(key, Math.max(results.get(key) ?? 0, rps));
        }
      } finally {
        await server.stop();
      }
    }
  }
  return results;
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`# kevy-ts host designs — ${new Date().toISOString().slice(0, 10)}`);
  console.log(`machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), node ${process.version}, ` +
    `${shards} shards, best of ${rounds}`);
  console.log('');
  const all = new Map<string, Map<string, number>>();
  for (const d of designs) all.set(d, await measure(d));
  const keys = [...(all.values().next().value ?? new Map<string, number>()).keys()];
  console.log(`| workload | ${designs.map((d) => (d === 'single' ? 'single (1 shard)' : `${d} (${shards})`)).join(' | ')} |`);
  console.log(`|---|${designs.map(() => '---|').join('')}`);
  for (const k of keys) {
    console.log(`| ${k} | ${designs.map((d) => (all.get(d)?.get(k) ?? 0).toFixed(0)).join(' | ')} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
