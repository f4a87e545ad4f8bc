/**
 * The shard runtime with an observer (host/core/message-hold.ts, the browser demo's view of the
 * traffic), on real engines in one thread: every message sent is reported and every one delivered, in
 * the same order per (from, to); a message is held for the observer's delay before its engine sees it;
 * and a changed delay never lets a newer message overtake an older one.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadModule } from '../../host/core/engine.js';
import { attachMesh, createMeshMemory } from '../../host/core/mesh-memory.js';
import { createShardRuntime, type ShardRuntime } from '../../host/core/shard-runtime.js';
import { createIoEndpoint } from '../../host/core/io-endpoint.js';
import type { ShardObserver } from '../../host/core/message-hold.js';
import { encodeCommand } from '../../host/core/resp-reader.js';
import { keyOnShard } from '../../host/core/slots.js';

const test = suite('shard runtime observer');
const SHARDS = 2;
const IO = SHARDS;

interface Seen {
  sent: { from: number; to: number; type: number; op: number; t: number }[];
  delivered: { from: number; to: number; type: number; op: number; t: number }[];
}

interface Rig {
  shards: ShardRuntime[];
  seen: Seen;
  /** Sends on connection 1 and pumps until its reply is complete. */
  call(argv: string[]): Promise<string>;
  /** Sends on connection `conn` (opened on shard 0 on first use) without waiting. */
  send(conn: number, argv: string[]): void;
  /** Pumps until `done()` or 5 s. */
  until(done: () => boolean): Promise<void>;
  replies: Map<number, string>;
}

async function setup(holdMs: () => number): Promise<Rig> {
  const module = await loadModule();
  const mesh = attachMesh(createMeshMemory({ endpoints: SHARDS + 1, ringCapacity: 1 << 16 }));
  const seen: Seen = { sent: [], delivered: [] };
  const op = (m: Uint8Array): number => new DataView(m.buffer, m.byteOffset, m.byteLength).getUint32(4, true);
  const observer = (shard: number): ShardObserver => ({
    sent: (to, m) => seen.sent.push({ from: shard, to, type: m[0], op: op(m), t: Date.now() }),
    delivered: (from, m) => seen.delivered.push({ from, to: shard, type: m[0], op: op(m), t: Date.now() }),
    holdMs,
  });
  const shards = Array.from({ length: SHARDS }, (_, shard) => createShardRuntime({
    mesh, shard, shards: SHARDS, module, seed: 1, ioEndpoint: IO, observer: observer(shard),
  }));
  const replies = new Map<number, string>();
  const io = createIoEndpoint({
    mesh, endpoint: IO, shards: SHARDS,
    conns: {
      data: (c, b, st, e) => { replies.set(c, (replies.get(c) ?? '') + Buffer.from(b.subarray(st, e)).toString('latin1')); },
      close() {},
      flush() {},
    },
  });
  const open = new Set<number>();
  async function until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!done() && Date.now() < deadline) {
      for (const sh of shards) {
        sh.timers(Date.now());
        sh.pump();
      }
      io.pump();
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  function send(conn: number, argv: string[]): void {
    if (!open.has(conn)) {
      open.add(conn);
      io.open(conn, 0, `test:${conn}`, 'test:0');
    }
    replies.set(conn, '');
    io.data(conn, 0, encodeCommand(argv));
    io.flush();
  }
  return {
    shards,
    seen,
    replies,
    send,
    until,
    async call(argv) {
      send(1, argv);
      await until(() => (replies.get(1) ?? '').endsWith('\r\n'));
      return replies.get(1) ?? '';
    },
  };
}

test('messages are reported when sent and when delivered, held for the delay in between', async () => {
  const { call, seen } = await setup(() => 80);
  const remote = keyOnShard('held:', 1, SHARDS);
  const started = Date.now();
  assert.is(await call(['SET', remote, 'v']), '+OK\r\n');
  assert.ok(Date.now() - started >= 160, 'REQ and REP were each held 80 ms');
  assert.equal(seen.sent.map((m) => [m.from, m.to, m.type]), [[0, 1, 1], [1, 0, 2]]);
  assert.equal(seen.delivered.map((m) => [m.from, m.to, m.type]), [[0, 1, 1], [1, 0, 2]]);
  for (let i = 0; i < 2; i++) assert.ok(seen.delivered[i].t - seen.sent[i].t >= 80);
});

test('a shorter delay never lets a newer message overtake an older one', async () => {
  let hold = 150;
  const rig = await setup(() => hold);
  const keys = [keyOnShard('a:', 1, SHARDS), keyOnShard('b:', 1, SHARDS)];
  rig.send(1, ['SET', keys[0], '1']);
  await rig.until(() => rig.seen.sent.length === 1); // REQ 1 is on the ring, taken with a 150 ms hold
  await rig.until(() => false === rig.shards[1].pump() && rig.seen.sent.length === 1);
  hold = 0;
  rig.send(2, ['SET', keys[1], '2']); // REQ 2 on the same ring, taken with no hold
  await rig.until(() => rig.replies.get(1) === '+OK\r\n' && rig.replies.get(2) === '+OK\r\n');
  const order = (list: Seen['sent']): number[] => list.filter((m) => m.from === 0 && m.to === 1).map((m) => m.op);
  assert.is(order(rig.seen.sent).length, 2);
  assert.equal(order(rig.seen.delivered), order(rig.seen.sent), 'shard 0 → 1: delivered in the order sent');
});

test.run();
