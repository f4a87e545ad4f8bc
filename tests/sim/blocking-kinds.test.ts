/**
 * Simulation: the blocking kinds beyond lists — sorted sets (BZPOPMIN, BZPOPMAX, BZMPOP), streams
 * (XREAD BLOCK) and stream groups (XREADGROUP BLOCK `>`) — mixed with BLPOP, through the one cross-shard
 * arbiter (docs/blocking.md, "Kinds of waiter"). Engines of 2–4 shards in one thread, messages between
 * shards in random order (FIFO per pair only), client bytes in random pieces (tests/sim/sim-cluster.ts).
 * Scenarios, each over many seeds:
 *   - churn: producers ZADD (several members, sometimes inside MULTI/EXEC), XADD with explicit increasing
 *     IDs, RPUSH; consumers BZPOPMIN/BZPOPMAX/BZMPOP (COUNT), XREAD BLOCK (`$` and explicit IDs, several
 *     streams on several shards), XREADGROUP BLOCK `>` (two groups, a consumer per client), BLPOP, with
 *     random timeouts, random closes. Invariants: every zset member added is popped exactly once (with
 *     its score, from its key) or still in its zset; every XREADGROUP entry goes to at most one consumer
 *     of its group (no XCLAIM here) and, per group, the PEL holds exactly the entries up to the group's
 *     last-delivered ID, each with the consumer that received it (a live consumer received every entry
 *     its PEL holds); every XREAD reply holds, per stream, consecutive entries right after the ID it
 *     waited from (`$`: after the last ID confirmed when it was sent), in order, at most COUNT; every
 *     command gets at most one reply, in order, and exactly one unless its client closed; a timeout-0
 *     command never answers null; at the end nobody is blocked and fresh waiters are still served;
 *   - FIFO: waiters from different shards block on one zset in a known order, then k members come (one
 *     ZADD, or one ZADD per member): the first k waiters get them in order, lowest score first (highest
 *     for BZPOPMAX); with closes mid-serve: nothing lost, nobody skipped;
 *   - deletion: XREADGROUP waiters end with Redis 7.0's errors when their stream is deleted or
 *     overwritten (`-UNBLOCKED the stream key no longer exists`) or their group destroyed (`-NOGROUP the
 *     consumer group this client was blocked on no longer exists`); other groups' waiters and XREAD
 *     waiters keep waiting and are served later.
 * Every failure message begins with `seed N (k shards)`. `KEVY_SIM_SEED=n` replays one seed (with
 * `KEVY_SIM_TRACE=1` for messages); `KEVY_SIM_SEEDS` sets each scenario's seed count (default 500 churn,
 * the others in proportion); `KEVY_SIM_KEEP_GOING=1` runs every seed and lists each failing one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSimCluster, engineModule, cmd, show, type SimClient } from './sim-cluster.js';
import { forSeeds, call, infoField, pick, subset, dumpClients, eachProducerUnit, settleWithCloses } from './sim-steps.js';

const TRACE = !!process.env.KEVY_SIM_TRACE;
const SEEDS = Number(process.env.KEVY_SIM_SEEDS ?? 500);
const ONLY = process.env.KEVY_SIM_SEED ? Number(process.env.KEVY_SIM_SEED) : 0;
/** z0..z3, s0..s3 and q0, q1 spread over the shards with 2, 3 and 4 of them. */
const ZKEYS = ['z0', 'z1', 'z2', 'z3'];
const SKEYS = ['s0', 's1', 's2', 's3'];
const LKEYS = ['q0', 'q1'];
const GROUPS = ['ga', 'gb'];
/** With KEVY_SIM_STATS=1: how many replies of each kind the churn checked (to see the run exercises them). */
const STATS = process.env.KEVY_SIM_STATS === '1';
const stats: Record<string, number> = {};
const count = (what: string, n = 1): void => { if (STATS) stats[what] = (stats[what] ?? 0) + n; };
const NO_KEY = '!UNBLOCKED the stream key no longer exists';
const NO_GROUP = '!NOGROUP the consumer group this client was blocked on no longer exists';





/** Stream IDs as [ms, seq]; compared numerically. */
function parseId(id: string): [number, number] {
  const [ms, seq] = id.split('-');
  return [Number(ms), seq === undefined ? 0 : Number(seq)];
}
function idCmp(a: string, b: string): number {
  const [am, as] = parseId(a);
  const [bm, bs] = parseId(b);
  return am !== bm ? am - bm : as - bs;
}

/** A stream reply `[[key, [[id, [f, v]] …]] …]` as a list of [key, entries]. */
type StreamReply = [string, [string, string[]][]][];
function isStreamReply(v: unknown): v is StreamReply {
  return Array.isArray(v) && v.every((s) => Array.isArray(s) && s.length === 2 && typeof s[0] === 'string' &&
    Array.isArray(s[1]) && (s[1] as unknown[]).every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && Array.isArray(e[1])));
}

// ---------------------------------------------------------------------------------------------------
// churn

const TIMEOUTS_S = ['0', '0', '0', '0.01', '0.05', '0.2', '1.5'];
const TIMEOUTS_MS = ['0', '0', '0', '10', '50', '200', '1500'];

interface ZpopExpect { kind: 'zpop'; text: string; keys: string[]; max: boolean; multi: boolean; count: number; timeout: number }
interface XreadExpect {
  kind: 'xread'; text: string; keys: string[]; ids: string[];
  /** Per key: entries must come after this ID (the explicit ID, or for `$` the last confirmed one). */
  after: string[]; exact: boolean[]; count: number; timeout: number;
}
interface XgroupExpect { kind: 'xgroup'; text: string; keys: string[]; group: string; consumer: string; count: number; timeout: number }
interface BlpopExpect { kind: 'blpop'; text: string; keys: string[]; timeout: number }
interface PlainExpect { kind: 'plain'; text: string; reply: unknown }
type BlockExpect = ZpopExpect | XreadExpect | XgroupExpect | BlpopExpect;
type Expect = BlockExpect | PlainExpect;

interface Consumer { client: SimClient; expected: Expect[] }

interface XaddRec { key: string; id: string; value: string }
/** A producer's command (or MULTI…EXEC block): its reply count and what it adds. */
interface Unit { replies: number; text: string; zadds: { key: string; member: string; score: number }[]; xadds: XaddRec[]; pushes: string[] }
interface Producer { client: SimClient; units: Unit[]; streams: string[]; mayClose: boolean; confirmedUnits: number; repliesAt: number }

function churnSeed(module: WebAssembly.Module, seed: number): void {
  const shards = 2 + (seed % 3);
  const sim = createSimCluster(module, shards, seed);
  const consumers: Consumer[] = [];
  const producers: Producer[] = [];
  const fail = (m: string): never => {
    if (ONLY) dump();
    return assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
  };
  const dump = (): void => dumpClients(sim, consumers, producers);

  // The model: what was (possibly) added, and what is confirmed.
  const zmembers = new Map<string, { key: string; score: number }>();
  const sentries = new Map<string, XaddRec>(); // `${key} ${id}` → entry
  const listElems = new Set<string>();
  const streamNext = new Map<string, number>(SKEYS.map((k) => [k, 1]));
  const confirmedTop = new Map<string, string>(SKEYS.map((k) => [k, '0-0']));
  let nextMember = 0;
  let nextValue = 0;

  const setup = sim.connect();
  for (const k of SKEYS) {
    if (call(sim, setup, 'XGROUP', 'CREATE', k, 'ga', '$', 'MKSTREAM') !== 'OK') fail(`XGROUP CREATE ${k} ga`);
    if (call(sim, setup, 'XGROUP', 'CREATE', k, 'gb', '$') !== 'OK') fail(`XGROUP CREATE ${k} gb`);
  }

  // Each stream is written by one producer only (its IDs are then in order); the finisher uses them last.
  producers.push({ client: sim.connect(), units: [], streams: SKEYS.filter((_, i) => i % 2 === 0), mayClose: false, confirmedUnits: 0, repliesAt: 0 });
  producers.push({ client: sim.connect(), units: [], streams: SKEYS.filter((_, i) => i % 2 === 1), mayClose: true, confirmedUnits: 0, repliesAt: 0 });

  /** Marks units whose every reply arrived: their XADDs raise the confirmed top of their stream. */
  const refreshConfirmed = (): void => {
    for (const p of producers) {
      sim.drain(p.client);
      while (p.confirmedUnits < p.units.length) {
        const u = p.units[p.confirmedUnits];
        if (p.client.replies.length < p.repliesAt + u.replies) break;
        const mine = p.client.replies.slice(p.repliesAt, p.repliesAt + u.replies).map(show);
        for (const r of mine) if (typeof r === 'string' && r.startsWith('!')) fail(`producer ${p.client.id}: \`${u.text}\` answered ${r}`);
        for (const x of u.xadds) if (idCmp(x.id, confirmedTop.get(x.key)!) > 0) confirmedTop.set(x.key, x.id);
        p.repliesAt += u.replies;
        p.confirmedUnits++;
      }
    }
  };

  const zadd = (key?: string): { argv: string[]; zadds: Unit['zadds'] } => {
    const k = key ?? pick(sim, ZKEYS);
    const n = 1 + (sim.int(3) === 0 ? sim.int(4) : 0);
    const argv = ['ZADD', k];
    const zadds: Unit['zadds'] = [];
    for (let i = 0; i < n; i++) {
      const member = `m${nextMember++}`;
      const score = sim.int(40) - 10;
      zmembers.set(member, { key: k, score });
      zadds.push({ key: k, member, score });
      argv.push(String(score), member);
    }
    return { argv, zadds };
  };
  const xadd = (key: string): { argv: string[]; rec: XaddRec } => {
    const n = streamNext.get(key)!;
    streamNext.set(key, n + 1 + sim.int(2));
    const rec = { key, id: `${n}-1`, value: `x${nextValue++}` };
    sentries.set(`${key} ${rec.id}`, rec);
    return { argv: ['XADD', key, rec.id, 'f', rec.value], rec };
  };
  const rpush = (key?: string): { argv: string[]; x: string } => {
    const x = `e${nextValue++}`;
    listElems.add(x);
    return { argv: ['RPUSH', key ?? pick(sim, LKEYS), x], x };
  };

  const producerUnit = (p: Producer): Buffer => {
    const one = (): { argv: string[]; unit: Omit<Unit, 'replies' | 'text'> } => {
      const r = sim.int(10);
      if (r < 4) { const z = zadd(); return { argv: z.argv, unit: { zadds: z.zadds, xadds: [], pushes: [] } }; }
      if (r < 8) { const x = xadd(pick(sim, p.streams)); return { argv: x.argv, unit: { zadds: [], xadds: [x.rec], pushes: [] } }; }
      const l = rpush(); return { argv: l.argv, unit: { zadds: [], xadds: [], pushes: [l.x] } };
    };
    if (sim.int(4) !== 0) {
      const { argv, unit } = one();
      p.units.push({ replies: 1, text: argv.join(' '), ...unit });
      return cmd(...argv);
    }
    const n = 1 + sim.int(3);
    const parts: Buffer[] = [cmd('MULTI')];
    const texts = ['MULTI'];
    const unit: Unit = { replies: n + 2, text: '', zadds: [], xadds: [], pushes: [] };
    for (let i = 0; i < n; i++) {
      const x = one();
      parts.push(cmd(...x.argv));
      texts.push(x.argv.join(' '));
      unit.zadds.push(...x.unit.zadds);
      unit.xadds.push(...x.unit.xadds);
      unit.pushes.push(...x.unit.pushes);
    }
    parts.push(cmd('EXEC'));
    texts.push('EXEC');
    unit.text = texts.join(' | ');
    p.units.push(unit);
    return Buffer.concat(parts);
  };

  const blockingCommand = (c: Consumer): { argv: string[]; e: BlockExpect } => {
    const ts = pick(sim, TIMEOUTS_S);
    const tms = pick(sim, TIMEOUTS_MS);
    switch (sim.int(6)) {
      case 0: {
        const max = sim.int(2) === 0;
        const keys = subset(sim, ZKEYS);
        const argv = [max ? 'BZPOPMAX' : 'BZPOPMIN', ...keys, ts];
        return { argv, e: { kind: 'zpop', text: argv.join(' '), keys, max, multi: false, count: 1, timeout: Number(ts) } };
      }
      case 1: {
        const max = sim.int(2) === 0;
        const keys = subset(sim, ZKEYS);
        const count = sim.int(2) ? 1 : 1 + sim.int(4);
        const argv = ['BZMPOP', ts, String(keys.length), ...keys, max ? 'MAX' : 'MIN'];
        if (count > 1 || sim.int(2)) argv.push('COUNT', String(count));
        return { argv, e: { kind: 'zpop', text: argv.join(' '), keys, max, multi: true, count, timeout: Number(ts) } };
      }
      case 2: {
        refreshConfirmed();
        const keys = subset(sim, SKEYS);
        const ids: string[] = [];
        const after: string[] = [];
        const exact: boolean[] = [];
        for (const k of keys) {
          const r = sim.int(5);
          const top = streamNext.get(k)! - 1;
          const id = r < 2 ? '$' : r === 2 ? `${Math.max(0, top - sim.int(3))}-${sim.int(3)}` : r === 3 ? `${top}-1` : '0';
          ids.push(id);
          after.push(id === '$' ? confirmedTop.get(k)! : id);
          exact.push(id !== '$');
        }
        const count = sim.int(3) === 0 ? 1 + sim.int(3) : 0;
        const argv = ['XREAD', ...(count ? ['COUNT', String(count)] : []), 'BLOCK', tms, 'STREAMS', ...keys, ...ids];
        return { argv, e: { kind: 'xread', text: argv.join(' '), keys, ids, after, exact, count, timeout: Number(tms) / 1000 } };
      }
      case 3: {
        const keys = subset(sim, SKEYS);
        const group = pick(sim, GROUPS);
        const consumer = `c${c.client.id}`;
        const count = sim.int(3) === 0 ? 1 + sim.int(3) : 0;
        const argv = ['XREADGROUP', 'GROUP', group, consumer, ...(count ? ['COUNT', String(count)] : []), 'BLOCK', tms, 'STREAMS', ...keys, ...keys.map(() => '>')];
        return { argv, e: { kind: 'xgroup', text: argv.join(' '), keys, group, consumer, count, timeout: Number(tms) / 1000 } };
      }
      default: {
        const keys = subset(sim, LKEYS);
        const argv = ['BLPOP', ...keys, ts];
        return { argv, e: { kind: 'blpop', text: argv.join(' '), keys, timeout: Number(ts) } };
      }
    }
  };
  const consumerBatch = (c: Consumer): Buffer => {
    const { argv, e } = blockingCommand(c);
    const out = [cmd(...argv)];
    c.expected.push(e);
    if (sim.int(3) === 0) {
      out.push(cmd('PING'));
      c.expected.push({ kind: 'plain', text: 'PING', reply: 'PONG' });
    }
    return Buffer.concat(out);
  };

  for (let i = 3 + sim.int(3); i > 0; i--) consumers.push({ client: sim.connect(), expected: [] });
  const maxConsumers = consumers.length + 4;
  const answered = (c: Consumer): number => { sim.drain(c.client); return c.client.replies.length; };
  const current = (c: Consumer): Expect | undefined => c.expected[answered(c)];

  const rounds = 10 + sim.int(10);
  for (let round = 0; round < rounds; round++) {
    if (sim.int(3) === 0) sim.settle();
    for (const p of producers) {
      if (p.client.closedByClient) continue;
      if (p.mayClose && sim.int(30) === 0) { sim.close(p.client); continue; }
      sim.send(p.client, producerUnit(p));
      if (sim.int(4) === 0) {
        // A close right after a write, while a serve may be in flight.
        for (let s = sim.int(4); s > 0; s--) sim.step();
        const live = consumers.filter((c) => !c.client.closedByClient);
        if (live.length) {
          const victim = pick(sim, live);
          if (TRACE) console.log(`client ${victim.client.id} closes`);
          sim.close(victim.client);
        }
      }
      for (let s = sim.int(4); s > 0; s--) sim.step();
    }
    for (const c of consumers) {
      if (c.client.closedByClient) continue;
      if (sim.int(25) === 0) { sim.close(c.client); continue; }
      if (c.expected.length - answered(c) < 2 && sim.int(2) === 0) sim.send(c.client, consumerBatch(c));
      for (let s = sim.int(3); s > 0; s--) sim.step();
    }
    if (sim.int(3) === 0) sim.advance(sim.int(400));
    while (consumers.length < maxConsumers && consumers.filter((c) => !c.client.closedByClient).length < 3) {
      consumers.push({ client: sim.connect(), expected: [] });
    }
    for (let s = sim.int(6); s > 0; s--) sim.step();
  }
  sim.settle();

  // Positive timeouts all expire; what remains waits forever.
  for (let i = 0; i < 4; i++) { sim.advance(1000); sim.settle(); }
  for (const c of consumers) {
    if (c.client.closedByClient) continue;
    const e = current(c);
    if (e && e.kind !== 'plain' && e.timeout > 0) fail(`client ${c.client.id}: \`${e.text}\` not timed out 4 s later`);
    if (e && e.kind === 'plain') fail(`client ${c.client.id}: \`${e.text}\` (behind a blocking command) unanswered`);
  }

  // Whoever still waits is served by a write onto one of its keys, command after command.
  const finisher: Producer = { client: sim.connect(), units: [], streams: SKEYS, mayClose: false, confirmedUnits: 0, repliesAt: 0 };
  producers.push(finisher);
  for (let guard = 0; ; guard++) {
    const waiting = consumers.filter((c) => !c.client.closedByClient && current(c) !== undefined);
    if (waiting.length === 0) break;
    if (guard > 30) fail(`clients ${waiting.map((c) => `${c.client.id} in \`${current(c)!.text}\``).join(', ')} never answered`);
    for (const c of waiting) {
      const e = current(c);
      if (e === undefined) continue;
      if (e.kind === 'plain') { fail(`client ${c.client.id}: \`${e.text}\` unanswered`); continue; }
      let argv: string[];
      const unit: Unit = { replies: 1, text: '', zadds: [], xadds: [], pushes: [] };
      if (e.kind === 'zpop') { const z = zadd(pick(sim, e.keys)); argv = z.argv; unit.zadds = z.zadds; }
      else if (e.kind === 'blpop') { const l = rpush(pick(sim, e.keys)); argv = l.argv; unit.pushes = [l.x]; }
      else { const x = xadd(pick(sim, e.keys)); argv = x.argv; unit.xadds = [x.rec]; }
      unit.text = argv.join(' ');
      finisher.units.push(unit);
      const r = call(sim, finisher.client, ...argv);
      if (typeof r === 'string' && r.startsWith('!')) fail(`finisher: \`${unit.text}\` answered ${r}`);
      sim.settle();
    }
  }
  refreshConfirmed();

  // Final contents.
  const checker = sim.connect();
  const streams = new Map<string, [string, string[]][]>();
  for (const k of SKEYS) {
    const r = call(sim, checker, 'XRANGE', k, '-', '+');
    if (!Array.isArray(r)) fail(`XRANGE ${k} answered ${JSON.stringify(r)}`);
    streams.set(k, r as [string, string[]][]);
    for (const [id, fv] of r as [string, string[]][]) {
      const rec = sentries.get(`${k} ${id}`);
      if (!rec || fv[1] !== rec.value) fail(`stream ${k} holds ${id} ${JSON.stringify(fv)}, never added`);
    }
  }
  const position = (k: string, id: string): number => streams.get(k)!.findIndex((x) => x[0] === id);
  /** Index of the first entry of `k` after `id`. */
  const successor = (k: string, id: string): number => {
    const s = streams.get(k)!;
    const i = s.findIndex((x) => idCmp(x[0], id) > 0);
    return i < 0 ? s.length : i;
  };

  // Replies: at most one per command, in order, each consistent with the model.
  const popped = new Map<string, string>(); // member → where
  const listGot: string[] = [];
  const delivered = new Map<string, { client: number; where: string }>(); // `${key} ${group} ${id}` → consumer client
  const receivedBy = new Map<number, Set<string>>(); // client id → `${key} ${group} ${id}`
  for (const c of consumers) {
    sim.drain(c.client);
    const got = c.client.replies.map(show);
    if (got.length > c.expected.length) fail(`client ${c.client.id}: ${got.length} replies to ${c.expected.length} commands: ${JSON.stringify(got)}`);
    if (!c.client.closedByClient && got.length !== c.expected.length) fail(`client ${c.client.id}: ${got.length} replies to ${c.expected.length} commands`);
    got.forEach((r, i) => {
      const e = c.expected[i];
      const where = `client ${c.client.id} reply #${i} to \`${e.text}\``;
      const bad = (m = ''): never => fail(`${where}: got ${JSON.stringify(r)}${m ? ` (${m})` : ''}; commands ${c.expected.map((x) => x.text).join(' ; ')}`);
      if (e.kind === 'plain') { if (JSON.stringify(r) !== JSON.stringify(e.reply)) bad(); return; }
      count(`${e.kind} ${r === null ? 'null' : 'served'}`);
      if (c.client.closedByClient) count('replies to closed clients');
      if (r === null) { if (e.timeout === 0) bad('a timeout-0 command answered null'); return; }
      if (e.kind === 'blpop') {
        if (!Array.isArray(r) || r.length !== 2 || !e.keys.includes(r[0] as string) || !listElems.has(r[1] as string)) bad();
        listGot.push((r as string[])[1]);
        return;
      }
      if (e.kind === 'zpop') {
        if (!Array.isArray(r) || !e.keys.includes(r[0] as string)) bad();
        const arr = r as unknown[];
        const key = arr[0] as string;
        let pairs: [string, string][];
        if (e.multi) {
          if (arr.length !== 2 || !Array.isArray(arr[1])) bad();
          pairs = arr[1] as [string, string][];
          if (pairs.length < 1 || pairs.length > e.count) bad(`${pairs.length} members, COUNT ${e.count}`);
        } else {
          if (arr.length !== 3) bad();
          pairs = [[arr[1] as string, arr[2] as string]];
        }
        let last: number | undefined;
        for (const pair of pairs) {
          if (!Array.isArray(pair) || pair.length !== 2) bad();
          const [m, s] = pair;
          const z = zmembers.get(m);
          if (!z) bad(`member ${m} never added`);
          if (z!.key !== key) bad(`member ${m} was added to ${z!.key}`);
          if (Number(s) !== z!.score) bad(`member ${m} was added with score ${z!.score}`);
          if (last !== undefined && (e.max ? Number(s) > last : Number(s) < last)) bad('members out of order');
          last = Number(s);
          if (popped.has(m)) fail(`member ${m} popped twice: ${popped.get(m)} and ${where}`);
          popped.set(m, where);
          count('members popped');
        }
        return;
      }
      if (!isStreamReply(r) || r.length === 0) bad();
      const reply = r as StreamReply;
      let lastKeyAt = -1;
      for (const [key, entries] of reply) {
        const at = e.keys.indexOf(key);
        if (at <= lastKeyAt) bad(`stream ${key} not in argument order, or not asked for`);
        lastKeyAt = at;
        if (entries.length === 0) bad(`stream ${key} with no entries`);
        if (e.count && entries.length > e.count) bad(`${entries.length} entries from ${key}, COUNT ${e.count}`);
        const first = position(key, entries[0][0]);
        entries.forEach(([id, fv], j) => {
          const rec = sentries.get(`${key} ${id}`);
          if (!rec || fv[1] !== rec.value) bad(`entry ${id} of ${key} never added`);
          if (position(key, id) !== first + j) bad(`entries of ${key} not consecutive in the stream`);
        });
        if (e.kind === 'xread') {
          const after = e.after[at];
          if (idCmp(entries[0][0], after) <= 0) bad(`entry ${entries[0][0]} of ${key} is not after ${after}`);
          if (e.exact[at] && first !== successor(key, after)) bad(`${key} after ${after}: the first entry should be ${JSON.stringify(streams.get(key)![successor(key, after)])}`);
        } else {
          for (const [id] of entries) {
            const k = `${key} ${e.group} ${id}`;
            const prev = delivered.get(k);
            if (prev) fail(`entry ${id} of ${key} delivered twice in group ${e.group}: ${prev.where} and ${where}`);
            delivered.set(k, { client: c.client.id, where });
            if (!receivedBy.has(c.client.id)) receivedBy.set(c.client.id, new Set());
            receivedBy.get(c.client.id)!.add(k);
          }
        }
      }
    });
  }

  // Producers: replies in shape; what a confirmed write added must be found.
  const confirmedMembers = new Set<string>();
  const confirmedElems = new Set<string>();
  for (const p of producers) {
    eachProducerUnit(sim, p, fail, (u, mine) => {
      if (mine.length !== u.replies) return;
      for (const z of u.zadds) confirmedMembers.add(z.member);
      for (const x of u.pushes) confirmedElems.add(x);
      for (const x of u.xadds) if (position(x.key, x.id) < 0) fail(`\`${u.text}\` confirmed, but ${x.key} has no ${x.id}`);
    });
  }

  // Sorted sets: popped once or still there, with its score; none lost.
  for (const k of ZKEYS) {
    const r = call(sim, checker, 'ZRANGE', k, 0, -1, 'WITHSCORES') as string[];
    for (let i = 0; i < r.length; i += 2) {
      const z = zmembers.get(r[i]);
      if (!z || z.key !== k || z.score !== Number(r[i + 1])) fail(`zset ${k} holds ${r[i]} ${r[i + 1]}, added as ${JSON.stringify(z)}`);
      if (popped.has(r[i])) fail(`member ${r[i]} popped (${popped.get(r[i])}) and still in ${k}`);
      popped.set(r[i], `zset ${k}`);
    }
  }
  const lostMembers = [...confirmedMembers].filter((m) => !popped.has(m));
  count('members left in zsets', [...popped.values()].filter((w) => w.startsWith('zset ')).length);
  if (lostMembers.length) fail(`members ${lostMembers.join(',')} (ZADD confirmed) lost: neither popped nor in a zset`);

  // Lists: conservation.
  const seen = new Set<string>();
  for (const x of listGot) { if (seen.has(x)) fail(`element ${x} received twice`); seen.add(x); }
  for (const k of LKEYS) {
    for (const x of call(sim, checker, 'LRANGE', k, 0, -1) as string[]) {
      if (seen.has(x)) fail(`element ${x} received and still in ${k}`);
      seen.add(x);
    }
  }
  const lostElems = [...confirmedElems].filter((x) => !seen.has(x));
  if (lostElems.length) fail(`elements ${lostElems.join(',')} (RPUSH confirmed) lost`);

  // Groups: the PEL is exactly the entries up to last-delivered-id, each with the consumer that got it.
  const byName = new Map(consumers.map((c) => [`c${c.client.id}`, c]));
  for (const k of SKEYS) {
    const info = call(sim, checker, 'XINFO', 'GROUPS', k) as unknown[][];
    for (const g of GROUPS) {
      const gi = info.find((x) => x[1] === g);
      if (!gi) fail(`XINFO GROUPS ${k} has no ${g}: ${JSON.stringify(info)}`);
      const last = gi![gi!.indexOf('last-delivered-id') + 1] as string;
      const pel = call(sim, checker, 'XPENDING', k, g, '-', '+', 1_000_000) as [string, string, number, number][];
      const want = streams.get(k)!.filter(([id]) => idCmp(id, last) <= 0).map(([id]) => id);
      const have = pel.map((x) => x[0]);
      if (JSON.stringify(have) !== JSON.stringify(want)) fail(`group ${g} of ${k} (last-delivered ${last}): PEL ${JSON.stringify(have)}, entries up to it ${JSON.stringify(want)}`);
      count('PEL entries', pel.length);
      count('undelivered entries', streams.get(k)!.length - pel.length);
      for (const [id, consumer, , deliveries] of pel) {
        if (!delivered.has(`${k} ${g} ${id}`)) count('PEL entries not received (closed consumer)');
        if (deliveries !== 1) fail(`entry ${id} of ${k} delivered ${deliveries} times in group ${g}`);
        const d = delivered.get(`${k} ${g} ${id}`);
        if (d && `c${d.client}` !== consumer) fail(`entry ${id} of ${k} (group ${g}) received by client ${d.client} (${d.where}) but pending for ${consumer}`);
        const owner = byName.get(consumer);
        if (!owner) fail(`entry ${id} of ${k} (group ${g}) pending for unknown consumer ${consumer}`);
        if (!d && !owner!.client.closedByClient) fail(`entry ${id} of ${k} (group ${g}) pending for ${consumer}, a live client that never received it`);
      }
      for (const [key, v] of delivered) {
        const [dk, dg, id] = key.split(' ');
        if (dk === k && dg === g && !have.includes(id)) fail(`entry ${id} of ${k} (group ${g}) received (${v.where}) but not pending`);
      }
    }
  }

  // Nobody blocked; fresh waiters on every zset and stream are served (nothing left registered).
  const info = call(sim, checker, 'INFO', 'clients');
  if (infoField(info, 'blocked_clients') !== 0) fail(`blocked_clients ${infoField(info, 'blocked_clients')} at the end`);
  if (infoField(info, 'clients_in_timeout_table') !== 0) fail(`clients_in_timeout_table ${infoField(info, 'clients_in_timeout_table')} at the end`);
  call(sim, checker, 'DEL', ...ZKEYS);
  const fresh = ZKEYS.map((k) => {
    const c = sim.connect();
    sim.send(c, cmd('BZPOPMIN', k, 0));
    sim.settle();
    return c;
  });
  const freshX = SKEYS.map((k) => {
    // A new group: ga and gb may still hold undelivered entries, which would be served at once.
    if (call(sim, checker, 'XGROUP', 'CREATE', k, 'gfresh', '$') !== 'OK') fail(`XGROUP CREATE ${k} gfresh $`);
    const c = sim.connect();
    sim.send(c, cmd('XREADGROUP', 'GROUP', 'gfresh', 'fresh', 'BLOCK', 0, 'STREAMS', k, '>'));
    sim.settle();
    return c;
  });
  const info2 = call(sim, checker, 'INFO', 'clients');
  if (infoField(info2, 'blocked_clients') !== ZKEYS.length + SKEYS.length) fail(`blocked_clients ${infoField(info2, 'blocked_clients')} with ${ZKEYS.length + SKEYS.length} fresh waiters`);
  for (const k of ZKEYS) call(sim, checker, 'ZADD', k, 7, `fresh-${k}`);
  const freshIds = SKEYS.map((k) => {
    const id = `${streamNext.get(k)}-9`;
    call(sim, checker, 'XADD', k, id, 'f', `fresh-${k}`);
    return id;
  });
  sim.settle();
  fresh.forEach((c, i) => {
    const got = sim.drain(c).map(show);
    if (JSON.stringify(got) !== JSON.stringify([[ZKEYS[i], `fresh-${ZKEYS[i]}`, '7']])) fail(`a fresh BZPOPMIN on ${ZKEYS[i]} got ${JSON.stringify(got)}: a registration was left behind`);
  });
  freshX.forEach((c, i) => {
    const got = sim.drain(c).map(show);
    const want = [[[SKEYS[i], [[freshIds[i], ['f', `fresh-${SKEYS[i]}`]]]]]];
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`a fresh XREADGROUP on ${SKEYS[i]} got ${JSON.stringify(got)}, want ${JSON.stringify(want)}: a registration was left behind`);
  });
}

test('churn: zset members popped once or kept, group entries delivered once, XREAD after its ID, one reply per command', async () => {
  const module = await engineModule();
  forSeeds(SEEDS, (seed) => churnSeed(module, seed));
  if (STATS) console.log(JSON.stringify(stats, null, 1));
});

// ---------------------------------------------------------------------------------------------------
// FIFO per zset

test('FIFO: waiters from every shard on one zset get the members in the order they blocked, lowest score first', async () => {
  const module = await engineModule();
  forSeeds(SEEDS, (seed) => {
    const shards = 2 + (seed % 3);
    const sim = createSimCluster(module, shards, seed);
    const fail = (m: string): never => assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
    const key = 'zf';
    const closing = seed % 2 === 0;
    const max = sim.int(3) === 0;
    const n = 3 + sim.int(4);
    const waiters: SimClient[] = [];
    const texts: string[] = [];
    for (let i = 0; i < n; i++) {
      const c = sim.connect(i % shards);
      const others = sim.int(3) === 0 ? [pick(sim, ZKEYS)] : [];
      const argv = sim.int(3) === 0
        ? ['BZMPOP', '0', String(1 + others.length), key, ...others, max ? 'MAX' : 'MIN', ...(sim.int(2) ? ['COUNT', '1'] : [])]
        : [max ? 'BZPOPMAX' : 'BZPOPMIN', key, ...others, '0'];
      sim.send(c, cmd(...argv));
      sim.settle();
      waiters.push(c);
      texts.push(argv.join(' '));
    }
    const producer = sim.connect();
    const k = 1 + sim.int(n - 1);
    // Distinct scores; `order` lists the members as the waiters should get them.
    const scores = Array.from({ length: k }, (_, i) => (i + 1) * 10 + sim.int(5));
    const members = scores.map((s, i) => ({ member: `f${i}`, score: s }));
    const order = [...members].sort((a, b) => (max ? b.score - a.score : a.score - b.score));
    const single = sim.int(2) === 0;
    if (single) {
      const shuffled = [...members].sort(() => sim.random() - 0.5);
      sim.send(producer, cmd('ZADD', key, ...shuffled.flatMap((m) => [String(m.score), m.member])));
    } else {
      // One ZADD per member, best first: whatever the message order, each serve takes the best one left.
      for (const m of order) sim.send(producer, cmd('ZADD', key, String(m.score), m.member));
    }
    const closed = settleWithCloses(sim, waiters, closing);
    const scenario = `${n} waiters (${texts.join(' ; ')}), ${k} members ${single ? 'in one ZADD' : 'one ZADD each'}${closing ? ', closes' : ''}`;
    const got = waiters.map((w) => { sim.drain(w); return w.replies.map(show); });
    const remaining = call(sim, producer, 'ZRANGE', key, 0, -1, 'WITHSCORES') as string[];
    const received: { member: string; score: string }[] = [];
    const norm = got.map((g, i) => {
      if (g.length > 1) fail(`${scenario}: waiter ${i} got ${g.length} replies`);
      if (g.length === 0) return null;
      const r = g[0] as unknown[];
      const pair = texts[i].startsWith('BZMPOP') ? (r[1] as string[][])?.[0] : [r[1], r[2]] as string[];
      if (r[0] !== key || !pair || (texts[i].startsWith('BZMPOP') && (r[1] as unknown[]).length !== 1)) fail(`${scenario}: waiter ${i} got ${JSON.stringify(g[0])}`);
      received.push({ member: pair[0], score: pair[1] });
      return pair;
    });
    const all = [...received.map((x) => `${x.member}:${x.score}`)];
    for (let i = 0; i < remaining.length; i += 2) all.push(`${remaining[i]}:${remaining[i + 1]}`);
    const want = members.map((m) => `${m.member}:${m.score}`);
    if (JSON.stringify(all.sort()) !== JSON.stringify(want.sort())) fail(`${scenario}: received ${JSON.stringify(received)} + left ${JSON.stringify(remaining)} != added ${JSON.stringify(members)}`);
    if (!closing) {
      norm.forEach((p, i) => {
        const w = i < k ? [order[i].member, String(order[i].score)] : null;
        if (JSON.stringify(p) !== JSON.stringify(w)) fail(`${scenario}: waiter ${i} got ${JSON.stringify(p)}, want ${JSON.stringify(w)} (all: ${JSON.stringify(norm)})`);
      });
      if (remaining.length) fail(`${scenario}: members left with waiters blocked: ${JSON.stringify(remaining)}`);
    } else {
      let lastServed = -1;
      norm.forEach((p, i) => { if (p) lastServed = i; });
      waiters.forEach((w, i) => {
        if (i < lastServed && !closed.has(w.id) && !norm[i]) fail(`${scenario}: waiter ${i} still waits while waiter ${lastServed}, behind it, was served`);
      });
      const stillWaiting = waiters.filter((w, i) => !closed.has(w.id) && !norm[i]);
      if (stillWaiting.length && remaining.length) fail(`${scenario}: ${stillWaiting.length} live waiters blocked while ${key} holds ${JSON.stringify(remaining)}`);
      // (No score order here: a member served to a waiter that closed goes back, to a later waiter.)
    }
    for (const w of waiters) if (!closed.has(w.id)) sim.close(w);
    sim.settle();
    const info = call(sim, producer, 'INFO', 'clients');
    if (infoField(info, 'blocked_clients') !== 0) fail(`${scenario}: blocked_clients ${infoField(info, 'blocked_clients')} after closing every waiter`);
  });
});

// ---------------------------------------------------------------------------------------------------
// stream or group gone

test('deletion: XREADGROUP waiters end with Redis errors when the stream or group goes; others keep waiting', async () => {
  const module = await engineModule();
  forSeeds(SEEDS * 2 / 3, (seed) => {
    const shards = 2 + (seed % 3);
    const sim = createSimCluster(module, shards, seed);
    const fail = (m: string): never => assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
    const [S, T] = subset(sim, SKEYS, 2);
    const admin = sim.connect();
    call(sim, admin, 'XADD', S, '1-1', 'f', 'old');
    for (const g of GROUPS) {
      call(sim, admin, 'XGROUP', 'CREATE', S, g, '$');
      call(sim, admin, 'XGROUP', 'CREATE', T, g, '$', 'MKSTREAM');
    }
    const action = sim.int(4); // 0 DEL, 1 XGROUP DESTROY ga, 2 SET (overwrite), 3 DEL inside MULTI/EXEC
    const actionText = ['DEL', 'XGROUP DESTROY ga', 'SET', 'MULTI DEL EXEC'][action];
    const n = 2 + sim.int(4);
    const waiters: { c: SimClient; group: string; keys: string[]; text: string; closed: boolean }[] = [];
    for (let i = 0; i < n; i++) {
      const c = sim.connect();
      const group = pick(sim, GROUPS);
      const keys = sim.int(2) ? [S] : sim.int(2) ? [S, T] : [T, S];
      const argv = ['XREADGROUP', 'GROUP', group, `w${i}`, 'BLOCK', pick(sim, ['0', '60000']), 'STREAMS', ...keys, ...keys.map(() => '>')];
      sim.send(c, cmd(...argv));
      if (sim.int(2)) sim.settle();
      waiters.push({ c, group, keys, text: argv.join(' '), closed: false });
    }
    const reader = sim.connect();
    sim.send(reader, cmd('XREAD', 'BLOCK', 0, 'STREAMS', S, '$'));
    sim.settle();
    const info = call(sim, admin, 'INFO', 'clients');
    if (infoField(info, 'blocked_clients') !== n + 1) fail(`blocked_clients ${infoField(info, 'blocked_clients')}, want ${n + 1}`);
    // Sometimes a waiter closes just as the stream goes.
    if (sim.int(3) === 0) { const w = pick(sim, waiters); w.closed = true; sim.close(w.c); }
    const doer = sim.connect();
    if (action === 0) sim.send(doer, cmd('DEL', S));
    else if (action === 1) sim.send(doer, cmd('XGROUP', 'DESTROY', S, 'ga'));
    else if (action === 2) sim.send(doer, cmd('SET', S, 'now-a-string'));
    else sim.send(doer, Buffer.concat([cmd('MULTI'), cmd('XADD', S, '2-1', 'f', 'mid'), cmd('DEL', S), cmd('EXEC')]));
    sim.settle();
    const doerGot = sim.drain(doer).map(show);
    const doerWant = [[1], [1], ['OK'], ['OK', 'QUEUED', 'QUEUED', ['2-1', 1]]][action];
    if (JSON.stringify(doerGot) !== JSON.stringify(doerWant)) fail(`${actionText} answered ${JSON.stringify(doerGot)}`);
    const ended = (w: (typeof waiters)[number]): boolean => action !== 1 || w.group === 'ga';
    for (const w of waiters) {
      const got = sim.drain(w.c).map(show);
      const context = `\`${w.text}\` after ${actionText} ${S}`;
      if (w.closed) { if (got.length > 1) fail(`${context}: a closed waiter got ${JSON.stringify(got)}`); continue; }
      const want = ended(w) ? [action === 1 ? NO_GROUP : NO_KEY] : [];
      if (JSON.stringify(got) !== JSON.stringify(want)) fail(`${context}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    if (reader.inbox.length) fail(`XREAD BLOCK 0 STREAMS ${S} $ answered ${JSON.stringify(sim.drain(reader).map(show))} after ${actionText} ${S}`);
    // The others are still served: an entry on T goes to the first waiter of each group watching T.
    const left = waiters.filter((w) => !w.closed && !ended(w));
    const info2 = call(sim, admin, 'INFO', 'clients');
    if (infoField(info2, 'blocked_clients') !== left.length + 1) fail(`blocked_clients ${infoField(info2, 'blocked_clients')} after ${actionText} ${S}, want ${left.length + 1} (${left.map((w) => w.text).join(' ; ')} and the XREAD)`);
    if (action === 2) call(sim, admin, 'DEL', S);
    call(sim, admin, 'XADD', S, '100-1', 'f', 'new');
    sim.settle();
    const readerGot = sim.drain(reader).map(show);
    // A stream re-created after the XREAD froze `$`: served when its entries pass the frozen ID.
    const readerWant = [[[S, [['100-1', ['f', 'new']]]]]];
    if (JSON.stringify(readerGot) !== JSON.stringify(readerWant)) fail(`XREAD BLOCK 0 STREAMS ${S} $ after ${actionText} and XADD ${S} 100-1: got ${JSON.stringify(readerGot)}`);
    if (action === 1) {
      // gb still reads S: exactly one of its waiters (the first armed) gets the new entry.
      const onS = left.filter((w) => w.keys.includes(S));
      const replies = onS.map((w) => JSON.stringify(sim.drain(w.c).map(show)));
      const want = JSON.stringify([[[S, [['100-1', ['f', 'new']]]]]]);
      const served = replies.filter((r) => r === want).length;
      const other = replies.filter((r) => r !== want && r !== '[]');
      if (other.length || served !== (onS.length ? 1 : 0)) {
        fail(`gb waiters on ${S} after XADD ${S} 100-1: ${onS.map((w, i) => `\`${w.text}\` got ${replies[i]}`).join(' ; ')}`);
      }
    }
    for (const w of waiters) if (!w.closed) sim.close(w.c);
    sim.close(reader);
    sim.settle();
    const info3 = call(sim, admin, 'INFO', 'clients');
    if (infoField(info3, 'blocked_clients') !== 0) fail(`blocked_clients ${infoField(info3, 'blocked_clients')} after closing everyone`);
  });
});

// ---------------------------------------------------------------------------------------------------
// FIFO within a group; readers all served

test('groups: XREADGROUP COUNT 1 waiters of one group get one entry each in the order they blocked; XREAD waiters all get it', async () => {
  const module = await engineModule();
  forSeeds(SEEDS / 2, (seed) => {
    const shards = 2 + (seed % 3);
    const sim = createSimCluster(module, shards, seed);
    const fail = (m: string): never => assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
    const [key, other] = subset(sim, SKEYS, 2);
    const admin = sim.connect();
    call(sim, admin, 'XGROUP', 'CREATE', key, 'g', '$', 'MKSTREAM');
    call(sim, admin, 'XGROUP', 'CREATE', other, 'g', '$', 'MKSTREAM');
    const n = 2 + sim.int(4);
    const waiters: { c: SimClient; text: string }[] = [];
    for (let i = 0; i < n; i++) {
      const c = sim.connect(i % shards);
      const keys = sim.int(3) === 0 ? (sim.int(2) ? [key, other] : [other, key]) : [key];
      const argv = ['XREADGROUP', 'GROUP', 'g', `w${i}`, 'COUNT', '1', 'BLOCK', '0', 'STREAMS', ...keys, ...keys.map(() => '>')];
      sim.send(c, cmd(...argv));
      sim.settle();
      waiters.push({ c, text: argv.join(' ') });
    }
    const readers = Array.from({ length: 1 + sim.int(3) }, () => {
      const c = sim.connect();
      sim.send(c, cmd('XREAD', 'BLOCK', '0', 'STREAMS', other, key, '$', '$'));
      return c;
    });
    sim.settle();
    const k = 1 + sim.int(n);
    const producer = sim.connect();
    const single = sim.int(2) === 0;
    const entries = Array.from({ length: k }, (_, i) => [`${i + 1}-1`, ['f', `v${i}`]] as [string, string[]]);
    if (single) sim.send(producer, Buffer.concat([cmd('MULTI'), ...entries.map(([id, fv]) => cmd('XADD', key, id, ...fv)), cmd('EXEC')]));
    else for (const [id, fv] of entries) sim.send(producer, cmd('XADD', key, id, ...fv));
    sim.settle();
    const scenario = `${n} waiters (${waiters.map((w) => w.text).join(' ; ')}), ${k} entries ${single ? 'in one EXEC' : 'one XADD each'}`;
    waiters.forEach((w, i) => {
      const got = JSON.stringify(sim.drain(w.c).map(show));
      const want = JSON.stringify(i < k ? [[[key, [entries[i]]]]] : []);
      if (got !== want) fail(`${scenario}: waiter ${i} got ${got}, want ${want}`);
    });
    // A reader is served once, with whatever of `key` was there at its serve: a prefix, starting at 1-1.
    readers.forEach((r, i) => {
      const got = sim.drain(r).map(show) as StreamReply[];
      if (got.length !== 1 || got[0].length !== 1 || got[0][0][0] !== key) fail(`${scenario}: reader ${i} got ${JSON.stringify(got)}`);
      const es = got[0][0][1];
      if (JSON.stringify(es) !== JSON.stringify(entries.slice(0, es.length))) fail(`${scenario}: reader ${i} got ${JSON.stringify(es)}, not a prefix of ${JSON.stringify(entries)}`);
    });
    const pel = call(sim, admin, 'XPENDING', key, 'g', '-', '+', 100) as unknown[][];
    const wantPel = entries.slice(0, Math.min(k, n)).map(([id], i) => [id, `w${i}`, 1]);
    const gotPel = pel.map((x) => [x[0], x[1], x[3]]);
    if (JSON.stringify(gotPel) !== JSON.stringify(wantPel)) fail(`${scenario}: PEL ${JSON.stringify(gotPel)}, want ${JSON.stringify(wantPel)}`);
    for (const w of waiters) sim.close(w.c);
    sim.settle();
    if (infoField(call(sim, admin, 'INFO', 'clients'), 'blocked_clients') !== 0) fail(`${scenario}: clients still blocked after closing every waiter`);
  });
});

// ---------------------------------------------------------------------------------------------------
// kinds on one key

test('kinds on one key: a write of one type serves only the waiters of that kind', async () => {
  const module = await engineModule();
  forSeeds(SEEDS / 2, (seed) => {
    const shards = 2 + (seed % 3);
    const sim = createSimCluster(module, shards, seed);
    const fail = (m: string): never => assert.unreachable(`seed ${seed} (${shards} shards): ${m}`) as never;
    const key = pick(sim, ['mix0', 'mix1', 'mix2', 'mix3']);
    const other = pick(sim, ZKEYS);
    const kinds = [
      { name: 'list', argv: ['BLPOP', key, other, '0'], write: ['RPUSH', key, 'l'], want: [key, 'l'] },
      { name: 'zset', argv: ['BZPOPMIN', other, key, '0'], write: ['ZADD', key, '3', 'z'], want: [key, 'z', '3'] },
      { name: 'stream', argv: ['XREAD', 'BLOCK', '0', 'STREAMS', key, '$'], write: ['XADD', key, '5-1', 'f', 's'], want: [[key, [['5-1', ['f', 's']]]]] },
    ];
    const order = [...kinds].sort(() => sim.random() - 0.5);
    const clients = order.map((k) => {
      const c = sim.connect();
      sim.send(c, cmd(...k.argv));
      sim.settle();
      return c;
    });
    const admin = sim.connect();
    for (const k of order) {
      const r = call(sim, admin, ...k.write);
      if (typeof r === 'string' && r.startsWith('!')) fail(`${k.write.join(' ')} answered ${r}`);
      sim.settle();
      order.forEach((k2, j) => {
        const got = sim.drain(clients[j]).map(show);
        const want = k2 === k ? [k2.want] : [];
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          fail(`waiters ${order.map((x) => `\`${x.argv.join(' ')}\``).join(', ')}; after ${k.write.join(' ')}: the ${k2.name} waiter got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
        }
      });
      call(sim, admin, 'DEL', key);
    }
    if (infoField(call(sim, admin, 'INFO', 'clients'), 'blocked_clients') !== 0) fail('clients still blocked at the end');
  });
});

test.run();
