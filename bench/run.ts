/**
 * bench/run — kevy-ts and redis-server side by side, in one run: redis-benchmark's SET and GET at
 * `-c 50 -P 16`, `-c 50` and `-c 1` against each, printing requests/s and the kevy-ts/redis ratio.
 *
 * Usage: `npm run bench` (builds first) or `node dist/bench/run.js [--requests N] [--shards 1,2]`.
 * The figures go to stdout as a Markdown table; bench/RESULTS.md keeps the ones we record, with the
 * machine and date. The servers run one at a time, so each has both cores to itself.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { startRedisServer } from '../tests/helpers/redis-server.js';
import { startKevyServer } from '../tests/helpers/kevy-server.js';
import type { ServerHandle } from '../tests/helpers/child-server.js';

interface Workload { name: string; clients: number; pipeline: number; requests: number }

function argValue(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const requests = Number(argValue('--requests', '200000'));
const shardCounts = argValue('--shards', '1').split(',').map(Number);

const workloads: Workload[] = [
  { name: '-c 50 -P 16', clients: 50, pipeline: 16, requests: requests * 4 },
  { name: '-c 50', clients: 50, pipeline: 1, requests },
  { name: '-c 1', clients: 1, pipeline: 1, requests: Math.max(10000, requests / 10) },
];

/** Runs redis-benchmark once; returns requests/s per test name (SET, GET). */
function redisBenchmark(port: number, w: Workload): Map<string, number> {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-t', 'set,get', '-n', String(w.requests),
    '-c', String(w.clients), '-P', String(w.pipeline), '-r', '100000', '--csv', '-q'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr}`);
  const out = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^"(\w+)","([\d.]+)"/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

async function measure(start: () => Promise<ServerHandle>, w: Workload): Promise<Map<string, number>> {
  const server = await start();
  try {
    return redisBenchmark(server.port, w);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`# kevy-ts vs redis-server — ${new Date().toISOString().slice(0, 10)}`);
  console.log(`machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`);
  console.log('');
  console.log('| workload | test | redis-server rps | ' +
    shardCounts.map((n) => `kevy-ts ${n} shard(s) rps | ratio`).join(' | ') + ' |');
  console.log('|---|---|---|' + shardCounts.map(() => '---|---|').join('') );
  for (const w of workloads) {
    const redis = await measure(() => startRedisServer(), w);
    const kevy = [];
    for (const n of shardCounts) kevy.push(await measure(() => startKevyServer(n), w));
    for (const test of ['SET', 'GET']) {
      const base = redis.get(test) ?? 0;
      const cells = kevy.map((k) => {
        const v = k.get(test) ?? 0;
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
