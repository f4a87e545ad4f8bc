/**
 * scenario-runner — plays one scenario (scenarios.ts) against a set of clients and says whether every
 * reply was the expected one. Knows nothing of the page: the demo gives it its consoles, the tests give
 * it connections to a redis-server, so the scenario data itself is checked against Redis.
 *
 * Steps:
 *   1. `host.fresh(name)` for each client, in order (on the demo: new connections, so consecutive
 *      origin shards), then each `$key` is placed (`placeKeys`) using those origins;
 *   2. the steps run in order: wait `after`, send (or disconnect); wait for the reply unless the step
 *      `blocks`; a reply that takes longer than `replyTimeoutMs` is a failure;
 *   3. every reply is compared with its `expect` (and `check` across steps), blocked ones once they come.
 */
import { keyOnShard } from '../core/slots.js';
import type { Plain } from './resp.js';
import type { Expect, Scenario } from './scenarios.js';

export interface ScenarioClient {
  send(argv: string[]): Promise<Plain>;
  disconnect(): void;
  /** The connection's origin shard; undefined on a single server. */
  readonly origin: number | undefined;
}

export interface ScenarioHost {
  /** Shard count (1 for a single server). */
  shards: number;
  /** A new client under this name (replacing one of the same name). */
  fresh(name: string): ScenarioClient;
  setHold?(ms: number): void;
}

export interface StepOutcome {
  client: string;
  argv?: string[];
  disconnect?: boolean;
  reply?: Plain;
  expected?: Expect;
  ok: boolean;
}

export interface ScenarioOutcome {
  ok: boolean;
  keys: Record<string, string>;
  steps: StepOutcome[];
  failures: string[];
}

export interface RunOptions {
  /** How long a non-blocking step may take to answer, and blocked ones after the last step (ms). */
  replyTimeoutMs?: number;
  /** Makes key names unique per run. */
  run?: number;
  /** Called as each step is sent and as each reply comes (for progress display). */
  onStep?(index: number, outcome: StepOutcome): void;
}

/** Picks each scenario key's name so it lands on a well-chosen shard. */
export function placeKeys(s: Scenario, origins: Readonly<Record<string, number | undefined>>, shards: number, run: number): Record<string, string> {
  const used = new Array<number>(shards).fill(0);
  for (const c of s.clients) {
    const o = origins[c];
    if (o !== undefined) used[o]++;
  }
  const keys: Record<string, string> = {};
  for (const [name, rule] of Object.entries(s.keys)) {
    const avoid = new Set((rule.awayFrom ?? []).map((c) => origins[c]).filter((o): o is number => o !== undefined));
    let candidates = Array.from({ length: shards }, (_, i) => i).filter((i) => !avoid.has(i));
    if (candidates.length === 0) candidates = Array.from({ length: shards }, (_, i) => i);
    let best = candidates[0];
    for (const i of candidates) if (used[i] < used[best]) best = i;
    used[best]++;
    keys[name] = keyOnShard(`${name}:${run}:`, best, shards);
  }
  return keys;
}

function substitute<T>(value: T, keys: Readonly<Record<string, string>>): T {
  if (typeof value === 'string') {
    return value.replace(/\$([A-Za-z]\w*)/g, (all, name: string) => keys[name] ?? all) as T;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, keys)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, keys);
    return out as T;
  }
  return value;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

export function matches(reply: Plain | undefined, expect: Expect): boolean {
  if (expect !== null && typeof expect === 'object' && 'anyOf' in expect) return expect.anyOf.some((e) => same(reply, e));
  return same(reply, expect);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => { setTimeout(resolve, ms); });

const TIMEOUT = 'timeout' as const;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  return Promise.race([p, sleep(ms).then((): typeof TIMEOUT => TIMEOUT)]);
}

let runs = 0;

export async function runScenario(s: Scenario, host: ScenarioHost, options: RunOptions = {}): Promise<ScenarioOutcome> {
  const timeoutMs = options.replyTimeoutMs ?? 10_000 + s.hold * 20;
  const run = options.run ?? ++runs;
  host.setHold?.(s.hold);
  const clients = new Map<string, ScenarioClient>();
  const origins: Record<string, number | undefined> = {};
  for (const name of s.clients) {
    const c = host.fresh(name);
    clients.set(name, c);
    origins[name] = c.origin;
  }
  const keys = placeKeys(s, origins, host.shards, run);
  const steps: StepOutcome[] = [];
  const replies: (Plain | undefined)[] = [];
  const waits: Promise<void>[] = [];
  const failures: string[] = [];

  const record = (i: number, reply: Plain): void => {
    replies[i] = reply;
    const o = steps[i];
    o.reply = reply;
    o.ok = o.expected === undefined || matches(reply, o.expected);
    options.onStep?.(i, o);
  };

  for (let i = 0; i < s.steps.length; i++) {
    const step = s.steps[i];
    if (step.after) await sleep(step.after);
    const client = clients.get(step.client);
    if (client === undefined) throw new Error(`scenario ${s.id}: step ${i} names unknown client ${step.client}`);
    const outcome: StepOutcome = {
      client: step.client,
      ok: step.expect === undefined,
      ...(step.argv ? { argv: substitute(step.argv, keys) } : {}),
      ...(step.disconnect ? { disconnect: true } : {}),
      ...(step.expect !== undefined ? { expected: substitute(step.expect, keys) } : {}),
    };
    steps.push(outcome);
    options.onStep?.(i, outcome);
    if (step.disconnect) {
      client.disconnect();
      continue;
    }
    const answered = client.send(outcome.argv!).then(
      (reply) => record(i, reply),
      (err: unknown) => record(i, { error: `(${err instanceof Error ? err.message : String(err)})` }),
    );
    if (step.blocks) {
      waits.push(answered);
    } else if (await withTimeout(answered, timeoutMs) === TIMEOUT) {
      failures.push(`step ${i + 1} (${step.client}: ${outcome.argv!.join(' ')}): no reply within ${timeoutMs} ms`);
      break;
    }
  }
  if (await withTimeout(Promise.all(waits), timeoutMs) === TIMEOUT) {
    failures.push(`a blocked client got no reply within ${timeoutMs} ms`);
  }
  steps.forEach((o, i) => {
    if (!o.ok && o.reply !== undefined) {
      failures.push(`step ${i + 1} (${o.client}: ${o.argv?.join(' ')}): expected ${JSON.stringify(o.expected)}, got ${JSON.stringify(o.reply)}`);
    } else if (!o.ok) {
      failures.push(`step ${i + 1} (${o.client}: ${o.argv?.join(' ')}): no reply`);
    }
  });
  if (failures.length === 0 && s.check) {
    const wrong = s.check(replies, keys);
    if (wrong !== undefined) failures.push(wrong);
  }
  return { ok: failures.length === 0, keys, steps, failures };
}
