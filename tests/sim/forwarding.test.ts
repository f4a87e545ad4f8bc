/**
 * Simulation: forwarding, fan-out and reply order. Clients on random origin shards pipeline random
 * single-key, multi-key and cross-shard commands (strings, and lists: LPUSH, RPOP, LMOVE across shards)
 * and MULTI/EXEC blocks over keys of their own that hash all over the cluster; messages between shards are delivered in random order (FIFO per pair),
 * client bytes arrive in random pieces, some clients disconnect. Every reply of every live client must be
 * exactly the reference model's, in order — whatever the interleaving.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimCluster, engineModule, cmd, show, type SimClient } from './sim-cluster.js';
import { StringModel } from './model.js';

const SEEDS = Number(process.env.KEVY_SIM_SEEDS ?? 1000);

interface Actor { client: SimClient; model: StringModel; expected: unknown[]; keys: string[]; sent: string[] }

function randomCommand(pick: (n: number) => number, keys: string[]): string[] {
  const k = (): string => keys[pick(keys.length)];
  const distinct = (n: number): string[] => {
    const out: string[] = [];
    while (out.length < n) { const x = k(); if (!out.includes(x)) out.push(x); }
    return out;
  };
  const end = (): string => (pick(2) === 0 ? 'LEFT' : 'RIGHT');
  switch (pick(16)) {
    case 0: return ['SET', k(), String(pick(100))];
    case 1: return ['GET', k()];
    case 2: return ['INCR', k()];
    case 3: return ['APPEND', k(), 'x'];
    case 4: return ['DEL', ...distinct(1 + pick(3))];
    case 5: return ['EXISTS', k(), k(), k()];
    case 6: return ['MGET', k(), k(), k(), k()];
    case 7: return ['MSET', ...distinct(1 + pick(3)).flatMap((x) => [x, String(pick(100))])];
    case 8: return ['MSETNX', ...distinct(1 + pick(3)).flatMap((x) => [x, String(pick(100))])];
    case 9: return ['RENAME', ...distinct(2)];
    case 10: return ['RENAMENX', ...distinct(2)];
    case 11: return [pick(2) === 0 ? 'LPUSH' : 'RPUSH', k(), String(pick(100)), String(pick(100))];
    case 12: return [pick(2) === 0 ? 'LPOP' : 'RPOP', k()];
    case 13: return ['LMOVE', k(), k(), end(), end()];
    case 14: return ['LRANGE', k(), '0', '-1'];
    default: return ['PING'];
  }
}

function enqueue(actor: Actor, argv: string[], pick: (n: number) => number): Buffer[] {
  const out: Buffer[] = [];
  if (pick(10) === 0) {
    const block = 1 + pick(4);
    out.push(cmd('MULTI'));
    actor.sent.push('MULTI');
    actor.expected.push('OK');
    const results: unknown[] = [];
    for (let i = 0; i < block; i++) {
      const a = i === 0 ? argv : randomCommand(pick, actor.keys);
      out.push(cmd(...a));
      actor.sent.push(a.join(' '));
      actor.expected.push('QUEUED');
      results.push(actor.model.apply(a));
    }
    out.push(cmd('EXEC'));
    actor.sent.push('EXEC');
    actor.expected.push(results);
    return out;
  }
  out.push(cmd(...argv));
  actor.sent.push(argv.join(' '));
  actor.expected.push(actor.model.apply(argv));
  return out;
}

function firstDifference(got: unknown[], want: unknown[]): number {
  const n = Math.max(got.length, want.length);
  for (let i = 0; i < n; i++) if (JSON.stringify(got[i]) !== JSON.stringify(want[i])) return i;
  return -1;
}

test('every reply matches the model, in order, under random message order', async () => {
  const module = await engineModule();
  const only = process.env.KEVY_SIM_SEED ? Number(process.env.KEVY_SIM_SEED) : 0;
  for (let seed = only || 1; seed <= (only || SEEDS); seed++) {
    const shards = 2 + (seed % 3);
    const sim = createSimCluster(module, shards, seed);
    const actors: Actor[] = [];
    for (let i = 0; i < 3; i++) {
      const client = sim.connect();
      const keys = Array.from({ length: 6 }, (_, j) => `c${client.id}:k${j}`);
      actors.push({ client, model: new StringModel(), expected: [], keys, sent: [] });
    }
    for (let round = 0; round < 12; round++) {
      for (const actor of actors) {
        if (actor.client.closedByClient) continue;
        if (sim.int(40) === 0) { sim.close(actor.client); continue; }
        const batch: Buffer[] = [];
        const n = 1 + sim.int(6);
        for (let i = 0; i < n; i++) batch.push(...enqueue(actor, randomCommand(sim.int, actor.keys), sim.int));
        sim.send(actor.client, Buffer.concat(batch));
        for (let s = sim.int(4); s > 0; s--) sim.step();
      }
    }
    sim.settle();
    for (const actor of actors) {
      if (actor.client.closedByClient) continue;
      const got = sim.drain(actor.client).map(show);
      const at = firstDifference(got, actor.expected);
      if (at >= 0 && only) {
        for (let i = 0; i < Math.max(got.length, actor.expected.length); i++) {
          console.log(i, actor.sent[i], JSON.stringify(got[i]), JSON.stringify(actor.expected[i]));
        }
      }
      if (at >= 0) {
        const context = actor.sent.slice(Math.max(0, at - 4), at + 1).join(' | ');
        assert.unreachable(`seed ${seed} (${shards} shards) client ${actor.client.id} reply #${at} ` +
          `(${context}): got ${JSON.stringify(got[at])}, want ${JSON.stringify(actor.expected[at])}; ` +
          `${got.length} replies for ${actor.expected.length} commands`);
      }
    }
  }
});

test.run();
