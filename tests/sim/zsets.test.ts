/**
 * Simulation: sorted set commands whose keys span shards (zsets-cross.ts), with messages delivered in
 * random order. Writers keep one member's scores summing to zero across four keys with MULTI/ZINCRBY/
 * EXEC while readers run ZUNION, ZUNIONSTORE, ZINTER and ZRANGESTORE over those keys (some closing their
 * connections mid-flight); every reply that arrives must show the sum at zero — a union that saw one key
 * before a transaction and another after would not. Poppers race ZMPOP over overlapping key lists: every
 * member is popped at most once, and popped plus remaining is exactly what was added.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimCluster, engineModule, cmd, show } from './sim-cluster.js';

const SEEDS = Number(process.env.KEVY_SIM_SEEDS ?? 300);
const KEYS = Array.from({ length: 4 }, (_, i) => `zk:${i}`);

test('unions across shards see every transaction whole', async () => {
  const module = await engineModule();
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sim = createSimCluster(module, 2 + (seed % 3), seed);
    const setup = sim.connect();
    for (const k of KEYS) sim.send(setup, cmd('ZADD', k, 0, 'x', 1, `only:${k}`));
    sim.settle();
    const writers = Array.from({ length: 2 }, () => sim.connect());
    const readers = Array.from({ length: 3 }, () => sim.connect());
    const expected = new Map<number, string[]>();
    for (let round = 0; round < 8; round++) {
      for (const w of writers) {
        const from = KEYS[sim.int(KEYS.length)];
        const to = KEYS[sim.int(KEYS.length)];
        const n = 1 + sim.int(5);
        sim.send(w, Buffer.concat([cmd('MULTI'), cmd('ZINCRBY', from, n, 'x'), cmd('ZINCRBY', to, -n, 'x'), cmd('EXEC')]));
      }
      for (const r of readers) {
        const kind = sim.int(4);
        const list = expected.get(r.id) ?? [];
        if (kind === 0) {
          sim.send(r, cmd('ZUNION', KEYS.length, ...KEYS, 'WITHSCORES'));
          list.push('union');
        } else if (kind === 1) {
          sim.send(r, Buffer.concat([cmd('ZUNIONSTORE', `dst:${r.id}`, KEYS.length, ...KEYS), cmd('ZSCORE', `dst:${r.id}`, 'x')]));
          list.push('count', 'score');
        } else if (kind === 2) {
          sim.send(r, cmd('ZINTER', KEYS.length, ...KEYS, 'WITHSCORES'));
          list.push('union');
        } else {
          sim.send(r, cmd('ZRANGESTORE', `copy:${r.id}`, KEYS[sim.int(KEYS.length)], 0, -1));
          list.push('count');
        }
        expected.set(r.id, list);
        if (sim.int(30) === 0) sim.close(r);
      }
      for (let s = sim.int(12); s > 0; s--) sim.step();
    }
    sim.settle();
    for (const r of readers) {
      const replies = sim.drain(r).map(show);
      const kinds = expected.get(r.id) ?? [];
      if (!r.closedByClient) assert.is(replies.length, kinds.length, `seed ${seed}: a reader missed replies`);
      replies.forEach((reply, i) => {
        const kind = kinds[i];
        if (kind === 'union') {
          const flat = reply as string[];
          const at = flat.indexOf('x');
          assert.ok(at >= 0, `seed ${seed}: x missing from ${JSON.stringify(flat)}`);
          assert.is(flat[at + 1], '0', `seed ${seed}: a union saw a transaction half done: ${JSON.stringify(flat)}`);
        } else if (kind === 'score') {
          assert.is(reply, '0', `seed ${seed}: a stored union saw a transaction half done`);
        } else {
          assert.is(typeof reply, 'number', `seed ${seed}: ${JSON.stringify(reply)}`);
        }
      });
    }
    // No lock was left behind: a fresh client still gets an answer from every shard.
    const check = sim.connect();
    sim.send(check, cmd('ZUNION', KEYS.length, ...KEYS, 'WITHSCORES'));
    sim.settle();
    const [last] = sim.drain(check).map(show) as string[][];
    assert.is(last[last.indexOf('x') + 1], '0', `seed ${seed}: final union`);
  }
});

test('ZMPOP across shards pops every member at most once', async () => {
  const module = await engineModule();
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sim = createSimCluster(module, 2 + (seed % 3), seed);
    const setup = sim.connect();
    const all = new Set<string>();
    for (const k of KEYS) {
      const args: (string | number)[] = [];
      for (let i = 0; i < 12; i++) { args.push(i, `${k}/m${i}`); all.add(`${k}/m${i}`); }
      sim.send(setup, cmd('ZADD', k, ...args));
    }
    sim.settle();
    const poppers = Array.from({ length: 4 }, () => sim.connect());
    for (let round = 0; round < 6; round++) {
      for (const p of poppers) {
        const chosen = KEYS.filter(() => sim.int(2) === 0);
        if (chosen.length === 0) chosen.push(KEYS[sim.int(KEYS.length)]);
        sim.send(p, cmd('ZMPOP', chosen.length, ...chosen, sim.int(2) ? 'MIN' : 'MAX', 'COUNT', 1 + sim.int(4)));
      }
      for (let s = sim.int(12); s > 0; s--) sim.step();
    }
    sim.settle();
    const popped: string[] = [];
    for (const p of poppers) {
      for (const reply of sim.drain(p).map(show)) {
        if (reply === null) continue;
        const [key, pairs] = reply as [string, [string, string][]];
        for (const [member] of pairs) {
          assert.ok(member.startsWith(`${key}/`), `seed ${seed}: ${member} popped from ${key}`);
          popped.push(member);
        }
      }
    }
    const check = sim.connect();
    for (const k of KEYS) sim.send(check, cmd('ZRANGE', k, 0, -1));
    sim.settle();
    const left = (sim.drain(check).map(show) as string[][]).flat();
    const seen = [...popped, ...left].sort();
    assert.equal(seen, [...all].sort(), `seed ${seed}: members lost or duplicated`);
  }
});

test.run();
