/**
 * differential — every corpus script against redis-server (the oracle) and kevy-ts, replies compared
 * byte for byte. The project's strongest test: anything Redis answers, we answer identically.
 *
 * For each script in corpus/*.redis (format: tests/helpers/redis-script.ts), once in RESP2 and once in
 * RESP3 (after an uncompared `HELLO 3`):
 *   1. open a fresh connection to each server and FLUSHALL on both;
 *   2. send each step to both servers and compare the replies as the step says (exact, sorted, shape,
 *      ignored), including a connection close or silence;
 *   3. if the connection is still open, send a final PING so a surplus reply shows up as a mismatch.
 * Every mismatch of the run is printed (script:line, protocol, command, both replies); the test fails at
 * the end with the count. A script is abandoned after a mismatch that leaves one side closed or silent.
 *
 * Environment:
 *   KEVY_DIFF_TARGET=redis   the subject is a second redis-server: validates the corpus and this harness
 *                            (must always pass). Default `kevy`: `node bin/kevy-ts.js --port P --shards 1`.
 *   KEVY_DIFF_SHARDS=N,M     shard counts for the kevy-ts subject, each a full run (default 1,4: one
 *                            shard, and keys spread over four shards so every routing path is taken).
 *   KEVY_DIFF_DENO_SHARDS=N  shards of the Deno host's run (default 2); the Deno host always runs too.
 *   KEVY_DIFF_FILTER=text    only scripts whose file name contains `text`.
 *   KEVY_DIFF_VERBOSE=1      print every step with the oracle's reply (for reviewing the corpus).
 *   KEVY_DIFF_PENDING=1      also run pending/*.redis (lines waiting for data types kevy-ts lacks). Always
 *                            on for KEVY_DIFF_TARGET=redis, so the pending scripts stay valid while they wait.
 * A missing redis-server or a kevy-ts that cannot start fails the test; nothing is ever skipped.
 *
 * kevy-ts is a server with one database (SELECT 0 works, any other index is Redis's range error), so
 * the oracle — and the second redis-server of KEVY_DIFF_TARGET=redis — runs with `--databases 1`.
 * Corpus lines for data types kevy-ts does not have yet wait in pending/ (see pending/README.md); the
 * running corpus never skips a line: what kevy-ts implements is compared in full.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCommand } from '../../host/core/resp-reader.js';
import type { ServerHandle } from '../helpers/child-server.js';
import { repoRoot, startKevyServer, startKevyDenoServer } from '../helpers/kevy-server.js';
import { openRawConnection, type RawConnection, type ReplyOutcome } from '../helpers/raw-connection.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { countRequests, parseScript, type CompareMode, type ScriptStep } from '../helpers/redis-script.js';
import { firstDifference, shapeForm, showBytes, sortedForm } from '../helpers/reply-forms.js';

const CORPUS_DIR = join(repoRoot, 'tests', 'differential', 'corpus');
const PENDING_DIR = join(repoRoot, 'tests', 'differential', 'pending');
const REPLY_TIMEOUT_MS = 2000;
const CLOSE_TIMEOUT_MS = 2000;
const MIN_CORPUS_REQUESTS = 600;
/** The oracle's configuration: a redis-server shaped like kevy-ts (one database). */
const ORACLE_ARGS = ['--databases', '1'];

const target = process.env.KEVY_DIFF_TARGET ?? 'kevy';
const filter = process.env.KEVY_DIFF_FILTER ?? '';
const verbose = process.env.KEVY_DIFF_VERBOSE === '1';
const shardCounts = (process.env.KEVY_DIFF_SHARDS ?? '1,4').split(',').map(Number);
const denoShards = Number(process.env.KEVY_DIFF_DENO_SHARDS ?? '2');
const withPending = target === 'redis' || process.env.KEVY_DIFF_PENDING === '1';

interface Script {
  readonly name: string;
  readonly steps: ScriptStep[];
}

type Protocol = 2 | 3;

interface Mismatch {
  readonly where: string;
  readonly detail: string;
}

/** The scripts of one directory; a script's name is `prefix` + its file name. */
function loadScripts(dir: string, prefix = ''): Script[] {
  const names = readdirSync(dir).filter((n) => n.endsWith('.redis')).sort();
  return names.map((n) => ({ name: prefix + n, steps: parseScript(readFileSync(join(dir, n), 'utf8'), prefix + n) }));
}

const loadCorpus = (): Script[] => loadScripts(CORPUS_DIR);
const loadPending = (): Script[] => loadScripts(PENDING_DIR, 'pending/');

function render(o: ReplyOutcome): string {
  switch (o.kind) {
    case 'reply':
      return showBytes(o.bytes);
    case 'closed':
      return `<connection closed>${o.pending.length ? ` after partial ${showBytes(o.pending)}` : ''}`;
    case 'timeout':
      return `<no reply within ${REPLY_TIMEOUT_MS} ms>${o.pending.length ? ` partial ${showBytes(o.pending)}` : ''}`;
    case 'malformed':
      return `<not RESP: ${o.reason}> ${showBytes(o.pending)}`;
  }
}

/** Null when the outcomes agree under `mode`, else a note on how they differ. */
function disagreement(mode: CompareMode, a: ReplyOutcome, b: ReplyOutcome): string | null {
  if (a.kind === 'timeout' && b.kind === 'timeout') {
    return 'both servers are silent: the script expects a reply the oracle does not send (corpus bug?)';
  }
  if (a.kind !== 'reply' || b.kind !== 'reply') {
    return a.kind === b.kind && a.kind === 'closed' ? null : 'outcomes differ';
  }
  switch (mode) {
    case 'ignore':
      return null;
    case 'exact':
      return a.bytes.equals(b.bytes) ? null : `bytes differ from offset ${firstDifference(a.bytes, b.bytes)}`;
    case 'sorted':
      return sortedForm(a.bytes).equals(sortedForm(b.bytes)) ? null : 'elements differ (order ignored)';
    case 'shape': {
      const sa = shapeForm(a.bytes);
      const sb = shapeForm(b.bytes);
      return sa === sb ? null : `shapes differ: ${sa} vs ${sb}`;
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends bytes and waits for `count` replies on one connection. */
async function exchange(conn: RawConnection, bytes: Buffer, count: number): Promise<ReplyOutcome[]> {
  const closedOutcome: ReplyOutcome = { kind: 'closed', pending: Buffer.alloc(0) };
  if (!conn.send(bytes)) return Array.from({ length: count }, () => closedOutcome);
  const out: ReplyOutcome[] = [];
  for (let i = 0; i < count; i++) {
    const r = await conn.nextReply(REPLY_TIMEOUT_MS);
    out.push(r);
    if (r.kind !== 'reply') {
      while (out.length < count) out.push(r);
      break;
    }
  }
  return out;
}

async function runScript(script: Script, proto: Protocol, oracle: ServerHandle, subject: ServerHandle,
  oracleName: string, subjectName: string, report: (m: Mismatch) => void): Promise<void> {
  const tag = `[RESP${proto}]`;
  const [a, b] = await Promise.all([openRawConnection(oracle.port), openRawConnection(subject.port)]);
  try {
    // Setup replies are compared too: a FLUSHALL that fails leaves the previous script's keys behind.
    const setup: [string, Buffer, CompareMode][] = [['FLUSHALL', encodeCommand(['FLUSHALL']), 'exact']];
    if (proto === 3) setup.push(['HELLO 3', encodeCommand(['HELLO', '3']), 'shape']);
    for (const [what, bytes, mode] of setup) {
      const [ra, rb] = await Promise.all([exchange(a, bytes, 1), exchange(b, bytes, 1)]);
      const why = disagreement(mode, ra[0], rb[0]);
      if (why !== null) {
        report({ where: `${script.name} ${tag} (setup: ${what})`,
          detail: `  ${why} (compare: ${mode})\n  ${oracleName}: ${render(ra[0])}\n  ${subjectName}: ${render(rb[0])}` });
        if (ra[0].kind !== 'reply' || rb[0].kind !== 'reply') return;
      }
    }

    const compare = (step: ScriptStep, mode: CompareMode, ra: ReplyOutcome, rb: ReplyOutcome, nth: string): boolean => {
      if (verbose) console.log(`  ${script.name}:${step.line} ${tag}${nth} ${step.text}\n    -> ${render(ra)}`);
      const why = disagreement(mode, ra, rb);
      if (why === null) return true;
      report({
        where: `${script.name}:${step.line} ${tag}${nth} ${step.text}`,
        detail: `  ${why} (compare: ${mode})\n  ${oracleName}: ${render(ra)}\n  ${subjectName}: ${render(rb)}`,
      });
      // Keep going after a content mismatch; a side that is closed or silent makes the rest noise.
      return ra.kind === 'reply' && rb.kind === 'reply';
    };

    for (const step of script.steps) {
      if (step.kind === 'sleep') {
        await sleep(step.ms);
        continue;
      }
      if (step.kind === 'closed') {
        const [ca, cb] = await Promise.all([a.waitClosed(CLOSE_TIMEOUT_MS), b.waitClosed(CLOSE_TIMEOUT_MS)]);
        if (verbose) console.log(`  ${script.name}:${step.line} ${tag} @closed\n    -> ${ca ? 'closed' : 'open'}`);
        if (ca !== cb) {
          report({ where: `${script.name}:${step.line} ${tag} @closed`,
            detail: `  ${oracleName}: ${ca ? 'closed' : 'open'}\n  ${subjectName}: ${cb ? 'closed' : 'open'}` });
          return;
        }
        continue;
      }
      const bytes = step.kind === 'raw' ? step.bytes : encodeCommand(step.args);
      const count = step.kind === 'raw' ? step.replies : 1;
      const [ra, rb] = await Promise.all([exchange(a, bytes, count), exchange(b, bytes, count)]);
      for (let i = 0; i < count; i++) {
        if (!compare(step, step.compare, ra[i], rb[i], count > 1 ? ` (reply ${i + 1}/${count})` : '')) return;
      }
    }

    // A surplus reply from either side would answer this PING in its place.
    if (!a.isClosed() || !b.isClosed()) {
      const ping = encodeCommand(['PING']);
      const [ra, rb] = await Promise.all([exchange(a, ping, 1), exchange(b, ping, 1)]);
      const end: ScriptStep = { kind: 'command', line: script.steps.length ? script.steps[script.steps.length - 1].line + 1 : 1,
        text: '(end-of-script PING)', compare: 'exact', args: [] };
      compare(end, 'exact', ra[0], rb[0], '');
    }
  } finally {
    a.destroy();
    b.destroy();
  }
}

/** A kevy-ts subject: the Node host with N shards, or the Deno host ('deno:N'). */
interface Subject { host: 'node' | 'deno'; shards: number }

async function startSubject(subject: Subject): Promise<ServerHandle> {
  if (target === 'redis') return startRedisServer(ORACLE_ARGS);
  if (target === 'kevy') return subject.host === 'deno' ? startKevyDenoServer(subject.shards) : startKevyServer(subject.shards);
  throw new Error(`KEVY_DIFF_TARGET must be "kevy" or "redis", not ${JSON.stringify(target)}`);
}

test('the corpus parses and is large', () => {
  const corpus = loadCorpus();
  const requests = corpus.reduce((n, s) => n + countRequests(s.steps), 0);
  console.log(`  corpus: ${corpus.length} scripts, ${requests} requests`);
  assert.ok(requests >= MIN_CORPUS_REQUESTS, `corpus has ${requests} requests, expected at least ${MIN_CORPUS_REQUESTS}`);
});

test('the pending scripts parse', () => {
  const pending = loadPending();
  console.log(`  pending: ${pending.length} scripts, ${pending.reduce((n, s) => n + countRequests(s.steps), 0)} requests` +
    (withPending ? ' (run below)' : ' (not run: KEVY_DIFF_PENDING=1 runs them)'));
});

const subjects: Subject[] = target === 'kevy'
  ? [...shardCounts.map((shards): Subject => ({ host: 'node', shards })), { host: 'deno', shards: denoShards }]
  : [{ host: 'node', shards: 1 }];
for (const subjectSpec of subjects) {
const shards = subjectSpec.shards;
test(`every corpus script replies like redis-server, byte for byte (subject: ${target} ${subjectSpec.host}, ${shards} shard(s))`, async () => {
  const corpus = [...loadCorpus(), ...(withPending ? loadPending() : [])].filter((s) => s.name.includes(filter));
  assert.ok(corpus.length > 0, `no corpus script matches KEVY_DIFF_FILTER=${JSON.stringify(filter)}`);
  const oracle = await startRedisServer(ORACLE_ARGS);
  let subject: ServerHandle | null = null;
  const mismatches: Mismatch[] = [];
  try {
    subject = await startSubject(subjectSpec);
    const oracleName = 'redis'.padEnd(6);
    const subjectName = (target === 'redis' ? 'redis2' : 'kevy').padEnd(6);
    console.log(`  oracle: ${oracle.name}; subject: ${subject.name}`);
    const report = (m: Mismatch): void => {
      mismatches.push(m);
      console.log(`\nMISMATCH ${m.where}\n${m.detail}`);
    };
    for (const proto of [2, 3] as const) {
      for (const script of corpus) await runScript(script, proto, oracle, subject, oracleName, subjectName, report);
    }
  } finally {
    await Promise.all([oracle.stop(), subject?.stop()]);
  }
  const requests = corpus.reduce((n, s) => n + countRequests(s.steps), 0);
  assert.is(mismatches.length, 0,
    `${mismatches.length} mismatch(es) over ${corpus.length} scripts (${requests} requests, RESP2 and RESP3, ` +
    `${shards} shard(s)); see above`);
});
}

test.run();
