/**
 * Simulation: set members that move between shards. A few tokens live as members of sets spread over
 * the shards (one spot is a string, so some moves end in WRONGTYPE); movers keep SMOVEing random tokens
 * between random spots and are closed at random mid-flight, while readers take atomic snapshots of every
 * spot (MULTI/SMEMBERS…/EXEC, and SUNION, which must always count every token) and other clients
 * SUNIONSTORE/SINTERSTORE into a scratch key across shards. Messages arrive in random order.
 * Invariants: every snapshot holds each token exactly once (never in two sets, never in none); every
 * SUNION counts all tokens; an SMOVE answers 1, 0 or WRONGTYPE and nothing else; at the end each token is
 * in exactly one set and the string spot is untouched.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimCluster, engineModule, cmd, show } from './sim-cluster.js';

const SEEDS = Number(process.env.KEVY_SIM_SEEDS ?? 500);
const SPOTS = Array.from({ length: 6 }, (_, i) => `sspot:${i}`);
const STRING_SPOT = 'sspot:str';
const TOKENS = ['t1', 't2', 't3', '42', '-7'];

/** Each token's count over the snapshot's SMEMBERS replies (one array per spot). */
function tokenCounts(sets: unknown[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const members of sets) for (const m of members) counts.set(String(m), (counts.get(String(m)) ?? 0) + 1);
  return counts;
}

test('a moved set member is always in exactly one set', async () => {
  const module = await engineModule();
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sim = createSimCluster(module, 2 + (seed % 3), seed);
    const setup = sim.connect();
    TOKENS.forEach((t, i) => sim.send(setup, cmd('SADD', SPOTS[i % SPOTS.length], t)));
    sim.send(setup, cmd('SET', STRING_SPOT, 'keep'));
    sim.settle();
    const targets = [...SPOTS, STRING_SPOT];
    const movers = Array.from({ length: 3 }, () => sim.connect());
    const snapshots = Array.from({ length: 2 }, () => sim.connect());
    const unions = sim.connect();
    const stores = sim.connect();
    const moverReplies = new Map<number, number>();
    let snaps = 0;
    let unionReads = 0;
    for (let round = 0; round < 10; round++) {
      for (const m of movers) {
        if (m.closedByClient) continue;
        const from = targets[sim.int(targets.length)];
        const to = targets[sim.int(targets.length)];
        sim.send(m, cmd('SMOVE', from, to, TOKENS[sim.int(TOKENS.length)]));
        moverReplies.set(m.id, (moverReplies.get(m.id) ?? 0) + 1);
        if (sim.int(40) === 0) sim.close(m);
      }
      for (const r of snapshots) {
        sim.send(r, Buffer.concat([cmd('MULTI'), ...SPOTS.map((s) => cmd('SMEMBERS', s)), cmd('EXEC')]));
        snaps++;
      }
      sim.send(unions, cmd('SUNION', ...SPOTS));
      unionReads++;
      const kind = sim.int(2) ? 'SUNIONSTORE' : 'SINTERSTORE';
      sim.send(stores, cmd(kind, 'sspot:scratch', SPOTS[sim.int(SPOTS.length)], SPOTS[sim.int(SPOTS.length)]));
      for (let s = sim.int(10); s > 0; s--) sim.step();
    }
    sim.settle();
    for (const m of movers) {
      if (m.closedByClient) continue;
      const replies = sim.drain(m).map(show);
      assert.is(replies.length, moverReplies.get(m.id), `seed ${seed}: a mover missed replies`);
      for (const r of replies) {
        assert.ok(r === 0 || r === 1 || String(r).startsWith('!WRONGTYPE'), `seed ${seed}: SMOVE replied ${JSON.stringify(r)}`);
      }
    }
    let seen = 0;
    for (const r of snapshots) {
      for (const reply of sim.drain(r).map(show)) {
        if (!Array.isArray(reply)) { assert.ok(reply === 'OK' || reply === 'QUEUED', `seed ${seed}: ${JSON.stringify(reply)}`); continue; }
        seen++;
        const counts = tokenCounts(reply as unknown[][]);
        for (const t of TOKENS) assert.is(counts.get(t), 1, `seed ${seed}: a snapshot saw ${t} ${counts.get(t) ?? 0} times: ${JSON.stringify(reply)}`);
        assert.is(counts.size, TOKENS.length, `seed ${seed}: a snapshot saw strangers: ${JSON.stringify(reply)}`);
      }
    }
    assert.is(seen, snaps, `seed ${seed}: snapshots missing`);
    const unionReplies = sim.drain(unions).map(show) as unknown[][];
    assert.is(unionReplies.length, unionReads, `seed ${seed}: SUNION replies missing`);
    for (const u of unionReplies) assert.equal([...u].map(String).sort(), [...TOKENS].sort(), `seed ${seed}: SUNION saw ${JSON.stringify(u)}`);
    const check = sim.connect();
    sim.send(check, Buffer.concat([...SPOTS.map((s) => cmd('SMEMBERS', s)), cmd('GET', STRING_SPOT)]));
    sim.settle();
    const last = sim.drain(check).map(show);
    assert.is(last.pop(), 'keep', `seed ${seed}: the string spot changed`);
    const counts = tokenCounts(last as unknown[][]);
    for (const t of TOKENS) assert.is(counts.get(t), 1, `seed ${seed}: at the end ${t} is in ${counts.get(t) ?? 0} sets`);
  }
});

test.run();
