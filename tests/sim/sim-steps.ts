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
