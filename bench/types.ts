/**
 * bench/types — the data types, kevy-ts beside redis-server, in one run:
 *   1. Throughput: redis-benchmark's HSET, SADD, ZADD, LPUSH and LPOP tests (`-t hset,sadd,zadd,lpush,
 *      lpop`) and XADD as a custom command (`XADD s * f v`), at `-c 50 -P 16` with random elements
 *      (`-r 100000`), against redis-server and kevy-ts with 1 and 2 shards; requests/s and the
 *      kevy-ts/redis ratio.
 *   2. Memory: bytes per element once a single key holds N elements (1 000 000 by default) of each type,
 *      loaded by pipelined commands (HSET/SADD/ZADD/RPUSH with 1 000 elements each, XADD one entry each),
 *      measured as INFO memory's used_memory after minus before, on redis-server and kevy-ts (1 shard).
 * Each kevy-ts server is first probed for every type (one write of each); a type it does not answer yet
 * ("ERR unknown command") is skipped with a "not implemented" line rather than measured.
 *
 * Usage: `npm run bench:types` (builds first) or `node dist/bench/types.js [--requests N] [--elements N]
 * [--shards 1,2] [--rounds R] [--no-memory] [--no-throughput]`. With R rounds each server is measured R
 * times in turn and the median kept (a 2-core VM is noisy). Servers run one at a time. Figures go to
 * stdout as Markdown; bench/RESULTS.md keeps the ones we record.
 */
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { startRedisServer } from '../tests/helpers/redis-server.js';
import { startKevyServer } from '../tests/helpers/kevy-server.js';
import type { ServerHandle } from '../tests/helpers/child-server.js';
import { warmUp } from './redis-benchmark.js';

function argValue(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const requests = Number(argValue('--requests', '200000'));
const elements = Number(argValue('--elements', '1000000'));
const shardCounts = argValue('--shards', '1,2').split(',').map(Number);
const rounds = Number(argValue('--rounds', '1'));
const doMemory = !process.argv.includes('--no-memory');
const doThroughput = !process.argv.includes('--no-throughput');

// ---- the types, how to probe them, and how to load one key with them ----

interface TypeSpec {
  /** Redis's type name. */
  type: string;
  /** One write that a server implementing the type answers without error. */
  probe: string[];
  /** The commands that put elements [from, to) into `key`. */
  load(key: string, from: number, to: number): string[][];
}

const BATCH = 1000;

function batched(head: string[], from: number, to: number, element: (i: number) => string[]): string[][] {
  const out: string[][] = [];
  for (let b = from; b < to; b += BATCH) {
    const argv = [...head];
    for (let i = b; i < Math.min(b + BATCH, to); i++) argv.push(...element(i));
    out.push(argv);
  }
  return out;
}

const TYPES: TypeSpec[] = [
  { type: 'hash', probe: ['HSET', 'probe:hash', 'f', 'v'],
    load: (k, a, b) => batched(['HSET', k], a, b, (i) => [`field:${i}`, `value:${i}`]) },
  { type: 'set', probe: ['SADD', 'probe:set', 'm'],
    load: (k, a, b) => batched(['SADD', k], a, b, (i) => [`member:${i}`]) },
  { type: 'zset', probe: ['ZADD', 'probe:zset', '1', 'm'],
    load: (k, a, b) => batched(['ZADD', k], a, b, (i) => [String(i), `member:${i}`]) },
  { type: 'list', probe: ['LPUSH', 'probe:list', 'a'],
    load: (k, a, b) => batched(['RPUSH', k], a, b, (i) => [`value:${i}`]) },
  { type: 'stream', probe: ['XADD', 'probe:stream', '*', 'f', 'v'],
    load: (k, a, b) => Array.from({ length: b - a }, (_, j) => ['XADD', k, '*', 'f', `value:${a + j}`]) },
];

/** The throughput tests: a redis-benchmark `-t` name, or a custom command; the type each needs. */
interface ThroughputTest { label: string; type: string; native?: string; command?: string[] }

const TESTS: ThroughputTest[] = [
  { label: 'HSET', type: 'hash', native: 'hset' },
  { label: 'SADD', type: 'set', native: 'sadd' },
  { label: 'ZADD', type: 'zset', native: 'zadd' },
  { label: 'LPUSH', type: 'list', native: 'lpush' },
  { label: 'LPOP', type: 'list', native: 'lpop' },
  { label: 'XADD', type: 'stream', command: ['XADD', 's', '*', 'f', 'v'] },
];

// ---- talking to a server ----

function connect(port: number): Redis {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: false });
  r.on('error', () => {});
  return r;
}

/** The types the server answers: a probe failing with "unknown command" means not implemented. */
async function probeTypes(port: number): Promise<Set<string>> {
  const r = connect(port);
  const have = new Set<string>();
  try {
    for (const t of TYPES) {
      try {
        await r.call(t.probe[0], ...t.probe.slice(1));
        have.add(t.type);
      } catch (err) {
        if (!/unknown command/i.test((err as Error).message)) throw err;
      }
    }
    await r.flushall();
  } finally {
    r.disconnect();
  }
  return have;
}

async function usedMemory(r: Redis): Promise<number> {
  const info = await r.info('memory');
  const m = /^used_memory:(\d+)/m.exec(info);
  if (!m) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}

/** Sends `commands` pipelined, `window` at a time; throws on the first error reply. */
async function sendAll(r: Redis, commands: string[][], window = 200): Promise<void> {
  for (let i = 0; i < commands.length; i += window) {
    const pipe = r.pipeline();
    for (const argv of commands.slice(i, i + window)) pipe.call(argv[0], ...argv.slice(1));
    for (const [err] of (await pipe.exec()) ?? []) if (err) throw err;
  }
}

/** Bytes per element of `t` with `n` elements in one key: used_memory after minus before, over n. */
async function bytesPerElement(port: number, t: TypeSpec, n: number): Promise<number> {
  const r = connect(port);
  try {
    await r.flushall();
    const before = await usedMemory(r);
    const CHUNK = 100_000;
    for (let from = 0; from < n; from += CHUNK) await sendAll(r, t.load(`mem:${t.type}`, from, Math.min(from + CHUNK, n)));
    const after = await usedMemory(r);
    await r.flushall();
    return (after - before) / n;
  } finally {
    r.disconnect();
  }
}

// ---- redis-benchmark ----

function runBenchmark(port: number, extra: string[]): Map<string, number> {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-n', String(requests), '-c', '50', '-P', '16',
    '-r', '100000', '--csv', '-q', ...extra], { encoding: 'utf8', timeout: 600_000, killSignal: 'SIGKILL' });
  if (r.error) throw new Error(`redis-benchmark ${extra.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`redis-benchmark ${extra.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  const out = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^"([^"]+)","([\d.]+)"/.exec(line);
    if (m) out.set(m[1].split(' ')[0].toUpperCase(), Number(m[2]));
  }
  return out;
}

/** Requests/s per test label, for the tests whose type the server has. */
function measureThroughput(port: number, have: Set<string>): Map<string, number> {
  const natives = TESTS.filter((t) => t.native && have.has(t.type)).map((t) => t.native as string);
  const out = natives.length > 0 ? runBenchmark(port, ['-t', natives.join(',')]) : new Map<string, number>();
  for (const t of TESTS) {
    if (t.command && have.has(t.type)) {
      for (const [, rps] of runBenchmark(port, t.command)) out.set(t.label, rps);
    }
  }
  return out;
}

// ---- the run ----

interface Contender { label: string; shards: number; start(): Promise<ServerHandle> }

const contenders: Contender[] = [
  { label: 'redis-server', shards: 0, start: () => startRedisServer() },
  ...shardCounts.map((n) => ({ label: `kevy-ts ${n} shard${n === 1 ? '' : 's'}`, shards: n, start: () => startKevyServer(n) })),
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)];
}

const ratio = (v: number, base: number): string => (base > 0 ? (v / base).toFixed(2) : '-');

async function throughputTable(): Promise<void> {
  const samples = contenders.map(() => new Map<string, number[]>());
  const types = contenders.map(() => new Set<string>());
  for (let round = 0; round < rounds; round++) {
    for (const [i, c] of contenders.entries()) {
      const server = await c.start();
      try {
        types[i] = await probeTypes(server.port);
        warmUp(server.port);
        for (const [label, rps] of measureThroughput(server.port, types[i])) {
          const list = samples[i].get(label) ?? [];
          list.push(rps);
          samples[i].set(label, list);
        }
      } finally {
        await server.stop();
      }
    }
  }
  console.log(`## Throughput: redis-benchmark -c 50 -P 16 -r 100000 -n ${requests} (requests/s)`);
  console.log('');
  const kevy = contenders.slice(1);
  console.log('| test | redis-server | ' + kevy.map((c) => `${c.label} | ratio`).join(' | ') + ' |');
  console.log('|---|---|' + kevy.map(() => '---|---|').join(''));
  const skipped: string[] = [];
  for (const t of TESTS) {
    const base = median(samples[0].get(t.label) ?? []);
    const cells = kevy.map((c, j) => {
      if (!types[j + 1].has(t.type)) return 'not implemented | -';
      const v = median(samples[j + 1].get(t.label) ?? []);
      return `${v.toFixed(0)} | ${ratio(v, base)}`;
    });
    if (kevy.every((_, j) => !types[j + 1].has(t.type))) {
      skipped.push(`${t.label} (${t.type}): not implemented in kevy-ts yet — skipped`);
      continue;
    }
    console.log(`| ${t.label} | ${base.toFixed(0)} | ${cells.join(' | ')} |`);
  }
  console.log('');
  for (const line of skipped) console.log(line);
  if (skipped.length > 0) console.log('');
}

async function memoryTable(): Promise<void> {
  const pair = [contenders[0], { label: 'kevy-ts 1 shard', shards: 1, start: () => startKevyServer(1) }];
  const perType = new Map<string, number[]>();
  let kevyTypes = new Set<string>();
  for (const [i, c] of pair.entries()) {
    const server = await c.start();
    try {
      const have = await probeTypes(server.port);
      if (i === 1) kevyTypes = have;
      for (const t of TYPES) {
        if (i === 1 && !have.has(t.type)) continue;
        const list = perType.get(t.type) ?? [];
        list[i] = await bytesPerElement(server.port, t, elements);
        perType.set(t.type, list);
      }
    } finally {
      await server.stop();
    }
  }
  console.log(`## Memory: bytes per element, ${elements} elements in one key (INFO memory used_memory)`);
  console.log('');
  console.log('| type | element | redis-server | kevy-ts 1 shard | ratio |');
  console.log('|---|---|---|---|---|');
  const skipped: string[] = [];
  for (const t of TYPES) {
    const [redis, kevy] = perType.get(t.type) ?? [];
    const sample = t.load('k', 0, 1)[0].slice(2).join(' ');
    if (!kevyTypes.has(t.type)) {
      skipped.push(`${t.type}: not implemented in kevy-ts yet — skipped`);
      continue;
    }
    console.log(`| ${t.type} | \`${sample}\` | ${redis.toFixed(1)} | ${kevy.toFixed(1)} | ${ratio(kevy, redis)} |`);
  }
  console.log('');
  for (const line of skipped) console.log(line);
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(`# kevy-ts vs redis-server, data types — ${new Date().toISOString().slice(0, 10)}`);
  console.log(`machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}; median of ${rounds} round(s)`);
  console.log('');
  if (doThroughput) await throughputTable();
  if (doMemory) await memoryTable();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
