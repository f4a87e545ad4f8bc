/**
 * Simulation: blocking list commands across shards (DESIGN.md, "Blocking across shards"; issue 4).
 * Engines of 2–4 shards in one thread, messages between shards in random order (FIFO per pair only),
 * client bytes in random pieces, time moved by `advance` (which runs every engine's tick, the timeout
 * sweep). Scenarios, each over many seeds:
 *   - churn: producers push unique elements (several per command, inside MULTI/EXEC, moved by LMOVE),
 *     consumers run BLPOP/BRPOP/BLMPOP/BLMOVE/BRPOPLPUSH over random key sets with random timeouts and
 *     PING/ECHO pipelined behind, CLIENT UNBLOCK from a controller, clients closed at every point.
 *     Invariants: every pushed element is received exactly once or still in a list (none lost, none
 *     duplicated); every command gets at most one reply, in order (a PING behind a blocked command
 *     answers after it), and exactly one unless its connection closed; once messages stop, no client
 *     waits on a key that holds data; at the end INFO shows nobody blocked and fresh waiters on every key
 *     are still served (a registration left behind on a target would hold them up) and still time out;
 *   - FIFO: waiters from different shards block on one key in a known order; pushes go to them in that
 *     order, whatever the message order, including when some of them close while being served;
 *   - timeouts: never early, answered within one tick after the deadline, with Redis's null reply in
 *     RESP2 and RESP3; INFO blocked_clients / clients_in_timeout_table count them;
 *   - a close at the moment of a push (every step of the serve): the element is the closed client's
 *     only if it received it; otherwise it goes back and the next waiter gets it;
 *   - MULTI/EXEC: blocking commands answer null at once; pushes inside wake waiters after EXEC only;
 *   - CLIENT UNBLOCK (TIMEOUT, ERROR) of a client blocked on another shard's keys; CLIENT LIST flag b.
 * A failure names its seed; `KEVY_SIM_SEED=n` replays one seed (with `KEVY_SIM_TRACE=1` for messages).
 * `KEVY_SIM_SEEDS` scales every scenario's seed count (default 1500 churn seeds, the others in proportion);
 * `KEVY_SIM_KEEP_GOING=1` runs every seed and lists each failing one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimCluster, engineModule, cmd, show, type SimClient, type SimCluster } from './sim-cluster.js';
import { forSeeds, call, infoField, pick, subset, dumpClients, eachProducerUnit, settleWithCloses } from './sim-steps.js';

const TRACE = !!process.env.KEVY_SIM_TRACE;
const SEEDS = Number(process.env.KEVY_SIM_SEEDS ?? 1500);
const ONLY = process.env.KEVY_SIM_SEED ? Number(process.env.KEVY_SIM_SEED) : 0;
const KEYS = ['q0', 'q1', 'q2', 'q3', 'q4', 'q5'];
const UNBLOCKED = '!UNBLOCKED client unblocked via CLIENT UNBLOCK';

// The churn's ingredients, each on in the suite. To tell failures apart, turn one off and run with
// KEVY_SIM_KEEP_GOING=1: what still fails does not need it.
/** Commands pipelined behind blocking commands (PING, ECHO, more blocking commands). */
const PIPELINE_BEHIND = true;
/** Consumers closed while a blocking command of theirs is just starting (not yet waiting). */
const CLOSE_WHILE_STARTING = true;
/** CLIENT UNBLOCK during the run (one round in UNBLOCK_DURING) and at the end. */
const UNBLOCK_DURING = 4;
const UNBLOCK_AT_END = true;
/**
 * True: no element may be lost, even when a consumer closes right after sending a blocking command that
 * another shard serves at once from its data (Redis itself pops for a command it read before it saw the
 * close, and the element goes with the connection). False: such closes may lose at most the count of the
 * command they interrupted; closes of waiting commands must still lose nothing.
 */
const STRICT_CLOSE = true;





// ---------------------------------------------------------------------------------------------------
// churn

interface BlockExpect {
  kind: 'block';
  text: string;
  name: string;
  keys: string[];
  dest: string | null;
  timeout: number;
  count: number;
}
interface PlainExpect { kind: 'plain'; text: string; reply: unknown }
type Expect = BlockExpect | PlainExpect;

/**
 * `settledAt`: how many replies it had when messages last stopped, `settledSent` how many commands it
 * had sent then: if it had more commands than replies, its current command was waiting (see `closeConsumer`).
 */
interface Consumer { client: SimClient; expected: Expect[]; settledAt: number; settledSent: number }

/** A producer's command (or MULTI…EXEC block): its reply count and the elements it pushes. */
interface Unit { replies: number; pushed: string[]; pops: number[]; text: string }
interface Producer { client: SimClient; units: Unit[]; mayClose: boolean }

interface Unblock { target: number; how: 'TIMEOUT' | 'ERROR' }

const TIMEOUTS = ['0', '0', '0', '0.01', '0.05', '0.2', '0.5', '1.5'];

function blockingCommand(sim: SimCluster): { argv: string[]; e: BlockExpect } {
  const timeoutText = pick(sim, TIMEOUTS);
  const timeout = Number(timeoutText);
  const end = (): string => (sim.int(2) ? 'LEFT' : 'RIGHT');
  switch (sim.int(5)) {
    case 0: case 1: {
      const name = sim.int(2) ? 'BLPOP' : 'BRPOP';
      const keys = subset(sim, KEYS);
      const argv = [name, ...keys, timeoutText];
      return { argv, e: { kind: 'block', text: argv.join(' '), name, keys, dest: null, timeout, count: 1 } };
    }
    case 2: {
      const keys = subset(sim, KEYS);
      const count = sim.int(2) ? 1 : 1 + sim.int(3);
      const argv = ['BLMPOP', timeoutText, String(keys.length), ...keys, end()];
      if (count > 1 || sim.int(2)) argv.push('COUNT', String(count));
      return { argv, e: { kind: 'block', text: argv.join(' '), name: 'BLMPOP', keys, dest: null, timeout, count } };
    }
    case 3: {
      const src = pick(sim, KEYS);
      const dest = pick(sim, KEYS);
      const argv = ['BLMOVE', src, dest, end(), end(), timeoutText];
      return { argv, e: { kind: 'block', text: argv.join(' '), name: 'BLMOVE', keys: [src], dest, timeout, count: 1 } };
    }
    default: {
      const src = pick(sim, KEYS);
      const dest = pick(sim, KEYS);
      const argv = ['BRPOPLPUSH', src, dest, timeoutText];
      return { argv, e: { kind: 'block', text: argv.join(' '), name: 'BRPOPLPUSH', keys: [src], dest, timeout, count: 1 } };
    }
  }
}

/** A batch for a consumer: one or two blocking commands, PING / ECHO behind them. */
function consumerBatch(sim: SimCluster, c: Consumer, tag: () => string): Buffer {
  const out: Buffer[] = [];
  const blocks = 1 + (sim.int(4) === 0 && PIPELINE_BEHIND ? 1 : 0);
  for (let b = 0; b < blocks; b++) {
    const { argv, e } = blockingCommand(sim);
    out.push(cmd(...argv));
    c.expected.push(e);
    if (sim.int(2) === 0 && PIPELINE_BEHIND) {
      out.push(cmd('PING'));
      c.expected.push({ kind: 'plain', text: 'PING', reply: 'PONG' });
    }
    if (sim.int(3) === 0 && PIPELINE_BEHIND) {
      const t = tag();
      out.push(cmd('ECHO', t));
      c.expected.push({ kind: 'plain', text: `ECHO ${t}`, reply: t });
    }
  }
  return Buffer.concat(out);
}

function producerUnit(sim: SimCluster, p: Producer, element: () => string): Buffer {
  const push = (): { argv: string[]; pushed: string[] } => {
    const pushed = Array.from({ length: 1 + (sim.int(3) === 0 ? sim.int(4) : 0) }, element);
    return { argv: [sim.int(2) ? 'RPUSH' : 'LPUSH', pick(sim, KEYS), ...pushed], pushed };
  };
  const r = sim.int(10);
  if (r < 6) {
    const { argv, pushed } = push();
    p.units.push({ replies: 1, pushed, pops: [], text: argv.join(' ') });
    return cmd(...argv);
  }
  if (r < 8) {
    const n = 1 + sim.int(3);
    const parts: Buffer[] = [cmd('MULTI')];
    const pushed: string[] = [];
    const texts = ['MULTI'];
    for (let i = 0; i < n; i++) {
      if (sim.int(4) === 0) {
        const argv = ['LMOVE', pick(sim, KEYS), pick(sim, KEYS), sim.int(2) ? 'LEFT' : 'RIGHT', sim.int(2) ? 'LEFT' : 'RIGHT'];
        parts.push(cmd(...argv));
        texts.push(argv.join(' '));
        continue;
      }
      const x = push();
      parts.push(cmd(...x.argv));
      texts.push(x.argv.join(' '));
      pushed.push(...x.pushed);
    }
    parts.push(cmd('EXEC'));
    texts.push('EXEC');
    p.units.push({ replies: n + 2, pushed, pops: [], text: texts.join(' | ') });
    return Buffer.concat(parts);
  }
  if (r < 9 || p.mayClose) {
    const argv = sim.int(2)
      ? ['LMOVE', pick(sim, KEYS), pick(sim, KEYS), sim.int(2) ? 'LEFT' : 'RIGHT', sim.int(2) ? 'LEFT' : 'RIGHT']
      : ['RPOPLPUSH', pick(sim, KEYS), pick(sim, KEYS)];
    p.units.push({ replies: 1, pushed: [], pops: [], text: argv.join(' ') });
    return cmd(...argv);
  }
  // A plain pop, only by a producer that never closes: what it took is known.
  const argv = [sim.int(2) ? 'LPOP' : 'RPOP', pick(sim, KEYS)];
  p.units.push({ replies: 1, pushed: [], pops: [0], text: argv.join(' ') });
  return cmd(...argv);
}

/** Checks a blocking command's reply; returns the elements it consumed (a move consumes nothing). */
function checkBlockReply(fail: (m: string) => never, e: BlockExpect, got: unknown, known: Set<string>,
  counters: { nullsOnForever: number; errors: number }): string[] {
  if (got === null) {
    if (e.timeout === 0) counters.nullsOnForever++;
    return [];
  }
  if (got === UNBLOCKED) { counters.errors++; return []; }
  if (e.dest !== null) {
    if (typeof got !== 'string' || !known.has(got)) fail(`${e.text} answered ${JSON.stringify(got)}`);
    return [];
  }
  if (!Array.isArray(got) || got.length !== 2 || !e.keys.includes(got[0] as string)) {
    fail(`${e.text} answered ${JSON.stringify(got)}`);
  }
  const elems = e.name === 'BLMPOP' ? got[1] : [got[1]];
  if (!Array.isArray(elems) || elems.length < 1 || elems.length > e.count) fail(`${e.text} answered ${JSON.stringify(got)}`);
  for (const x of elems as unknown[]) {
    if (typeof x !== 'string' || !known.has(x)) fail(`${e.text} answered an element never pushed: ${JSON.stringify(got)}`);
  }
  return elems as string[];
}

function churnSeed(module: WebAssembly.Module, seed: number): void {
  const shards = 2 + (seed % 3);
  const sim = createSimCluster(module, shards, seed);
  const fail = (m: string): never => {
    if (ONLY) dump();
    return assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
  };
  const dump = (): void => dumpClients(sim, consumers, producers);
  let nextElement = 0;
  let nextTag = 0;
  const element = (): string => `e${nextElement++}`;
  const tag = (): string => `t${nextTag++}`;
  const producers: Producer[] = [
    { client: sim.connect(), units: [], mayClose: false },
    { client: sim.connect(), units: [], mayClose: true },
  ];
  const consumers: Consumer[] = Array.from({ length: 3 + sim.int(2) }, () => ({ client: sim.connect(), expected: [], settledAt: 0, settledSent: 0 }));
  const controller = sim.connect();
  const unblocks: Unblock[] = [];
  const checkerUnblocks: Unblock[] = [];
  const maxConsumers = consumers.length + 4;

  /** Replies received so far (moved from the inbox into `replies`). */
  const answered = (c: Consumer): number => { sim.drain(c.client); return c.client.replies.length; };
  const outstanding = (c: Consumer): number => c.expected.length - answered(c);
  const current = (c: Consumer): Expect | undefined => c.expected[answered(c)];
  /**
   * Closes a consumer. A command that was waiting (blocked when messages last stopped, no reply since)
   * is served under escrow: a close loses nothing. One that started since may be popping right now on
   * another shard for a connection that then closes (as Redis pops for a command it read before it saw
   * the close): unless STRICT_CLOSE, its count is the most the close may lose.
   */
  let mayLose = 0;
  const closeConsumer = (c: Consumer): void => {
    const e = current(c);
    const waiting = answered(c) === c.settledAt && c.settledAt < c.settledSent;
    if (!CLOSE_WHILE_STARTING && e && !waiting) return;
    if (e && e.kind === 'block' && !waiting) mayLose += e.count;
    if (TRACE) console.log(`client ${c.client.id} closes${e ? ` in \`${e.text}\`` : ''}`);
    sim.close(c.client);
  };
  const settleAll = (): void => {
    sim.settle();
    for (const c of consumers) { c.settledAt = answered(c); c.settledSent = c.expected.length; }
  };
  const rounds = 10 + sim.int(10);
  for (let round = 0; round < rounds; round++) {
    if (sim.int(3) === 0) settleAll();
    for (const p of producers) {
      if (p.client.closedByClient) continue;
      if (p.mayClose && sim.int(30) === 0) { sim.close(p.client); continue; }
      sim.send(p.client, producerUnit(sim, p, element));
      if (sim.int(4) === 0) {
        // A close right after a push, while a serve may be in flight.
        for (let s = sim.int(4); s > 0; s--) sim.step();
        const live = consumers.filter((c) => !c.client.closedByClient);
        if (live.length) closeConsumer(pick(sim, live));
      }
      for (let s = sim.int(4); s > 0; s--) sim.step();
    }
    for (const c of consumers) {
      if (c.client.closedByClient) continue;
      if (sim.int(25) === 0) { closeConsumer(c); continue; }
      if (outstanding(c) < (PIPELINE_BEHIND ? 3 : 1) && sim.int(2) === 0) sim.send(c.client, consumerBatch(sim, c, tag));
      for (let s = sim.int(3); s > 0; s--) sim.step();
    }
    if (UNBLOCK_DURING && sim.int(UNBLOCK_DURING) === 0) {
      const target = pick(sim, consumers).client.id;
      const how = sim.int(2) ? 'TIMEOUT' : 'ERROR';
      unblocks.push({ target, how });
      sim.send(controller, sim.int(3) === 0 && how === 'TIMEOUT' ? cmd('CLIENT', 'UNBLOCK', target) : cmd('CLIENT', 'UNBLOCK', target, how));
    }
    if (sim.int(3) === 0) sim.advance(sim.int(400));
    while (consumers.length < maxConsumers && consumers.filter((c) => !c.client.closedByClient).length < 3) {
      consumers.push({ client: sim.connect(), expected: [], settledAt: 0, settledSent: 0 });
    }
    for (let s = sim.int(6); s > 0; s--) sim.step();
  }
  sim.settle();

  const checker = sim.connect();
  const lengths = (): Map<string, number> => {
    const m = new Map<string, number>();
    for (const k of KEYS) m.set(k, call(sim, checker, 'LLEN', k) as number);
    return m;
  };
  /** No lost wakeup: once messages stop, a client still blocked waits only on empty keys. */
  const checkNoLostWakeup = (when: string): void => {
    // The LLENs take steps, and a step may move the clock (a tick: timeouts fire, pipelined commands
    // start): the lengths count only if no consumer moved on meanwhile.
    let len = new Map<string, number>();
    for (let attempt = 0; ; attempt++) {
      const before = consumers.map(answered).join();
      len = lengths();
      if (consumers.map(answered).join() === before) break;
      if (attempt === 10) return;
    }
    for (const c of consumers) {
      if (c.client.closedByClient) continue;
      const e = current(c);
      if (e === undefined) continue;
      if (e.kind !== 'block') { fail(`client ${c.client.id}: ${e.text} (behind its blocking commands) unanswered ${when}`); continue; }
      for (const k of e.keys) {
        if (len.get(k)! > 0) fail(`client ${c.client.id} still blocked in \`${e.text}\` ${when} while ${k} holds ${len.get(k)} elements`);
      }
    }
  };
  checkNoLostWakeup('after the run');

  // Positive timeouts all expire (answered within a tick); what remains waits forever.
  for (let i = 0; i < 8; i++) {
    sim.advance(2000);
    sim.settle();
  }
  for (const c of consumers) {
    if (c.client.closedByClient) continue;
    const e = current(c);
    if (e && e.kind === 'block' && e.timeout > 0) fail(`client ${c.client.id}: \`${e.text}\` not timed out 16 s later`);
  }
  checkNoLostWakeup('after the timeouts');

  // Whoever still waits is served by a push onto one of its keys, or unblocked, command after command,
  // until every command has its reply.
  const finisher: Producer = { client: sim.connect(), units: [], mayClose: false };
  producers.push(finisher);
  for (let guard = 0; ; guard++) {
    const waiting = consumers.filter((c) => !c.client.closedByClient && current(c) !== undefined);
    if (waiting.length === 0) break;
    if (guard > 20) fail(`clients ${waiting.map((c) => c.client.id).join(',')} never answered`);
    checkNoLostWakeup('before the final pushes and unblocks');
    for (const c of waiting) {
      const e = current(c);
      if (e === undefined) continue; // served by an earlier push of this loop
      if (e.kind !== 'block') { fail(`client ${c.client.id}: \`${e.text}\` unanswered`); continue; }
      if (UNBLOCK_AT_END && sim.int(2) === 0) {
        const how = sim.int(2) ? 'TIMEOUT' : 'ERROR';
        const r = call(sim, checker, 'CLIENT', 'UNBLOCK', c.client.id, how);
        if (r !== 1) fail(`CLIENT UNBLOCK ${c.client.id} ${how} of a client blocked in \`${e.text}\` answered ${JSON.stringify(r)}`);
        checkerUnblocks.push({ target: c.client.id, how });
      } else {
        const x = element();
        const argv = ['RPUSH', pick(sim, e.keys), x];
        call(sim, finisher.client, ...argv);
        finisher.units.push({ replies: 1, pushed: [x], pops: [], text: argv.join(' ') });
      }
      sim.settle();
    }
  }

  // Replies: at most one per command, in order, each one possible.
  sim.drain(controller);
  const controllerReplies = controller.replies.map(show);
  if (controllerReplies.length !== unblocks.length) fail(`${controllerReplies.length} replies to ${unblocks.length} CLIENT UNBLOCK`);
  const effective = new Map<number, { timeout: number; error: number }>();
  // The checker's were asserted to answer 1 above.
  [...unblocks, ...checkerUnblocks].forEach((u, i) => {
    const r = i < controllerReplies.length ? controllerReplies[i] : 1;
    if (r !== 0 && r !== 1) fail(`CLIENT UNBLOCK ${u.target} ${u.how} answered ${JSON.stringify(r)}`);
    if (r === 1) {
      const x = effective.get(u.target) ?? { timeout: 0, error: 0 };
      if (u.how === 'TIMEOUT') x.timeout++; else x.error++;
      effective.set(u.target, x);
    }
  });
  const known = new Set<string>();
  for (const p of producers) for (const u of p.units) for (const x of u.pushed) known.add(x);
  const consumed: string[] = [];
  for (const c of consumers) {
    sim.drain(c.client);
    const got = c.client.replies.map(show);
    if (got.length > c.expected.length) fail(`client ${c.client.id}: ${got.length} replies to ${c.expected.length} commands: ${JSON.stringify(got)}`);
    if (!c.client.closedByClient && got.length !== c.expected.length) fail(`client ${c.client.id}: ${got.length} replies to ${c.expected.length} commands`);
    const counters = { nullsOnForever: 0, errors: 0 };
    got.forEach((r, i) => {
      const e = c.expected[i];
      const context = `client ${c.client.id} reply #${i} to \`${e.text}\` (commands: ${c.expected.map((x) => x.text).join(' ; ')})`;
      if (e.kind === 'plain') {
        if (JSON.stringify(r) !== JSON.stringify(e.reply)) fail(`${context}: got ${JSON.stringify(r)}`);
        return;
      }
      consumed.push(...checkBlockReply((m) => fail(`${context}: ${m}`), e, r, known, counters));
    });
    const allowed = effective.get(c.client.id) ?? { timeout: 0, error: 0 };
    if (counters.nullsOnForever > allowed.timeout) {
      fail(`client ${c.client.id}: ${counters.nullsOnForever} timeout-0 commands answered null, ${allowed.timeout} CLIENT UNBLOCK TIMEOUT took effect`);
    }
    if (counters.errors > allowed.error) fail(`client ${c.client.id}: ${counters.errors} UNBLOCKED errors, ${allowed.error} CLIENT UNBLOCK ERROR took effect`);
  }

  // Producers: replies in shape; pushes confirmed by their reply must be found exactly once.
  const confirmed = new Set<string>();
  const maybe = new Set<string>();
  for (const p of producers) {
    eachProducerUnit(sim, p, fail, (u, mine) => {
      if (mine.length === u.replies) for (const x of u.pushed) confirmed.add(x);
      else for (const x of u.pushed) maybe.add(x);
      for (const i of u.pops) if (mine[i] !== null && mine[i] !== undefined) consumed.push(mine[i] as string);
    });
  }

  // Conservation: received + remaining == pushed, each element once.
  const found = new Map<string, string>();
  const note = (x: string, where: string): void => {
    if (!known.has(x)) fail(`${where} holds ${JSON.stringify(x)}, never pushed`);
    if (found.has(x)) fail(`element ${x} twice: ${found.get(x)} and ${where}`);
    found.set(x, where);
  };
  for (const x of consumed) note(x, 'received by a client');
  for (const k of KEYS) {
    const items = call(sim, checker, 'LRANGE', k, 0, -1) as string[];
    for (const x of items) note(x, `list ${k}`);
  }
  const lost = [...confirmed].filter((x) => !found.has(x));
  if (lost.length > (STRICT_CLOSE ? 0 : mayLose)) {
    fail(`elements ${lost.join(',')} (pushes confirmed) lost: neither received nor in a list` +
      (mayLose ? ` (closes of consumers whose command had just started could explain ${mayLose})` : ''));
  }

  // Nobody blocked anywhere; fresh waiters on every key are served (nothing left registered) and time out.
  const info = call(sim, checker, 'INFO', 'clients');
  if (infoField(info, 'blocked_clients') !== 0) fail(`blocked_clients ${infoField(info, 'blocked_clients')} at the end`);
  if (infoField(info, 'clients_in_timeout_table') !== 0) fail(`clients_in_timeout_table ${infoField(info, 'clients_in_timeout_table')} at the end`);
  call(sim, checker, 'DEL', ...KEYS);
  const fresh = KEYS.map((k) => {
    const c = sim.connect();
    sim.send(c, cmd('BLPOP', k, 0));
    sim.settle();
    return c;
  });
  const info2 = call(sim, checker, 'INFO', 'clients');
  if (infoField(info2, 'blocked_clients') !== KEYS.length) fail(`blocked_clients ${infoField(info2, 'blocked_clients')} with ${KEYS.length} fresh waiters`);
  const late = sim.connect();
  sim.send(late, cmd('BLPOP', ...KEYS, '5'));
  sim.settle();
  for (const k of KEYS) call(sim, checker, 'RPUSH', k, `fresh-${k}`);
  sim.settle();
  fresh.forEach((c, i) => {
    const got = sim.drain(c).map(show);
    if (JSON.stringify(got) !== JSON.stringify([[KEYS[i], `fresh-${KEYS[i]}`]])) {
      fail(`a fresh waiter on ${KEYS[i]} got ${JSON.stringify(got)}: a registration was left behind`);
    }
  });
  // `late` came after the fresh waiters on every key: it gets nothing, then times out.
  const early = sim.drain(late).map(show);
  if (early.length !== 0) fail(`a waiter on every key, blocked after the fresh ones, was served: ${JSON.stringify(early)}; fresh ones: ${JSON.stringify(fresh.map((c) => c.replies.map(show)))}`);
  sim.advance(5100);
  sim.settle();
  const timedOut = sim.drain(late).map(show);
  if (JSON.stringify(timedOut) !== '[null]') fail(`a fresh BLPOP with a 5 s timeout answered ${JSON.stringify(timedOut)}`);
}

test('churn: every element popped once or still listed, one reply per command, nothing left behind', async () => {
  const module = await engineModule();
  forSeeds(SEEDS, (seed) => churnSeed(module, seed));
});

// ---------------------------------------------------------------------------------------------------
// FIFO per key

test('FIFO: waiters from every shard on one key are served in the order they blocked', async () => {
  const module = await engineModule();
  forSeeds(SEEDS, (seed) => {
    const shards = 2 + (seed % 3);
    const sim = createSimCluster(module, shards, seed);
    const fail = (m: string): never => assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
    const key = 'fifo';
    const closing = seed % 2 === 0; // half the seeds close waiters mid-serve
    const fromHead = sim.int(2) === 0;
    const n = 3 + sim.int(4);
    const waiters: SimClient[] = [];
    for (let i = 0; i < n; i++) {
      const c = sim.connect(i % shards);
      // Some wait on another (empty) key too, on another shard: the multi-shard arm.
      const others = sim.int(3) === 0 ? [pick(sim, KEYS)] : [];
      const argv = sim.int(3) === 0
        ? ['BLMPOP', '0', String(1 + others.length), key, ...others, fromHead ? 'LEFT' : 'RIGHT']
        : [fromHead ? 'BLPOP' : 'BRPOP', key, ...others, '0'];
      sim.send(c, cmd(...argv));
      sim.settle();
      waiters.push(c);
    }
    const producer = sim.connect();
    const k = 1 + sim.int(n - 1);
    const elements = Array.from({ length: k }, (_, i) => `f${i}`);
    const single = sim.int(2) === 0;
    if (single) {
      sim.send(producer, cmd('RPUSH', key, ...elements));
    } else {
      for (const x of elements) sim.send(producer, cmd('RPUSH', key, x));
    }
    const closed = settleWithCloses(sim, waiters, closing);
    const got = waiters.map((w) => { sim.drain(w); return w.replies.map(show); });
    const remaining = call(sim, producer, 'LRANGE', key, 0, -1) as string[];
    const received: string[] = [];
    got.forEach((g, i) => {
      if (g.length > 1) fail(`waiter ${i} got ${g.length} replies`);
      if (g.length === 1) {
        const r = g[0] as unknown[];
        const elems = Array.isArray(r[1]) ? r[1] as string[] : [r[1] as string];
        if (r[0] !== key || elems.length !== 1) fail(`waiter ${i} got ${JSON.stringify(g[0])}`);
        received.push(elems[0]);
      }
    });
    const all = [...received, ...remaining].sort();
    if (JSON.stringify(all) !== JSON.stringify([...elements].sort())) {
      fail(`elements received ${JSON.stringify(received)} + listed ${JSON.stringify(remaining)} != pushed ${JSON.stringify(elements)}`);
    }
    if (!closing && (single || fromHead)) {
      // Exactly the first k waiters, in order: the i-th gets the i-th element from its end. (Pops from
      // the tail after one push per element depend on how the serves interleave with the pushes.)
      got.forEach((g, i) => {
        const want = i < k ? [[key, fromHead ? elements[i] : elements[k - 1 - i]]] : [];
        const norm = g.map((r) => { const a = r as unknown[]; return [a[0], Array.isArray(a[1]) ? a[1][0] : a[1]]; });
        if (JSON.stringify(norm) !== JSON.stringify(want)) {
          fail(`waiter ${i} of ${n} (pushed ${k}, ${fromHead ? 'from the head' : 'from the tail'}) got ${JSON.stringify(g)}, want ${JSON.stringify(want)}`);
        }
      });
      if (remaining.length !== 0) fail(`elements left in the list with waiters blocked: ${JSON.stringify(remaining)}`);
    } else {
      // Without closes, exactly the first k waiters got one element each.
      if (!closing) got.forEach((g, i) => { if (g.length !== (i < k ? 1 : 0)) fail(`waiter ${i} of ${n} (pushed ${k}) got ${JSON.stringify(g)}`); });
      // Nobody skipped: no live waiter still waiting is ahead of a waiter that was served.
      let lastServed = -1;
      got.forEach((g, i) => { if (g.length === 1) lastServed = i; });
      waiters.forEach((w, i) => {
        if (i < lastServed && !closed.has(w.id) && got[i].length === 0) {
          fail(`waiter ${i} still waits while waiter ${lastServed}, behind it, was served (closed: ${[...closed].join(',')})`);
        }
      });
      const stillWaiting = waiters.filter((w, i) => !closed.has(w.id) && got[i].length === 0);
      if (stillWaiting.length > 0 && remaining.length > 0) {
        fail(`${stillWaiting.length} live waiters blocked while the list holds ${JSON.stringify(remaining)}`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// timeouts

test('timeouts: not before the deadline, within a tick after it, Redis null replies in RESP2 and RESP3', async () => {
  const module = await engineModule();
  forSeeds(SEEDS / 4, (seed) => {
    const shards = 2 + (seed % 3);
    const sim = createSimCluster(module, shards, seed);
    const fail = (m: string): never => assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
    const n = 2 + sim.int(4);
    const waiters: { c: SimClient; text: string; timeout: number; want: string }[] = [];
    for (let i = 0; i < n; i++) {
      const c = sim.connect();
      const resp3 = sim.int(2) === 0;
      if (resp3) call(sim, c, 'HELLO', '3');
      const timeout = pick(sim, [2.5, 4, 7.25]);
      const keys = subset(sim, KEYS);
      let argv: string[];
      switch (sim.int(4)) {
        case 0: argv = ['BLPOP', ...keys, String(timeout)]; break;
        case 1: argv = ['BRPOP', ...keys, String(timeout)]; break;
        case 2: argv = ['BLMPOP', String(timeout), String(keys.length), ...keys, 'RIGHT', 'COUNT', '2']; break;
        // Redis 7.0 answers every list command's timeout with a null array, BLMOVE's too (a null bulk is
        // only for BLMOVE inside MULTI, which does not block).
        default: argv = ['BLMOVE', keys[0], pick(sim, KEYS), 'LEFT', 'RIGHT', String(timeout)];
      }
      sim.send(c, cmd(...argv));
      waiters.push({ c, text: argv.join(' '), timeout, want: resp3 ? '_\r\n' : '*-1\r\n' });
    }
    const forever = sim.connect();
    sim.send(forever, cmd('BRPOPLPUSH', pick(sim, KEYS), pick(sim, KEYS), '0'));
    sim.settle();
    const checker = sim.connect();
    const info = call(sim, checker, 'INFO', 'clients');
    if (infoField(info, 'blocked_clients') !== n + 1) fail(`blocked_clients ${infoField(info, 'blocked_clients')}, want ${n + 1}`);
    if (infoField(info, 'clients_in_timeout_table') !== n) fail(`clients_in_timeout_table ${infoField(info, 'clients_in_timeout_table')}, want ${n}`);
    // Moved to 1 s before the earliest deadline (in ticks of 100 ms): nobody answered yet.
    let elapsed = 0;
    const earliest = Math.min(...waiters.map((w) => w.timeout)) * 1000;
    while (elapsed + 100 <= earliest - 1000) { sim.advance(100); elapsed += 100; }
    sim.settle();
    for (const w of waiters) if (w.c.inbox.length) fail(`\`${w.text}\` answered ${JSON.stringify(w.c.inbox.toString())} after ${elapsed} ms`);
    // Then tick by tick: each answers at the first tick at or after its deadline (small slack for settle).
    const answeredAt = new Map<SimClient, number>();
    while (elapsed < 9000) {
      sim.advance(100);
      elapsed += 100;
      for (const w of waiters) if (w.c.inbox.length && !answeredAt.has(w.c)) answeredAt.set(w.c, elapsed);
    }
    sim.settle();
    for (const w of waiters) {
      const at = answeredAt.get(w.c);
      if (at === undefined) fail(`\`${w.text}\` never timed out`);
      if (at! < w.timeout * 1000 - 400) fail(`\`${w.text}\` timed out after ${at} ms`);
      if (at! > w.timeout * 1000 + 100) fail(`\`${w.text}\` timed out only after ${at} ms`);
      const bytes = w.c.inbox.toString('latin1');
      if (bytes !== w.want) fail(`\`${w.text}\` timed out with ${JSON.stringify(bytes)}, want ${JSON.stringify(w.want)}`);
    }
    if (forever.inbox.length) fail(`a timeout-0 BRPOPLPUSH answered ${JSON.stringify(forever.inbox.toString())}`);
    const info2 = call(sim, checker, 'INFO', 'clients');
    if (infoField(info2, 'blocked_clients') !== 1) fail(`blocked_clients ${infoField(info2, 'blocked_clients')} after the timeouts, want 1`);
    if (infoField(info2, 'clients_in_timeout_table') !== 0) fail(`clients_in_timeout_table ${infoField(info2, 'clients_in_timeout_table')} after the timeouts`);
  });
});

// ---------------------------------------------------------------------------------------------------
// a close at every step of a serve

test('a waiter closed at any step of its serve: the element is its own only if it got it, else the next waiter gets it', async () => {
  const module = await engineModule();
  forSeeds(SEEDS, (seed) => {
    const shards = 2 + (seed % 3);
    const sim = createSimCluster(module, shards, seed);
    const fail = (m: string): never => assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
    const src = pick(sim, KEYS);
    const dest = pick(sim, KEYS.filter((k) => k !== src));
    const victim = sim.connect();
    const kind = sim.int(3);
    const victimCmd = kind === 0 ? ['BLPOP', src, pick(sim, KEYS), '0']
      : kind === 1 ? ['BLMPOP', '0', '1', src, 'LEFT', 'COUNT', String(1 + sim.int(3))]
        : ['BLMOVE', src, dest, 'LEFT', 'RIGHT', '0'];
    sim.send(victim, cmd(...victimCmd));
    sim.settle();
    const next = sim.connect();
    sim.send(next, cmd('BLPOP', src, '0'));
    sim.settle();
    const producer = sim.connect();
    const pushed = ['a', 'b', 'c', 'd'];
    sim.send(producer, cmd('RPUSH', src, ...pushed));
    const steps = sim.int(8);
    for (let s = 0; s < steps; s++) sim.step();
    sim.close(victim);
    sim.settle();
    const v = sim.drain(victim).map(show);
    const w = sim.drain(next).map(show);
    const context = `\`${victimCmd.join(' ')}\` closed after ${steps} steps, then BLPOP ${src} 0`;
    if (v.length > 1) fail(`${context}: the closed waiter got ${JSON.stringify(v)}`);
    if (w.length !== 1) fail(`${context}: the next waiter got ${JSON.stringify(w)}`);
    const taken: string[] = [];
    if (v.length === 1 && kind !== 2) {
      const r = v[0] as unknown[];
      taken.push(...(Array.isArray(r[1]) ? r[1] as string[] : [r[1] as string]));
    }
    const wr = w[0] as unknown[];
    if (!Array.isArray(wr) || wr[0] !== src) fail(`${context}: the next waiter got ${JSON.stringify(w)}`);
    taken.push(wr[1] as string);
    const left = call(sim, producer, 'LRANGE', src, 0, -1) as string[];
    const moved = call(sim, producer, 'LRANGE', dest, 0, -1) as string[];
    if (kind === 2 && v.length === 1 && JSON.stringify(moved) !== JSON.stringify([v[0]])) {
      fail(`${context}: BLMOVE answered ${JSON.stringify(v[0])}, destination holds ${JSON.stringify(moved)}`);
    }
    const all = [...taken, ...left, ...(kind === 2 ? moved : [])].sort();
    if (JSON.stringify(all) !== JSON.stringify(pushed)) {
      fail(`${context}: victim ${JSON.stringify(v)}, next ${JSON.stringify(w)}, ${src} ${JSON.stringify(left)}, ${dest} ${JSON.stringify(moved)}`);
    }
    // FIFO with restores: what is left is in push order (restored elements back at the head).
    const order = [...left];
    if (JSON.stringify(order) !== JSON.stringify(pushed.filter((x) => order.includes(x)))) {
      fail(`${context}: ${src} holds ${JSON.stringify(left)}, out of order`);
    }
    const info = call(sim, producer, 'INFO', 'clients');
    if (infoField(info, 'blocked_clients') !== 0) fail(`${context}: blocked_clients ${infoField(info, 'blocked_clients')}`);
  });
});

// ---------------------------------------------------------------------------------------------------
// MULTI/EXEC

test('MULTI/EXEC: blocking commands answer null at once; pushes inside wake waiters only after EXEC', async () => {
  const module = await engineModule();
  forSeeds(SEEDS / 4, (seed) => {
    const shards = 2 + (seed % 3);
    const sim = createSimCluster(module, shards, seed);
    const fail = (m: string): never => assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
    const c = sim.connect();
    const [a, b, d] = subset(sim, KEYS, 3).slice(0, 3);
    const resp3 = sim.int(2) === 0;
    if (resp3) call(sim, c, 'HELLO', '3');
    sim.send(c, Buffer.concat([
      cmd('MULTI'), cmd('BLPOP', a, b, '0'), cmd('BLMOVE', a, d, 'LEFT', 'LEFT', '0'), cmd('BLMPOP', '0', '2', a, b, 'LEFT'),
      cmd('BRPOPLPUSH', b, a, '0'), cmd('BRPOP', d, '1'), cmd('EXEC'), cmd('PING'),
    ]));
    sim.settle();
    const n3 = '_\r\n';
    const want = resp3
      ? `+OK\r\n${'+QUEUED\r\n'.repeat(5)}*5\r\n${n3}${n3}${n3}${n3}${n3}+PONG\r\n`
      : `+OK\r\n${'+QUEUED\r\n'.repeat(5)}*5\r\n*-1\r\n$-1\r\n*-1\r\n$-1\r\n*-1\r\n+PONG\r\n`;
    const got = c.inbox.toString('latin1');
    if (got !== want) fail(`blocking commands in MULTI (${resp3 ? 'RESP3' : 'RESP2'}): got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    sim.drain(c);
    // With data: served inside EXEC.
    call(sim, c, 'RPUSH', b, 'x', 'y');
    sim.send(c, Buffer.concat([cmd('MULTI'), cmd('BLPOP', a, b, '0'), cmd('BLMOVE', b, d, 'RIGHT', 'LEFT', '0'), cmd('EXEC')]));
    sim.settle();
    const r = sim.drain(c).map(show);
    if (JSON.stringify(r) !== JSON.stringify(['OK', 'QUEUED', 'QUEUED', [[b, 'x'], 'y']])) fail(`MULTI with data: ${JSON.stringify(r)}`);
    if (JSON.stringify(call(sim, c, 'LRANGE', d, 0, -1)) !== '["y"]') fail(`BLMOVE in MULTI did not land on ${d}`);
    call(sim, c, 'DEL', d);
    // A waiter on another shard: a push popped again inside the same EXEC never wakes it.
    const waiter = sim.connect();
    sim.send(waiter, cmd('BLPOP', a, '0'));
    sim.settle();
    const tx = sim.connect();
    sim.send(tx, Buffer.concat([cmd('MULTI'), cmd('RPUSH', a, 'p'), cmd('LPOP', a), cmd('EXEC')]));
    sim.settle();
    const txr = sim.drain(tx).map(show);
    if (JSON.stringify(txr) !== JSON.stringify(['OK', 'QUEUED', 'QUEUED', [1, 'p']])) fail(`MULTI RPUSH/LPOP: ${JSON.stringify(txr)}`);
    if (waiter.inbox.length) fail(`a waiter woke for an element popped in the same transaction: ${JSON.stringify(waiter.inbox.toString())}`);
    sim.send(tx, Buffer.concat([cmd('MULTI'), cmd('RPUSH', a, 'p1', 'p2'), cmd('LPOP', a), cmd('EXEC')]));
    sim.settle();
    const txr2 = sim.drain(tx).map(show);
    if (JSON.stringify(txr2) !== JSON.stringify(['OK', 'QUEUED', 'QUEUED', [2, 'p1']])) fail(`MULTI RPUSH/LPOP: ${JSON.stringify(txr2)}`);
    const wr = sim.drain(waiter).map(show);
    if (JSON.stringify(wr) !== JSON.stringify([[a, 'p2']])) fail(`the waiter got ${JSON.stringify(wr)} after EXEC, want [${a}, p2]`);
  });
});

// ---------------------------------------------------------------------------------------------------
// CLIENT UNBLOCK

test('CLIENT UNBLOCK from another shard: TIMEOUT, ERROR, 0 when not blocked; CLIENT LIST flag b', async () => {
  const module = await engineModule();
  forSeeds(SEEDS / 4, (seed) => {
    const shards = 2 + (seed % 3);
    const sim = createSimCluster(module, shards, seed);
    const fail = (m: string): never => assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
    const blocked = sim.connect(0);
    const admin = sim.connect(shards - 1);
    const keys = subset(sim, KEYS, 2);
    for (const how of ['', 'TIMEOUT', 'ERROR']) {
      const argv = sim.int(2) ? ['BLPOP', ...keys, '0'] : ['BLMOVE', keys[0], keys[1], 'RIGHT', 'LEFT', '0'];
      sim.send(blocked, Buffer.concat([cmd(...argv), cmd('PING')]));
      sim.settle();
      const list = String(call(sim, admin, 'CLIENT', 'LIST'));
      const line = list.split('\n').find((l) => l.startsWith(`id=${blocked.id} `));
      if (!line || !/ flags=b /.test(line)) fail(`CLIENT LIST line of a blocked client: ${line}`);
      const adminLine = list.split('\n').find((l) => l.startsWith(`id=${admin.id} `));
      if (!adminLine || !/ flags=N /.test(adminLine)) fail(`CLIENT LIST line of the caller: ${adminLine}`);
      const r = call(sim, admin, 'CLIENT', 'UNBLOCK', blocked.id, ...(how ? [how] : []));
      if (r !== 1) fail(`CLIENT UNBLOCK ${blocked.id} ${how} answered ${JSON.stringify(r)}`);
      // Redis 7.0 answers an unblocked list command, BLMOVE included, with a null array (RESP2).
      const got = blocked.inbox.toString('latin1');
      const want = `${how === 'ERROR' ? '-UNBLOCKED client unblocked via CLIENT UNBLOCK' : '*-1'}\r\n+PONG\r\n`;
      if (got !== want) fail(`\`${argv.join(' ')}\` after CLIENT UNBLOCK ${how}: ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      sim.drain(blocked);
      const again = call(sim, admin, 'CLIENT', 'UNBLOCK', blocked.id, ...(how ? [how] : []));
      if (again !== 0) fail(`a second CLIENT UNBLOCK answered ${JSON.stringify(again)}`);
    }
    if (call(sim, admin, 'CLIENT', 'UNBLOCK', 99999) !== 0) fail('CLIENT UNBLOCK of an unknown id');
    if (call(sim, admin, 'CLIENT', 'UNBLOCK', admin.id) !== 0) fail('CLIENT UNBLOCK of a client not blocked');
    const info = call(sim, admin, 'INFO', 'clients');
    if (infoField(info, 'blocked_clients') !== 0) fail(`blocked_clients ${infoField(info, 'blocked_clients')}`);
    // Still a working waiter afterwards.
    sim.send(blocked, cmd('BLPOP', ...keys, '0'));
    sim.settle();
    call(sim, admin, 'RPUSH', keys[keys.length - 1], 'z');
    const got = sim.drain(blocked).map(show);
    if (JSON.stringify(got) !== JSON.stringify([[keys[keys.length - 1], 'z']])) fail(`served after the unblocks: ${JSON.stringify(got)}`);
  });
});

test.run();
