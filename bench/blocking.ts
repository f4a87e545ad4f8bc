/**
 * bench/blocking — blocking list commands, kevy-ts beside redis-server, in one run (issue 4):
 *   1. Wake latency: a client blocked in `BLPOP key 0`, another client pushes `RPUSH key x`; the time from
 *      the push being written to the consumer's reply arriving, per iteration, as p50/p90/p99/max in µs.
 *      Cases: kevy-ts with N shards (default 2) for a key on the consumer's own shard and a key on another
 *      shard, for every consumer origin shard; kevy-ts with 1 shard; redis-server. In the cases that
 *      count, the producer originates on the key's shard, so its push runs where the key lives and only
 *      the wake-up crosses shards (READY → SERVE → SERVED, docs/blocking.md); target: that cross-shard
 *      p99 within 2× redis-server's. One more case, shown apart, has the producer on the consumer's
 *      shard, so its push is forwarded to the key's shard first (the whole path a client may take).
 *   2. Queue workload (blocking-queue.ts): producers RPUSH unique jobs to queue keys spread over the
 *      shards, consumers BLPOP on all of them; jobs/s, push-to-pop latency, and a check that every job
 *      was consumed exactly once; kevy-ts N shards and 1 shard against redis-server.
 *
 * Method: raw sockets (resp-socket.ts), no client library; times from `process.hrtime.bigint()` — just
 * before the RPUSH is written, and first thing in the consumer socket's 'data' callback. Each iteration
 * waits until the consumer counts as blocked (INFO clients `blocked_clients`, polled on a third
 * connection; kevy-ts sets it only once the waiter is armed on the key's shard) before pushing, so every
 * sample is a real wake-up, never a BLPOP that found data. A kevy-ts connection's origin shard is
 * (id − 1) mod N in every host design, checked against CLIENT LIST's shard order and cross-checked by GET
 * round trips (origin-shard.ts). Every reply is checked (the consumer gets exactly the pushed element, the key
 * is empty afterwards, nobody stays blocked); a mismatch or a reply that never comes stops the run with
 * what was being done.
 *
 * Usage: `npm run bench:blocking` (builds first) or `node dist/bench/blocking.js [--shards N]
 * [--iterations I] [--warmup W] [--seconds S] [--producers P] [--consumers C] [--queues-per-shard Q]
 * [--block-timeout T] [--no-queue] [--no-latency] [--key-shard-producer-only]`. Servers run one at a
 * time; the client side is this one Node process. Figures go to stdout as Markdown; bench/RESULTS.md
 * keeps the ones we record. Exit status 1 when a reply was wrong, a reply never came, or a job was not
 * consumed exactly once.
 */
import os from 'node:os';
import { startRedisServer } from '../tests/helpers/redis-server.js';
import { startKevyServer } from '../tests/helpers/kevy-server.js';
import type { ServerHandle } from '../tests/helpers/child-server.js';
import { shardOf } from '../tests/helpers/slots.js';
import { mapOrigins, getRoundTrips, type PlacedConn } from './origin-shard.js';
import { openRespSocket, type RespSocket } from './resp-socket.js';
import { runQueue, type QueueResult } from './blocking-queue.js';

function argValue(flag: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const shards = Number(argValue('--shards', '2'));
const iterations = Number(argValue('--iterations', '2000'));
const warmup = Number(argValue('--warmup', '300'));
const seconds = Number(argValue('--seconds', '5'));
const producers = Number(argValue('--producers', '4'));
const consumers = Number(argValue('--consumers', '8'));
const queuesPerShard = Number(argValue('--queues-per-shard', '2'));
const blockTimeout = Number(argValue('--block-timeout', '0.5'));
const doQueue = !process.argv.includes('--no-queue');
const doLatency = !process.argv.includes('--no-latency');
const producerAnywhere = !process.argv.includes('--key-shard-producer-only');

/** Engine or server misbehaviour seen during the run, reported at the end. */
const anomalies: string[] = [];

// ---- statistics ----

interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => (s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.floor(q * s.length))]);
  return { n: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.length === 0 ? 0 : s[s.length - 1] };
}

const us = (x: number): string => x.toFixed(0);

// ---- keys on chosen shards ----

/** `count` keys `${prefix}:${n}` on each shard, shard by shard. */
function keysOnShards(prefix: string, n: number, count: number): string[][] {
  const out: string[][] = Array.from({ length: n }, () => []);
  let left = n * count;
  for (let i = 0; left > 0; i++) {
    const key = `${prefix}:${i}`;
    const s = shardOf(key, n);
    if (out[s].length < count) {
      out[s].push(key);
      left--;
    }
  }
  return out;
}

// ---- wake latency ----

async function blockedClients(monitor: RespSocket): Promise<number> {
  const info = await monitor.call(['INFO', 'clients']);
  const m = /blocked_clients:(\d+)/.exec(info);
  if (m === null) throw new Error(`INFO clients has no blocked_clients: ${JSON.stringify(info)}`);
  return Number(m[1]);
}

/** Polls until `want` clients are blocked; throws after ~5 s. */
async function waitBlocked(monitor: RespSocket, want: number, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while ((await blockedClients(monitor)) < want) {
    if (Date.now() > deadline) throw new Error(`${what}: the consumer never counted as blocked (blocked_clients < ${want})`);
  }
}

function expectedPop(key: string, value: string): string {
  return `*2\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n$${Buffer.byteLength(value)}\r\n${value}\r\n`;
}

interface Placement {
  consumer: RespSocket;
  producer: RespSocket;
  monitor: RespSocket;
  key: string;
  /** For messages: server, key and origins. */
  what: string;
}

/** `count` wake-ups of one consumer by one producer on one key; µs from push written to pop received. */
async function wakeLatency(p: Placement, count: number): Promise<number[]> {
  const { consumer, producer, monitor, key, what } = p;
  await monitor.call(['DEL', key]);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const value = `v${i}`;
    consumer.send(['BLPOP', key, 0]);
    await waitBlocked(monitor, 1, `${what}, iteration ${i}`);
    const t0 = producer.send(['RPUSH', key, value]);
    const [got, pushed] = await Promise.all([consumer.reply(5000), producer.reply(5000)]).catch((err: Error) => {
      throw new Error(`${what}, iteration ${i}: BLPOP ${key} 0 blocked, RPUSH ${key} ${value} written, then ${err.message}`);
    });
    const text = got.bytes.toString('latin1');
    if (text !== expectedPop(key, value)) {
      throw new Error(`${what}, iteration ${i}: BLPOP answered ${JSON.stringify(text)}, expected [${key}, ${value}]`);
    }
    const pushText = pushed.bytes.toString('latin1');
    if (pushText !== ':1\r\n') anomalies.push(`${what}, iteration ${i}: RPUSH answered ${JSON.stringify(pushText)} (redis: :1)`);
    samples.push(Number(got.at - t0) / 1000);
  }
  const left = await monitor.call(['LLEN', key]);
  if (left !== ':0\r\n') anomalies.push(`${what}: LLEN ${key} is ${JSON.stringify(left)} after the run (expected :0)`);
  const stillBlocked = await blockedClients(monitor);
  if (stillBlocked !== 0) anomalies.push(`${what}: blocked_clients is ${stillBlocked} after the run (expected 0)`);
  return samples;
}

interface LatencyRow {
  server: string;
  consumerShard: string;
  keyShard: string;
  producerShard: string;
  stats: Stats;
}

function printLatency(rows: LatencyRow[]): void {
  console.log('| server | consumer origin | key on shard | producer origin | n | p50 µs | p90 µs | p99 µs | max µs |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const s = r.stats;
    console.log(`| ${r.server} | ${r.consumerShard} | ${r.keyShard} | ${r.producerShard} | ${s.n} | ${us(s.p50)} | ` +
      `${us(s.p90)} | ${us(s.p99)} | ${us(s.max)} |`);
  }
}

/** kevy-ts with N shards: every consumer origin, with the key on its own shard and on the next one. */
async function latencyMultiShard(server: ServerHandle, label: string): Promise<{ rows: LatencyRow[]; same: number[]; other: number[] }> {
  const conns = await mapOrigins(server.port, shards, 2);
  const monitor = await openRespSocket(server.port);
  try {
    const onShard = (s: number): PlacedConn[] => conns.filter((c) => c.shard === s);
    console.log(`${label}: ` +
      conns.map((c) => `conn id ${c.id} → shard ${c.shard}`).join(', ') + '.');
    const probeKeys = keysOnShards('probe', shards, 1).map((k) => k[0]);
    for (let s = 0; s < shards; s++) {
      const rtt = await getRoundTrips(onShard(s)[0].sock, probeKeys);
      const own = rtt[s];
      const others = rtt.filter((_, i) => i !== s);
      const ok = others.every((r) => r > own);
      console.log(`Check by latency: GET round trip from a shard-${s} connection, median µs: ` +
        rtt.map((r, i) => `key on shard ${i}: ${us(r)}`).join(', ') +
        (ok ? ' — its own shard is fastest, as expected.' : ' — NOT fastest on its own shard (noise or misplacement).'));
    }
    console.log('');
    const keys = keysOnShards('wake', shards, 1).map((k) => k[0]);
    // Consumer on shard c, key on shard k, producer on shard p (its second connection there when p = c).
    const place = (c: number, k: number, p: number): Placement => ({
      consumer: onShard(c)[0].sock,
      producer: onShard(p)[1].sock,
      monitor,
      key: keys[k],
      what: `${label}, consumer on shard ${c}, key ${keys[k]} on shard ${k}, producer on shard ${p}`,
    });
    const cases: [number, number, number][] = [];
    for (let c = 0; c < shards; c++) {
      const k = (c + 1) % shards;
      cases.push([c, c, c], [c, k, k]);
      if (producerAnywhere) cases.push([c, k, c]);
    }
    for (const [c, k, p] of cases) await wakeLatency(place(c, k, p), warmup);
    const rows: LatencyRow[] = [];
    const same: number[] = [];
    const other: number[] = [];
    const forwarded: number[] = [];
    for (const [c, k, p] of cases) {
      const samples = await wakeLatency(place(c, k, p), iterations);
      (k === c ? same : p === k ? other : forwarded).push(...samples);
      rows.push({ server: label, consumerShard: String(c), keyShard: String(k), producerShard: String(p), stats: stats(samples) });
    }
    rows.push({ server: label, consumerShard: 'all', keyShard: 'same as consumer', producerShard: 'key\'s', stats: stats(same) });
    rows.push({ server: label, consumerShard: 'all', keyShard: 'other shard', producerShard: 'key\'s', stats: stats(other) });
    if (producerAnywhere) {
      rows.push({ server: label, consumerShard: 'all', keyShard: 'other shard', producerShard: 'consumer\'s', stats: stats(forwarded) });
    }
    return { rows, same, other };
  } finally {
    monitor.close();
    for (const c of conns) c.sock.close();
  }
}

/** One shard (kevy-ts 1 shard, redis-server): consumer, producer and monitor on the same server. */
async function latencySingle(server: ServerHandle, label: string): Promise<number[]> {
  const [consumer, producer, monitor] = await Promise.all([0, 1, 2].map(() => openRespSocket(server.port)));
  try {
    const p: Placement = { consumer, producer, monitor, key: 'wake:0', what: label };
    await wakeLatency(p, warmup);
    return await wakeLatency(p, iterations);
  } finally {
    for (const s of [consumer, producer, monitor]) s.close();
  }
}

// ---- queue workload ----

interface QueueRow {
  server: string;
  result: QueueResult;
}

function exactlyOnce(r: QueueResult): boolean {
  return r.duplicates.length === 0 && r.lost.length === 0 && r.leftover.length === 0 && r.strays.length === 0 &&
    r.consumed === r.produced;
}

async function queue(server: ServerHandle, label: string, queues: string[]): Promise<QueueRow> {
  const result = await runQueue({ port: server.port, queues, producers, consumers, seconds, blockTimeout });
  if (!exactlyOnce(result)) {
    const sample = (xs: string[]): string => xs.slice(0, 5).join(', ') + (xs.length > 5 ? ', …' : '');
    anomalies.push(`${label} queue: produced ${result.produced}, consumed ${result.consumed}; ` +
      `duplicates ${result.duplicates.length} (${sample(result.duplicates)}), lost ${result.lost.length} ` +
      `(${sample(result.lost)}), left in the queues ${result.leftover.length} (${sample(result.leftover)}), ` +
      `strays ${result.strays.length} (${sample(result.strays)})`);
  }
  return { server: label, result };
}

function printQueue(rows: QueueRow[], queues: string[]): void {
  console.log(`${producers} producers (RPUSH, one in flight each), ${consumers} consumers ` +
    `(BLPOP ${queues.join(' ')} ${blockTimeout}), ${seconds} s; queues on shards ` +
    queues.map((q) => shardOf(q, shards)).join(',') + ` of ${shards}.`);
  console.log('');
  console.log('| server | jobs | jobs/s | push→pop p50 µs | p99 µs | max µs | RPUSH round trip p99 µs | max µs | ' +
    'backlog at stop | BLPOP timeouts while producing | exactly once |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { server, result: r } of rows) {
    const l = stats(r.latencies);
    const push = stats(r.pushTimes);
    console.log(`| ${server} | ${r.consumed} | ${r.jobsPerSecond.toFixed(0)} | ${us(l.p50)} | ${us(l.p99)} | ${us(l.max)} | ` +
      `${us(push.p99)} | ${us(push.max)} | ` +
      `${r.backlogAtStop} | ${r.earlyTimeouts} | ${exactlyOnce(r) ? 'yes' : 'NO'} |`);
  }
}

// ---- the run ----

async function withServer<T>(start: () => Promise<ServerHandle>, body: (s: ServerHandle) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  if (!Number.isInteger(shards) || shards < 2) throw new Error('--shards must be an integer ≥ 2 (the multi-shard case)');
  const cpus = os.cpus();
  const multi = `kevy-ts ${shards} shards`;
  console.log(`# Blocking lists: kevy-ts vs redis-server — ${new Date().toISOString().slice(0, 10)}`);
  console.log(`machine: ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ` +
    `host design ${process.env.KEVY_HOST_DESIGN || 'default'}; ${iterations} iterations per case after ${warmup} warm-up.`);
  console.log('');
  console.log('## Method');
  console.log('');
  console.log('Wake latency: the consumer writes `BLPOP key 0`; once INFO clients shows it blocked (kevy-ts counts ' +
    'it only once the waiter is armed on the key\'s shard), the producer writes `RPUSH key v`; the sample is the ' +
    'time from that write to the consumer\'s reply arriving (raw sockets, process.hrtime, one client process). ' +
    'Each reply is checked. "producer origin = key\'s": the push runs where the key lives and only the wake-up ' +
    'crosses shards (the target\'s case); "consumer\'s": the push is forwarded to the key\'s shard first.');
  console.log('');
  console.log('Origin shards: every host design numbers connections so that the origin of connection id is ' +
    '(id - 1) mod N; the benchmark opens connections until it has 2 on every shard, checks the rule against ' +
    '`CLIENT LIST ID …` (which joins every shard\'s connections in shard order), then confirms it by GET round ' +
    'trips (a key on the connection\'s own shard answers fastest).');
  console.log('');

  const queues = keysOnShards('queue', shards, queuesPerShard).flat();
  const latencyRows: LatencyRow[] = [];
  const queueRows: QueueRow[] = [];
  let otherP99 = 0;
  let redisP99 = 0;

  await withServer(() => startKevyServer(shards), async (server) => {
    if (doLatency) {
      const r = await latencyMultiShard(server, multi);
      latencyRows.push(...r.rows);
      otherP99 = stats(r.other).p99;
    }
    if (doQueue) queueRows.push(await queue(server, multi, queues));
  });
  await withServer(() => startKevyServer(1), async (server) => {
    if (doLatency) {
      latencyRows.push({ server: 'kevy-ts 1 shard', consumerShard: '0', keyShard: '0', producerShard: '0',
        stats: stats(await latencySingle(server, 'kevy-ts 1 shard')) });
    }
    if (doQueue) queueRows.push(await queue(server, 'kevy-ts 1 shard', queues));
  });
  await withServer(() => startRedisServer(), async (server) => {
    if (doLatency) {
      const s = stats(await latencySingle(server, 'redis-server'));
      redisP99 = s.p99;
      latencyRows.push({ server: 'redis-server', consumerShard: '-', keyShard: '-', producerShard: '-', stats: s });
    }
    if (doQueue) queueRows.push(await queue(server, 'redis-server', queues));
  });

  if (doLatency) {
    console.log('## Wake latency (push written → popped element received)');
    console.log('');
    printLatency(latencyRows);
    console.log('');
    const ratio = redisP99 > 0 ? otherP99 / redisP99 : 0;
    console.log(`Cross-shard p99 ${us(otherP99)} µs / redis-server p99 ${us(redisP99)} µs = ${ratio.toFixed(2)} ` +
      `(target ≤ 2: ${ratio <= 2 ? 'met' : 'NOT met'})` +
      (iterations < 1000 ? ` — with ${iterations} iterations a p99 rests on a handful of samples.` : '.'));
    console.log('');
  }
  if (doQueue) {
    console.log('## Queue workload');
    console.log('');
    printQueue(queueRows, queues);
    const base = queueRows.find((r) => r.server === 'redis-server')?.result.jobsPerSecond ?? 0;
    console.log('');
    for (const r of queueRows.filter((x) => x.server !== 'redis-server')) {
      console.log(`${r.server} / redis-server jobs/s = ${(base > 0 ? r.result.jobsPerSecond / base : 0).toFixed(2)}`);
    }
    console.log('');
  }
  console.log(anomalies.length === 0
    ? `Misbehaviour: none seen (every reply checked${doQueue ? ', every job consumed exactly once' : ''}).`
    : `Misbehaviour (${anomalies.length}):\n` + anomalies.map((a) => `- ${a}`).join('\n'));
  if (anomalies.length > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
