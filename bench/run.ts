/**
 * bench/run — kevy-ts and redis-server side by side, in one run: redis-benchmark's SET and GET at
 * `-c 50 -P 16` and `-c 50` (random keys, `-r 100000`) against redis-server and kevy-ts with 1 and 2
 * shards (the Node host's default design), printing requests/s and the kevy-ts/redis ratio.
 *
 * Usage: `npm run bench` (builds first) or `node dist/bench/run.js [--requests N] [--shards 1,2]
 * [--rounds R] [--no-c1]`. Each server is warmed up (JIT and Wasm tiering) before it is measured; with
 * R rounds the servers are measured in turn R times and the median is kept, because a 2-core VM is
 * noisy. `--no-c1` leaves out the single-client (`-c 1`) workload. The figures go to stdout as a Markdown table;
 * bench/RESULTS.md keeps the ones we record, with the machine and date. The servers run one at a time,
 * so each has both cores (less redis-benchmark's share) to itself.
 */
import os from 'node:os';
import { startRedisServer } from '../tests/helpers/redis-server.js';
import { startKevyServer } from '../tests/helpers/kevy-server.js';
import type { ServerHandle } from '../tests/helpers/child-server.js';
import { redisBenchmark, standardWorkloads, warmUp, type Workload } from './redis-benchmark.js';

function argValue(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const requests = Number(argValue('--requests', '200000'));
const shardCounts = argValue('--shards', '1,2').split(',').map(Number);
const rounds = Number(argValue('--rounds', '3'));

const workloads: Workload[] = standardWorkloads(requests);
if (!process.argv.includes('--no-c1')) {
  workloads.push({ name: '-c 1', clients: 1, pipeline: 1, requests: Math.max(20000, requests / 4) });
}

interface Contender {
  label: string;
  start(): Promise<ServerHandle>;
}

const contenders: Contender[] = [
  { label: 'redis-server', start: () => startRedisServer() },
  ...shardCounts.map((n) => ({ label: `kevy-ts ${n} shard${n === 1 ? '' : 's'}`, start: () => startKevyServer(n) })),
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)];
}

/** samples[contender][workload + test] = requests/s of each round. */
async function measureAll(): Promise<Map<string, number[]>[]> {
  const samples = contenders.map(() => new Map<string, number[]>());
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of contenders.entries()) {
      const server = await c.start();
      try {
        warmUp(server.port);
        for (const w of workloads) {
          for (const [test, rps] of redisBenchmark(server.port, w)) {
            const key = `${w.name}|${test}`;
            const list = samples[i].get(key) ?? [];
            list.push(rps);
            samples[i].set(key, list);
          }
        }
      } finally {
        await server.stop();
      }
    }
  }
  return samples;
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`# kevy-ts vs redis-server — ${new Date().toISOString().slice(0, 10)}`);
  console.log(`machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}; median of ${rounds} round(s), ` +
    `host design ${process.env.KEVY_HOST_DESIGN || 'default'}`);
  console.log('');
  const samples = await measureAll();
  console.log('| workload | test | redis-server rps | ' +
    shardCounts.map((n) => `kevy-ts ${n} shard${n === 1 ? '' : 's'} rps | ratio`).join(' | ') + ' |');
  console.log('|---|---|---|' + shardCounts.map(() => '---|---|').join(''));
  for (const w of workloads) {
    for (const test of ['SET', 'GET']) {
      const key = `${w.name}|${test}`;
      const base = median(samples[0].get(key) ?? []);
      const cells = shardCounts.map((_, j) => {
        const v = median(samples[j + 1].get(key) ?? []);
        return `${v.toFixed(0)} | ${(base > 0 ? v / base : 0).toFixed(2)}`;
      });
      console.log(`| ${w.name} | ${test} | ${base.toFixed(0)} | ${cells.join(' | ')} |`);
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
