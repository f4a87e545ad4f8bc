/**
 * sim-steps — what the seeded simulations share beyond the cluster itself: running a scenario over seeds
 * (KEVY_SIM_SEED replays one, KEVY_SIM_KEEP_GOING=1 lists every failing one), one command with its one
 * reply, reading INFO fields, and random picks from the scheduler's PRNG so a seed replays exactly.
 */
import * as assert from 'uvu/assert';
import { cmd, show, type SimClient, type SimCluster } from './sim-cluster.js';

const KEEP_GOING = process.env.KEVY_SIM_KEEP_GOING === '1';
const ONLY = process.env.KEVY_SIM_SEED ? Number(process.env.KEVY_SIM_SEED) : 0;

/**
 * Runs `body` for seeds 1..n (or KEVY_SIM_SEED alone). The first failure fails the test, unless
 * KEVY_SIM_KEEP_GOING=1: then every failing seed is printed and the test fails at the end with the count.
 * A failure that does not name its seed (an error thrown by a helper) is given `seed N (k shards)`, with
 * `shardsOf(seed)` shards.
 */
export function forSeeds(n: number, body: (seed: number) => void, shardsOf = (seed: number) => 2 + (seed % 3)): void {
  const seeds = ONLY ? [ONLY] : Array.from({ length: Math.max(1, Math.round(n)) }, (_, i) => i + 1);
  const failures: string[] = [];
  const run = (seed: number): void => {
    try { body(seed); } catch (err) {
      const m = (err as Error).message;
      if (m.startsWith('seed ')) throw err;
      assert.unreachable(`seed ${seed} (${shardsOf(seed)} shards): ${m}`);
    }
  };
  for (const seed of seeds) {
    if (!KEEP_GOING) { run(seed); continue; }
    try { run(seed); } catch (err) { failures.push((err as Error).message); console.log((err as Error).message); }
  }
  if (failures.length) assert.unreachable(`${failures.length} of ${seeds.length} seeds failed; the first: ${failures[0]}`);
}

/** Sends one command from a client with nothing in flight and delivers everything: its reply. */
export function call(sim: SimCluster, client: SimClient, ...argv: (string | number)[]): unknown {
  sim.drain(client); // earlier replies stay in client.replies, out of the way
  sim.send(client, cmd(...argv));
  sim.settle();
  const got = sim.drain(client).map(show);
  if (got.length !== 1) throw new Error(`${argv.join(' ')}: ${got.length} replies ${JSON.stringify(got)}`);
  return got[0];
}

export function infoField(info: unknown, field: string): number {
  const m = new RegExp(`\\r\\n${field}:(\\d+)\\r\\n`).exec(String(info));
  if (!m) throw new Error(`INFO has no ${field}: ${String(info)}`);
  return Number(m[1]);
}

export function pick<T>(sim: SimCluster, xs: readonly T[]): T { return xs[sim.int(xs.length)]; }

/** A random subset (at least `min`) in random order: "first non-empty key in argument order" in every order. */
export function subset(sim: SimCluster, xs: readonly string[], min = 1): string[] {
  const out = xs.filter(() => sim.int(3) === 0);
  while (out.length < min) {
    const x = pick(sim, xs);
    if (!out.includes(x)) out.push(x);
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = sim.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A blocking test's clients as the shared steps below see them. */
export interface ScriptedConsumer { client: SimClient; expected: readonly { text: string }[] }
export interface ScriptedProducer { client: SimClient; units: readonly { text: string; replies: number }[] }

/** Every client's commands and replies (KEVY_SIM_SEED runs print them to read a failure). */
export function dumpClients(sim: SimCluster, consumers: readonly ScriptedConsumer[], producers: readonly ScriptedProducer[]): void {
  for (const c of consumers) {
    sim.drain(c.client);
    console.log(`consumer ${c.client.id} (shard ${c.client.shard})${c.client.closedByClient ? ' closed' : ''}`);
    c.expected.forEach((e, i) => console.log(`  ${e.text} -> ${JSON.stringify(show(c.client.replies[i] ?? null))}${i >= c.client.replies.length ? ' (none)' : ''}`));
  }
  for (const p of producers) {
    sim.drain(p.client);
    console.log(`producer ${p.client.id} (shard ${p.client.shard})${p.client.closedByClient ? ' closed' : ''}: ${JSON.stringify(p.client.replies.map(show))}`);
    for (const u of p.units) console.log(`  ${u.text}`);
  }
}

/**
 * A producer's replies cut unit by unit: `each` gets every unit with the replies that came for it (all of
 * them when it was confirmed). An error reply, or a count that does not add up on a connection the
 * producer did not close, fails.
 */
export function eachProducerUnit<U extends { text: string; replies: number }>(sim: SimCluster,
  p: { client: SimClient; units: readonly U[] }, fail: (m: string) => never, each: (u: U, mine: unknown[]) => void): void {
  sim.drain(p.client);
  const got = p.client.replies.map(show);
  let at = 0;
  for (const u of p.units) {
    const mine = got.slice(at, at + u.replies);
    at += u.replies;
    for (const r of mine) if (typeof r === 'string' && r.startsWith('!')) fail(`producer ${p.client.id}: \`${u.text}\` answered ${r}`);
    each(u, mine);
  }
  if (!p.client.closedByClient && at !== got.length) fail(`producer ${p.client.id}: ${got.length} replies, ${at} expected`);
}

/** With `closing`: 12 steps, each closing a random waiter one time in five; then everything settles. */
export function settleWithCloses(sim: SimCluster, waiters: readonly SimClient[], closing: boolean): Set<number> {
  const closed = new Set<number>();
  if (closing) {
    for (let s = 0; s < 12; s++) {
      sim.step();
      if (sim.int(5) === 0) {
        const w = pick(sim, waiters);
        if (!closed.has(w.id)) { sim.drain(w); sim.close(w); closed.add(w.id); }
      }
    }
  }
  sim.settle();
  return closed;
}
