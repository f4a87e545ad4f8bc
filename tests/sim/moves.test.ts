/**
 * Simulation: values that move between shards. One token lives on one of several keys spread over the
 * shards; clients keep RENAMEing and RENAMENXing it to random keys while readers MGET all of them. Other
 * clients race MSETNX over overlapping key sets. Invariants: every reader sees the token exactly once
 * (never twice, never nowhere); at the end exactly one key holds it; every key set by a successful
 * MSETNX holds that MSETNX's value and no failed MSETNX left anything behind.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimCluster, engineModule, cmd, show } from './sim-cluster.js';

const SEEDS = Number(process.env.KEVY_SIM_SEEDS ?? 500);
const SPOTS = Array.from({ length: 6 }, (_, i) => `spot:${i}`);

test('a renamed value is always in exactly one place', async () => {
  const module = await engineModule();
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sim = createSimCluster(module, 2 + (seed % 3), seed);
    const setup = sim.connect();
    sim.send(setup, cmd('SET', SPOTS[0], 'token'));
    sim.settle();
    const movers = Array.from({ length: 3 }, () => sim.connect());
    const readers = Array.from({ length: 2 }, () => sim.connect());
    const reads = new Map<number, number>();
    for (let round = 0; round < 10; round++) {
      for (const m of movers) {
        const from = SPOTS[sim.int(SPOTS.length)];
        const to = SPOTS[sim.int(SPOTS.length)];
        sim.send(m, cmd(sim.int(2) ? 'RENAME' : 'RENAMENX', from, to));
        if (sim.int(40) === 0) sim.close(m);
      }
      for (const r of readers) {
        sim.send(r, cmd('MGET', ...SPOTS));
        reads.set(r.id, (reads.get(r.id) ?? 0) + 1);
      }
      for (let s = sim.int(10); s > 0; s--) sim.step();
    }
    sim.settle();
    for (const r of readers) {
      const replies = sim.drain(r).map(show) as unknown[][];
      assert.is(replies.length, reads.get(r.id), `seed ${seed}: reader missed replies`);
      for (const values of replies) {
        const count = values.filter((v) => v === 'token').length;
        assert.is(count, 1, `seed ${seed}: a reader saw the token ${count} times: ${JSON.stringify(values)}`);
      }
    }
    const check = sim.connect();
    sim.send(check, cmd('MGET', ...SPOTS));
    sim.settle();
    const [last] = sim.drain(check).map(show) as unknown[][];
    assert.is(last.filter((v) => v === 'token').length, 1, `seed ${seed}: token lost or duplicated at the end`);
  }
});

test('MSETNX across shards is all or nothing', async () => {
  const module = await engineModule();
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sim = createSimCluster(module, 2 + (seed % 3), seed);
    const keys = Array.from({ length: 8 }, (_, i) => `nx:${i}`);
    const attempts: { client: number; keys: string[]; value: string }[] = [];
    const clients = Array.from({ length: 4 }, () => sim.connect());
    for (let round = 0; round < 3; round++) {
      for (const c of clients) {
        const chosen = keys.filter(() => sim.int(3) === 0);
        if (chosen.length === 0) chosen.push(keys[sim.int(keys.length)]);
        const value = `c${c.id}r${round}`;
        attempts.push({ client: c.id, keys: chosen, value });
        sim.send(c, cmd('MSETNX', ...chosen.flatMap((k) => [k, value])));
      }
      for (let s = sim.int(10); s > 0; s--) sim.step();
    }
    sim.settle();
    const results = new Map<number, unknown[]>();
    for (const c of clients) results.set(c.id, sim.drain(c).map(show));
    const check = sim.connect();
    sim.send(check, cmd('MGET', ...keys));
    sim.settle();
    const [values] = sim.drain(check).map(show) as unknown[][];
    const final = new Map(keys.map((k, i) => [k, values[i]]));
    const counters = new Map<number, number>();
    for (const a of attempts) {
      const i = counters.get(a.client) ?? 0;
      counters.set(a.client, i + 1);
      const won = results.get(a.client)![i];
      if (won === 1) {
        for (const k of a.keys) assert.is(final.get(k), a.value, `seed ${seed}: MSETNX ${a.value} won but ${k} holds ${final.get(k)}`);
      } else {
        assert.is(won, 0, `seed ${seed}: MSETNX replied ${JSON.stringify(won)}`);
        for (const v of final.values()) assert.is.not(v, a.value, `seed ${seed}: a failed MSETNX left ${a.value}`);
      }
    }
  }
});

test.run();
