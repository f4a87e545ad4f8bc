/**
 * bench/turning — what turning the event loop before sleeping costs and buys (host/core/loop.ts `turnUs`,
 * docs/hosts.md): kevy-ts with 2 shards (the default `worker-listen` design) with $KEVY_TURN_US_WORKER at
 * 0 (the default) and at each value given, in interleaved rounds, on redis-benchmark's SET/GET at
 * `-c 1`, `-c 50` and `-c 50 -P 16`, plus the blocking wake latency of bench/blocking.ts (run as a child
 * with the same setting). Prints Markdown tables; bench/RESULTS.md keeps the figures.
 *
 * Usage: `node dist/bench/turning.js [--turn 200] [--rounds 3] [--requests 100000] [--iterations 1000]`.
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startKevyServer } from '../tests/helpers/kevy-server.js';
import { redisBenchmark, warmUp, type Workload } from './redis-benchmark.js';

function argValue(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const turns = ['0', ...argValue('--turn', '200').split(',')];
const rounds = Number(argValue('--rounds', '3'));
const requests = Number(argValue('--requests', '100000'));
const iterations = argValue('--iterations', '1000');

const WORKLOADS: Workload[] = [
  { name: '-c 1', clients: 1, pipeline: 1, requests: requests / 5 },
  { name: '-c 50', clients: 50, pipeline: 1, requests },
  { name: '-c 50 -P 16', clients: 50, pipeline: 16, requests: requests * 4 },
];

const LATENCY_ROWS: [string, RegExp][] = [
  ['wake, same shard', /^\| kevy-ts 2 shards \| all \| same as consumer \| key's \|(.*)$/m],
  ['wake, other shard', /^\| kevy-ts 2 shards \| all \| other shard \| key's \|(.*)$/m],
  ['wake, redis-server', /^\| redis-server \| - \| - \| - \|(.*)$/m],
];

type Figures = Map<string, number[]>;

function add(into: Figures, key: string, value: number): void {
  into.set(key, [...(into.get(key) ?? []), value]);
}

async function throughputRound(turn: string, into: Figures): Promise<void> {
  process.env.KEVY_TURN_US_WORKER = turn;
  const server = await startKevyServer(2);
  try {
    warmUp(server.port);
    for (const w of WORKLOADS) {
      for (const [test, rps] of redisBenchmark(server.port, w)) add(into, `${w.name} ${test} rps`, rps);
    }
  } finally {
    await server.stop();
  }
}

/** bench/blocking.js's latency table with this setting: p50 / p90 / p99 of the rows above. */
function latencyRound(turn: string, into: Figures): void {
  const script = fileURLToPath(new URL('./blocking.js', import.meta.url));
  const r = spawnSync(process.execPath, [script, '--no-queue', '--iterations', iterations], {
    encoding: 'utf8', env: { ...process.env, KEVY_TURN_US_WORKER: turn }, timeout: 600_000,
  });
  if (r.status !== 0) throw new Error(`blocking.js failed (${r.status ?? r.signal}): ${r.stderr}`);
  for (const [label, re] of LATENCY_ROWS) {
    const m = re.exec(r.stdout);
    if (m === null) throw new Error(`blocking.js printed no row for ${label}`);
    const cells = m[1].split('|').map((c) => Number(c.trim()));
    // cells: n, p50, p90, p99, max
    add(into, `${label} p50 µs`, cells[1]);
    add(into, `${label} p90 µs`, cells[2]);
    add(into, `${label} p99 µs`, cells[3]);
  }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`# kevy-ts: turning before sleep — ${new Date().toISOString().slice(0, 10)}`);
  console.log(`machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), node ${process.version}; 2 shards, ` +
    `median of ${rounds} interleaved round(s)`);
  console.log('');
  const all = new Map<string, Figures>(turns.map((t) => [t, new Map()]));
  for (let round = 0; round < rounds; round++) {
    for (const t of turns) {
      await throughputRound(t, all.get(t)!);
      latencyRound(t, all.get(t)!);
    }
  }
  const keys = [...all.get('0')!.keys()];
  console.log(`| figure | ${turns.map((t) => `KEVY_TURN_US_WORKER=${t}`).join(' | ')} |`);
  console.log(`|---|${turns.map(() => '---').join('|')}|`);
  for (const k of keys) {
    console.log(`| ${k} | ${turns.map((t) => Math.round(median(all.get(t)!.get(k) ?? [0]))).join(' | ')} |`);
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
