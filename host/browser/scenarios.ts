/**
 * scenarios — the demo's guided scenarios, as data: who sends what, when, and what should come back.
 * Each has one sentence saying what to watch. The runner (scenario-runner.ts) creates fresh clients
 * (so their origin shards are consecutive, round-robin: different shards) and picks each `$key` on a
 * shard chosen for the current shard count (away from the clients named in `awayFrom`, then on the
 * least used shard), so the traffic crosses shards whatever the shard count.
 *
 * Step timing: `after` ms after the previous step was sent (or answered: a step waits for its reply
 * unless it `blocks`). `hold` is the delivery delay the scenario sets while it runs, so the steps can be
 * followed; the timings are written for it. `expect` is the reply in window.kevy.run's plain form
 * (bulk strings as text, errors as `{ error }`), `$key` replaced by the chosen key; `anyOf` lists every
 * acceptable outcome of a race, and `check` pins what must hold across steps whichever way it went.
 * `sameOnRedis`: one redis-server gives the same replies (the tests check the data against one).
 */
import type { Plain } from './resp.js';

export type Expect = Plain | { anyOf: Plain[] };

export interface ScenarioStep {
  client: string;
  /** The command; `$name` is the scenario's key `name`. */
  argv?: string[];
  /** The client disconnects (instead of a command). */
  disconnect?: true;
  /** ms to wait before this step. */
  after?: number;
  /** Do not wait for the reply before the next step (a blocking command). */
  blocks?: true;
  expect?: Expect;
}

export interface Scenario {
  id: string;
  title: string;
  /** What to watch, one or two sentences. */
  watch: string;
  /** Needs blocking commands in the engine. */
  blocking: boolean;
  /** Delivery delay while it runs (ms). */
  hold: number;
  /** Clients, in the order they are created. */
  clients: string[];
  /** Keys, in the order they are placed; `awayFrom`: not on these clients' origin shards if possible. */
  keys: Record<string, { awayFrom?: string[] }>;
  steps: ScenarioStep[];
  sameOnRedis: boolean;
  /** A condition across replies (indexed like steps); answers what is wrong, or undefined. */
  check?(replies: readonly (Plain | undefined)[], keys: Readonly<Record<string, string>>): string | undefined;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'forward',
    title: 'Keys on other shards',
    watch: 'A\'s connection lives on its origin shard; each key on the shard its hash slot names. A command on a key elsewhere is forwarded: REQ out, REP back. MSET and DEL span two shards, so they first LOCK both (ascending), run, then UNLOCK.',
    blocking: false,
    hold: 150,
    clients: ['A'],
    keys: { a: { awayFrom: ['A'] }, b: { awayFrom: ['A'] } },
    steps: [
      { client: 'A', argv: ['SET', '$a', '1'], expect: 'OK' },
      { client: 'A', argv: ['GET', '$a'], expect: '1' },
      { client: 'A', argv: ['MSET', '$a', 'x', '$b', 'y'], expect: 'OK' },
      { client: 'A', argv: ['MGET', '$a', '$b'], expect: ['x', 'y'] },
      { client: 'A', argv: ['DEL', '$a', '$b'], expect: 2 },
    ],
    sameOnRedis: true,
  },
  {
    id: 'transaction',
    title: 'A transaction across shards',
    watch: 'B writes a key A WATCHes: its owner sends DIRTY to A\'s shard, so A\'s first EXEC answers (nil). The second EXEC LOCKs both shards, runs each queued command there under the lock, then UNLOCKs.',
    blocking: false,
    hold: 150,
    clients: ['A', 'B'],
    keys: { a: { awayFrom: ['A'] }, b: { awayFrom: ['A'] } },
    steps: [
      { client: 'A', argv: ['SET', '$a', '1'], expect: 'OK' },
      { client: 'A', argv: ['WATCH', '$a'], expect: 'OK' },
      { client: 'B', argv: ['SET', '$a', '2'], expect: 'OK' },
      { client: 'A', argv: ['MULTI'], expect: 'OK' },
      { client: 'A', argv: ['INCR', '$a'], expect: 'QUEUED' },
      { client: 'A', argv: ['EXEC'], expect: null },
      { client: 'A', argv: ['MULTI'], expect: 'OK' },
      { client: 'A', argv: ['INCR', '$a'], expect: 'QUEUED' },
      { client: 'A', argv: ['LPUSH', '$b', 'x'], expect: 'QUEUED' },
      { client: 'A', argv: ['EXEC'], expect: [3, 1] },
    ],
    sameOnRedis: true,
  },
  {
    id: 'two-ready',
    title: 'Two keys ready at once',
    watch: 'A waits on two keys owned by two shards; one transaction fills both. Both owners signal READY to A\'s shard, the arbiter serves A from exactly one, and the other element stays in its list.',
    blocking: true,
    hold: 300,
    clients: ['A', 'B', 'C'],
    keys: { k1: { awayFrom: ['A'] }, k2: { awayFrom: ['A'] } },
    steps: [
      { client: 'A', argv: ['BLPOP', '$k1', '$k2', '0'], blocks: true, expect: { anyOf: [['$k1', 'a'], ['$k2', 'b']] } },
      { client: 'B', after: 400, argv: ['MULTI'], expect: 'OK' },
      { client: 'B', argv: ['LPUSH', '$k1', 'a'], expect: 'QUEUED' },
      { client: 'B', argv: ['LPUSH', '$k2', 'b'], expect: 'QUEUED' },
      { client: 'B', argv: ['EXEC'], expect: [1, 1] },
      { client: 'C', after: 3000, argv: ['LLEN', '$k1'], expect: { anyOf: [0, 1] } },
      { client: 'C', argv: ['LLEN', '$k2'], expect: { anyOf: [0, 1] } },
    ],
    sameOnRedis: true,
    check(replies, keys) {
      const got = replies[0];
      const left = [replies[5], replies[6]];
      if (!Array.isArray(got)) return 'A was not served';
      const served = got[0] === keys.k1 ? 0 : 1;
      if (left[served] !== 0 || left[1 - served] !== 1) return `A got ${JSON.stringify(got)} but the lists hold ${JSON.stringify(left)}`;
      return undefined;
    },
  },
  {
    id: 'fifo',
    title: 'FIFO among waiters from different shards',
    watch: 'A, B and C, each on its own shard, block on one key in that order. One push of three elements serves them first come, first served: the order the key\'s owner queued them (ARM), not the order their shards happen to answer.',
    blocking: true,
    hold: 250,
    clients: ['A', 'B', 'C', 'D'],
    keys: { q: { awayFrom: ['A', 'B', 'C'] } },
    steps: [
      { client: 'A', argv: ['BLPOP', '$q', '0'], blocks: true, expect: ['$q', '1'] },
      { client: 'B', after: 400, argv: ['BLPOP', '$q', '0'], blocks: true, expect: ['$q', '2'] },
      { client: 'C', after: 400, argv: ['BLPOP', '$q', '0'], blocks: true, expect: ['$q', '3'] },
      { client: 'D', after: 600, argv: ['RPUSH', '$q', '1', '2', '3'], expect: 3 },
    ],
    sameOnRedis: true,
  },
  {
    id: 'timeout-race',
    title: 'A timeout racing a serve',
    watch: 'A blocks for one second; B pushes just before it runs out, while messages crawl. Either A is served or A times out, never both: if the timeout wins, the element stays in the list.',
    blocking: true,
    hold: 400,
    clients: ['A', 'B', 'C'],
    keys: { q: { awayFrom: ['A'] } },
    steps: [
      { client: 'A', argv: ['BLPOP', '$q', '1'], blocks: true, expect: { anyOf: [null, ['$q', 'x']] } },
      { client: 'B', after: 900, argv: ['LPUSH', '$q', 'x'], expect: 1 },
      { client: 'C', after: 2500, argv: ['LLEN', '$q'], expect: { anyOf: [0, 1] } },
    ],
    sameOnRedis: true,
    check(replies) {
      const served = Array.isArray(replies[0]);
      const left = replies[2];
      if (served && left !== 0) return 'A was served and the element is still in the list';
      if (!served && left !== 1) return 'A timed out and the element is gone';
      return undefined;
    },
  },
  {
    id: 'disconnect',
    title: 'A client disconnects mid-serve',
    watch: 'A is blocked when B pushes. q\'s shard pops x for A at once (SERVED, held in escrow), but A\'s connection drops while x is on its way to A\'s shard. Nobody received it, so it goes back (RESTORE): the last LRANGE still shows x.',
    blocking: true,
    hold: 600,
    clients: ['A', 'B', 'C'],
    keys: { q: { awayFrom: ['A'] } },
    steps: [
      { client: 'A', argv: ['BLPOP', '$q', '0'], blocks: true },
      { client: 'B', after: 400, argv: ['LPUSH', '$q', 'x'], blocks: true, expect: 1 },
      // Less than one message hop after the push: x is still travelling to A's shard.
      { client: 'A', after: 300, disconnect: true },
      { client: 'C', after: 3500, argv: ['LRANGE', '$q', '0', '-1'], expect: ['x'] },
    ],
    // One Redis serves A the moment B pushes, before A can go: there the element is gone.
    sameOnRedis: false,
  },
  {
    id: 'blmove',
    title: 'BLMOVE across shards',
    watch: 'A waits to move an element from src to dst, each on another shard. When B pushes, the element leaves src and lands in dst in one step: nobody sees it in both, or in neither.',
    blocking: true,
    hold: 300,
    clients: ['A', 'B', 'C'],
    keys: { src: { awayFrom: ['A'] }, dst: { awayFrom: ['A'] } },
    steps: [
      { client: 'A', argv: ['BLMOVE', '$src', '$dst', 'LEFT', 'RIGHT', '0'], blocks: true, expect: 'x' },
      { client: 'B', after: 400, argv: ['RPUSH', '$src', 'x'], expect: 1 },
      { client: 'C', after: 3000, argv: ['LRANGE', '$dst', '0', '-1'], expect: ['x'] },
      { client: 'C', argv: ['LLEN', '$src'], expect: 0 },
    ],
    sameOnRedis: true,
  },
  {
    id: 'multi',
    title: 'BLPOP inside MULTI',
    watch: 'Inside a transaction a blocking command never blocks: on an empty list EXEC answers (nil) at once; once B has pushed, it pops like LPOP.',
    blocking: true,
    hold: 200,
    clients: ['A', 'B'],
    keys: { q: { awayFrom: ['A'] } },
    steps: [
      { client: 'A', argv: ['MULTI'], expect: 'OK' },
      { client: 'A', argv: ['BLPOP', '$q', '0'], expect: 'QUEUED' },
      { client: 'A', argv: ['EXEC'], expect: [null] },
      { client: 'B', argv: ['RPUSH', '$q', 'a'], expect: 1 },
      { client: 'A', argv: ['MULTI'], expect: 'OK' },
      { client: 'A', argv: ['BLPOP', '$q', '0'], expect: 'QUEUED' },
      { client: 'A', argv: ['EXEC'], expect: [['$q', 'a']] },
    ],
    sameOnRedis: true,
  },
];
