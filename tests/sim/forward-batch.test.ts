/**
 * Forwarding in batches (assembly/shard/forward-batch.ts, docs/runtime.md): the commands of one read
 * that go to the same other shard travel as one REQ, and the client cannot tell. Engines in one thread,
 * messages handed over directly. The oracle is a single shard: whatever 1 shard answers to a pipeline,
 * byte for byte, 2 and 4 shards answer too — with local and forwarded commands interleaved, the RESP
 * version switched by HELLO in mid-pipeline, errors, MULTI/EXEC, WATCH, fan-outs and barriers between
 * batched commands.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { instantiateEngine, OUT_MSG, type Engine } from '../../host/core/engine.js';
import { engineModule, cmd } from './sim-cluster.js';
import { shardOf } from '../helpers/slots.js';

interface Bench {
  engines: Engine[];
  /** Messages sent between shards so far. */
  messages: number;
  output: Buffer[];
  feed(shard: number, bytes: Buffer): void;
}

async function cluster(shards: number): Promise<Bench> {
  const module = await engineModule();
  const queues: Buffer[][][] = Array.from({ length: shards }, () => Array.from({ length: shards }, () => []));
  const bench: Bench = { engines: [], messages: 0, output: [], feed };
  for (let s = 0; s < shards; s++) {
    bench.engines.push(instantiateEngine(module, { shardIndex: s, shardCount: shards, seed: 1, clock: () => 1_700_000_000_000 }, {
      data(_conn, payload) { bench.output.push(payload); },
      close() {},
      other(kind, to, payload) {
        if (kind !== OUT_MSG) throw new Error(`unexpected outbox record kind ${kind}`);
        const rec = Buffer.allocUnsafe(4 + payload.length);
        rec.writeUInt32LE(payload.length, 0);
        rec.set(payload, 4);
        queues[s][to].push(rec);
        bench.messages++;
      },
    }));
  }
  function settle(): void {
    for (let moved = true; moved;) {
      moved = false;
      for (let from = 0; from < shards; from++) {
        for (let to = 0; to < shards; to++) {
          const q = queues[from][to];
          if (q.length === 0) continue;
          const batch = Buffer.concat(q);
          q.length = 0;
          bench.engines[to].deliver(from, batch);
          moved = true;
        }
      }
    }
  }
  function feed(shard: number, bytes: Buffer): void {
    bench.engines[shard].feed(1, bytes);
    settle();
  }
  for (let s = 0; s < shards; s++) bench.engines[s].open(1, '127.0.0.1:1', '127.0.0.1:2');
  return bench;
}

/** The client's output for a pipeline fed in one read (and, optionally, more reads after it). */
async function replies(shards: number, reads: string[][][]): Promise<string> {
  const b = await cluster(shards);
  for (const read of reads) b.feed(0, Buffer.concat(read.map((argv) => cmd(...argv))));
  return Buffer.concat(b.output).toString('latin1');
}

const keys = Array.from({ length: 24 }, (_, i) => `key:${i}`);

const mixed: string[][] = [
  ...keys.slice(0, 8).map((k, i) => ['SET', k, `v${i}`]),
  ['GET', keys[0]], ['NOSUCH', keys[1]], ['GET', keys[1]], ['GET'], ['INCR', keys[2]],
  ['HELLO', '3'], ...keys.slice(0, 6).map((k) => ['GET', k]), ['HGETALL', keys[3]], ['EXISTS', keys[9]],
  ['HELLO', '2'], ['MGET', ...keys.slice(0, 6)], ['GET', keys[4]], ['DEL', keys[5], keys[6]], ['GET', keys[5]],
  ['MULTI'], ['GET', keys[7]], ['SET', keys[8], 'm'], ['EXEC'], ['GET', keys[8]],
  ['WATCH', keys[7]], ['SET', keys[7], 'w'], ['MULTI'], ['GET', keys[7]], ['EXEC'],
  ['RENAME', keys[0], keys[10]], ['GET', keys[10]], ['LPUSH', keys[11], 'a', 'b'], ['LMOVE', keys[11], keys[12], 'LEFT', 'RIGHT'],
  ['LRANGE', keys[12], '0', '-1'], ['DBSIZE'], ['PING'], ['APPEND', keys[1], 'x'], ['GET', keys[1]],
];

test('a pipeline mixing local and forwarded commands answers byte for byte as one shard does', async () => {
  const one = await replies(1, [mixed]);
  for (const n of [2, 4]) assert.is(await replies(n, [mixed]), one, `${n} shards`);
});

test('commands after HELLO 3 in the same read are forwarded asking for RESP3', async () => {
  const read = [['SET', keys[13], '1'], ['HSET', keys[14], 'f', 'v'], ['HELLO', '3'],
    ['HGETALL', keys[14]], ['INCRBYFLOAT', keys[13], '0.5'], ['RESET'], ['HGETALL', keys[14]]];
  const one = await replies(1, [read]);
  for (const n of [2, 4]) assert.is(await replies(n, [read]), one, `${n} shards`);
});

test('a pipeline split over several reads keeps its order', async () => {
  const reads = [mixed.slice(0, 13), mixed.slice(13, 30), mixed.slice(30)];
  const one = await replies(1, reads);
  for (const n of [2, 4]) assert.is(await replies(n, reads), one, `${n} shards`);
});

test('the forwarded commands of one read travel as one request and one reply per target shard', async () => {
  const b = await cluster(2);
  const remote = keys.filter((k) => shardOf(k, 2) === 1).slice(0, 5);
  const local = keys.filter((k) => shardOf(k, 2) === 0).slice(0, 3);
  assert.ok(remote.length === 5 && local.length === 3);
  const read = [['SET', remote[0], 'a'], ['GET', local[0]], ['GET', remote[0]], ['SET', local[1], 'b'],
    ['GET', remote[1]], ['GET', remote[2]], ['GET', local[2]], ['INCR', remote[3]], ['GET', remote[4]]];
  b.feed(0, Buffer.concat(read.map((argv) => cmd(...argv))));
  assert.is(b.messages, 2, 'one REQ and one REP');
  assert.is(Buffer.concat(b.output).toString('latin1'), '+OK\r\n$-1\r\n$1\r\na\r\n+OK\r\n$-1\r\n$-1\r\n$-1\r\n:1\r\n$-1\r\n');
});

test('a command that must not overtake the batch sends it first', async () => {
  const b = await cluster(2);
  const remote = keys.filter((k) => shardOf(k, 2) === 1).slice(0, 2);
  // MGET over both shards is a fan-out: the batch before it goes first, so it sees the SETs.
  const local = keys.find((k) => shardOf(k, 2) === 0)!;
  const read = [['SET', remote[0], 'x'], ['SET', remote[1], 'y'], ['MGET', remote[0], local, remote[1]]];
  b.feed(0, Buffer.concat(read.map((argv) => cmd(...argv))));
  assert.is(Buffer.concat(b.output).toString('latin1'), '+OK\r\n+OK\r\n*3\r\n$1\r\nx\r\n$-1\r\n$1\r\ny\r\n');
});

test.run();
