/**
 * bench/engine-xshard — what the engine itself spends per request, with 1, 2 and 4 shards, without any
 * host: N engines in one thread, messages handed from one to the other directly (no threads, rings,
 * sockets or syscalls). 50 connections spread over the shards each feed pipelined batches of 16 SETs or
 * GETs on random keys (`key:000000012345`, 100 000 of them, like redis-benchmark -r 100000), and every
 * message is delivered until all is quiet. Prints µs per request: wall-clock time and, beside it, the
 * process's CPU time (user + system), which a busy shared machine disturbs less.
 *
 * This is the floor under every multi-shard host: with 2 shards, about half the commands run on another
 * shard, and whatever those cost here is spent before a single ring, wakeup or syscall.
 * Usage: `node dist/bench/engine-xshard.js [--shards 1,2,4] [--rounds 20]`.
 */
import { instantiateEngine, loadModule, type Engine } from '../host/core/engine.js';
import { encodeCommand } from '../host/core/resp-reader.js';

function argValue(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const CONNS = 50;
const PIPELINE = 16;
const shardCounts = argValue('--shards', '1,2,4').split(',').map(Number);
const rounds = Number(argValue('--rounds', '40'));

function randomKey(): string {
  return 'key:' + String(Math.floor(Math.random() * 100_000)).padStart(12, '0');
}

function pipelined(cmd: 'SET' | 'GET'): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < PIPELINE; i++) {
    parts.push(encodeCommand(cmd === 'SET' ? ['SET', randomKey(), 'xxx'] : ['GET', randomKey()]));
  }
  return Buffer.concat(parts);
}

interface Cost { wall: number; cpu: number }

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function measure(module: WebAssembly.Module, n: number): Promise<Map<string, Cost>> {
  const queues: Buffer[][][] = Array.from({ length: n }, () => Array.from({ length: n }, () => []));
  const engines: Engine[] = [];
  for (let s = 0; s < n; s++) {
    engines.push(instantiateEngine(module, { shardIndex: s, shardCount: n, seed: 1 }, {
      data() {},
      close() {},
      other(_kind, target, payload) {
        const rec = Buffer.allocUnsafe(4 + payload.length);
        rec.writeUInt32LE(payload.length, 0);
        rec.set(payload, 4);
        queues[s][target].push(rec);
      },
    }));
  }
  const settle = (): void => {
    for (let moved = true; moved;) {
      moved = false;
      for (let from = 0; from < n; from++) {
        for (let to = 0; to < n; to++) {
          const q = queues[from][to];
          if (q.length === 0) continue;
          const batch = Buffer.concat(q);
          q.length = 0;
          engines[to].deliver(from, batch);
          moved = true;
        }
      }
    }
  };
  for (let c = 1; c <= CONNS; c++) engines[c % n].open(c, '127.0.0.1:1', '127.0.0.1:2');
  const out = new Map<string, Cost>();
  for (const cmd of ['SET', 'GET', 'SET', 'GET'] as const) { // the first pair warms up
    const batches = Array.from({ length: 1000 }, () => pipelined(cmd));
    const t0 = process.hrtime.bigint();
    const cpu0 = cpuMicros();
    let requests = 0;
    for (let round = 0; round < rounds; round++) {
      for (let c = 1; c <= CONNS; c++) {
        engines[c % n].feed(c, batches[(round * CONNS + c) % batches.length]);
        requests += PIPELINE;
      }
      settle();
    }
    out.set(cmd, {
      wall: Number(process.hrtime.bigint() - t0) / 1000 / requests,
      cpu: (cpuMicros() - cpu0) / requests,
    });
  }
  return out;
}

async function main(): Promise<void> {
  const module = await loadModule();
  console.log(`engine only, one thread, ${CONNS} connections × ${PIPELINE} pipelined, random keys: µs per request`);
  console.log('| shards | SET wall | SET cpu | GET wall | GET cpu |');
  console.log('|---|---|---|---|---|');
  for (const n of shardCounts) {
    const r = await measure(module, n);
    const set = r.get('SET')!;
    const get = r.get('GET')!;
    console.log(`| ${n} | ${set.wall.toFixed(2)} | ${set.cpu.toFixed(2)} | ${get.wall.toFixed(2)} | ${get.cpu.toFixed(2)} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
