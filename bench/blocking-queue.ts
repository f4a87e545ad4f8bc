/**
 * bench/blocking-queue — a job queue on blocking lists, for bench/blocking.ts: P producers RPUSH jobs
 * with unique ids to Q queue keys (spread over the shards), C consumers BLPOP on every queue key at
 * once with a timeout, for a fixed time; then the producers stop and the consumers drain.
 *
 * Each client is one raw connection (resp-socket.ts) with one command in flight (a closed loop), all
 * in this process. A job is `p:seq:t` — producer, sequence, and the hrtime its RPUSH was written — so a
 * consumer can measure push-to-pop latency. Producer p pushes to queue (p + seq) mod Q, so every queue
 * is fed. A job counts as produced once its RPUSH answered an integer.
 *
 * The run ends when the producers have stopped and every consumer's BLPOP has timed out after that (a
 * blocked consumer is served by any push, so a timeout means the queues stayed empty while it waited).
 * Then it checks the queue's contract: every produced job consumed exactly once (no duplicate, none
 * missing, none left in the queues, nothing consumed that was never produced). Jobs/s is jobs consumed
 * over the time from the start to the last job consumed.
 */
import { decode, type RespValue } from '../host/core/resp-reader.js';
import { openRespSocket, type RespSocket } from './resp-socket.js';

export interface QueueOptions {
  readonly port: number;
  readonly queues: readonly string[];
  readonly producers: number;
  readonly consumers: number;
  readonly seconds: number;
  /** BLPOP's timeout, in seconds. */
  readonly blockTimeout: number;
}

export interface QueueResult {
  readonly produced: number;
  readonly consumed: number;
  readonly jobsPerSecond: number;
  /** Push written → pop reply received, µs. */
  readonly latencies: number[];
  /** RPUSH round trips, µs: a producer held up (a stalled connection) shows here. */
  readonly pushTimes: number[];
  /** Jobs consumed twice or more. */
  readonly duplicates: string[];
  /** Produced jobs never consumed and not in the queues either. */
  readonly lost: string[];
  /** Elements still in the queues at the end. */
  readonly leftover: string[];
  /** Jobs consumed that no producer had pushed (or malformed replies). */
  readonly strays: string[];
  /** BLPOPs that timed out while the producers were still running. */
  readonly earlyTimeouts: number;
  /** Jobs produced but not yet consumed when the producers stopped: a backlog means the consumers were the
   * bottleneck and BLPOP mostly found data (and, taking keys in argument order, left the last ones waiting). */
  readonly backlogAtStop: number;
}

/** A reply as a value, or an Error for an error reply. */
function valueOf(bytes: Buffer): RespValue {
  const d = decode(bytes, 0);
  if (d === null) throw new Error(`incomplete reply ${JSON.stringify(bytes.toString('latin1'))}`);
  return d.value;
}

export async function runQueue(o: QueueOptions): Promise<QueueResult> {
  const producers: RespSocket[] = [];
  const consumers: RespSocket[] = [];
  for (let i = 0; i < o.producers; i++) producers.push(await openRespSocket(o.port));
  for (let i = 0; i < o.consumers; i++) consumers.push(await openRespSocket(o.port));
  const admin = await openRespSocket(o.port);
  try {
    await admin.call(['DEL', ...o.queues]);
    const produced = new Set<string>();
    const consumed = new Map<string, number>();
    const latencies: number[] = [];
    const pushTimes: number[] = [];
    const strays: string[] = [];
    let producing = true;
    let earlyTimeouts = 0;
    const start = process.hrtime.bigint();
    let lastPop = start;
    const endAt = start + BigInt(Math.round(o.seconds * 1e9));

    async function produce(p: number): Promise<void> {
      const sock = producers[p];
      for (let seq = 0; process.hrtime.bigint() < endAt; seq++) {
        const queue = o.queues[(p + seq) % o.queues.length];
        const t = process.hrtime.bigint();
        const job = `${p}:${seq}:${t}`;
        sock.send(['RPUSH', queue, job]);
        const { bytes, at } = await sock.reply();
        const r = valueOf(bytes);
        if (typeof r !== 'number') throw new Error(`RPUSH ${queue} ${job} answered ${String(r)}`);
        produced.add(job);
        pushTimes.push(Number(at - t) / 1000);
      }
    }

    async function consume(c: number): Promise<void> {
      const sock = consumers[c];
      const waitMs = o.blockTimeout * 1000 + 10_000;
      for (;;) {
        sock.send(['BLPOP', ...o.queues, o.blockTimeout]);
        const { bytes, at } = await sock.reply(waitMs);
        const r = valueOf(bytes);
        if (r === null) {
          // Nothing for a whole timeout: after the producers stopped, the queues are drained.
          if (!producing) return;
          earlyTimeouts++;
          continue;
        }
        if (!Array.isArray(r) || r.length !== 2 || !Buffer.isBuffer(r[1])) {
          strays.push(`malformed reply ${JSON.stringify(bytes.toString('latin1'))}`);
          continue;
        }
        const job = r[1].toString('latin1');
        consumed.set(job, (consumed.get(job) ?? 0) + 1);
        lastPop = at;
        const sent = /^\d+:\d+:(\d+)$/.exec(job);
        if (sent === null) strays.push(job);
        else latencies.push(Number(at - BigInt(sent[1])) / 1000);
      }
    }

    const consuming = Promise.all(consumers.map((_, c) => consume(c)));
    consuming.catch(() => undefined); // awaited below; a hang there must not surface as unhandled first
    await Promise.all(producers.map((_, p) => produce(p)));
    producing = false;
    let consumedAtStop = 0;
    for (const n of consumed.values()) consumedAtStop += n;
    const backlogAtStop = produced.size - consumedAtStop;
    await consuming;

    const leftover: string[] = [];
    for (const q of o.queues) {
      admin.send(['LRANGE', q, 0, -1]);
      const r = valueOf((await admin.reply()).bytes);
      if (Array.isArray(r)) for (const v of r) leftover.push(Buffer.isBuffer(v) ? v.toString('latin1') : String(v));
    }
    const left = new Set(leftover);
    const duplicates = [...consumed].filter(([, n]) => n > 1).map(([job]) => job);
    const lost = [...produced].filter((job) => !consumed.has(job) && !left.has(job));
    for (const job of consumed.keys()) if (!produced.has(job)) strays.push(job);
    const total = [...consumed.values()].reduce((a, n) => a + n, 0);
    const elapsed = Number(lastPop - start) / 1e9;
    return {
      produced: produced.size,
      consumed: total,
      jobsPerSecond: elapsed > 0 ? total / elapsed : 0,
      latencies,
      pushTimes,
      duplicates,
      lost,
      leftover,
      strays,
      earlyTimeouts,
      backlogAtStop,
    };
  } finally {
    for (const s of [...producers, ...consumers, admin]) s.close();
  }
}
