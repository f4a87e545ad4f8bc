/**
 * command-docs — COMMAND DOCS against redis-server 7.0.15 (the oracle), byte for byte over raw sockets,
 * in RESP2 and RESP3: every command and subcommand kevy-ts lists (one `COMMAND DOCS <name>` each),
 * several names at once, unknown names, and `COMMAND DOCS` with no argument.
 *
 * Two things cannot match and are normalised away, on both replies alike: Redis lists commands (and
 * container subcommands) kevy-ts does not implement, so Redis's reply is restricted to the names kevy-ts
 * lists, each kept with Redis's own bytes; and Redis's command order is its hash table's (randomly seeded
 * per process), so top-level commands and a container's `subcommands` are compared sorted by name. A
 * reply without a container in it is compared as it came, byte for byte.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeCommand, frameEnd } from '../../host/core/resp-reader.js';
import type { ServerHandle } from '../helpers/child-server.js';
import { guardedSetup } from '../helpers/guarded-setup.js';
import { startKevyServer } from '../helpers/kevy-server.js';
import { openRawConnection } from '../helpers/raw-connection.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { firstDifference, showBytes } from '../helpers/reply-forms.js';

type Protocol = 2 | 3;

const REPLY_TIMEOUT_MS = 5000;

let redis: ServerHandle | undefined;
let kevy: ServerHandle | undefined;

guardedSetup(test, async () => {
  [redis, kevy] = await Promise.all([startRedisServer(['--databases', '1']), startKevyServer(1)]);
});

test.after(async () => {
  await Promise.all([redis?.stop(), kevy?.stop()]);
});

// ---- talking ----

/** The replies to `commands` on one fresh connection (after an uncompared HELLO 3 for RESP3). */
async function replies(server: ServerHandle, proto: Protocol, commands: string[][]): Promise<Buffer[]> {
  const conn = await openRawConnection(server.port);
  try {
    const all = proto === 3 ? [['HELLO', '3'], ...commands] : commands;
    conn.send(Buffer.concat(all.map((c) => encodeCommand(c))));
    const out: Buffer[] = [];
    for (let i = 0; i < all.length; i++) {
      const r = await conn.nextReply(REPLY_TIMEOUT_MS);
      if (r.kind !== 'reply') throw new Error(`no reply to ${all[i].join(' ')}: ${r.kind}`);
      out.push(r.bytes);
    }
    return proto === 3 ? out.slice(1) : out;
  } finally {
    conn.destroy();
  }
}

// ---- reading and normalising replies ----

/** An aggregate frame split into its header line and its element frames. */
function elements(frame: Buffer): { head: Buffer; items: Buffer[] } {
  const eol = frame.indexOf('\r\n');
  const head = frame.subarray(0, eol + 2);
  const kind = String.fromCharCode(frame[0]);
  if (kind !== '*' && kind !== '%') throw new Error(`not a map: ${showBytes(frame)}`);
  const count = Number(head.toString('latin1', 1, eol)) * (kind === '%' ? 2 : 1);
  const items: Buffer[] = [];
  let at = eol + 2;
  for (let i = 0; i < count; i++) {
    const end = frameEnd(frame, at);
    items.push(frame.subarray(at, end));
    at = end;
  }
  if (at !== frame.length) throw new Error(`trailing bytes after ${showBytes(frame)}`);
  return { head, items };
}

/** A map reply (`%` in RESP3, a flat array in RESP2) as its key/value frames. */
function mapPairs(frame: Buffer): [Buffer, Buffer][] {
  const { items } = elements(frame);
  const pairs: [Buffer, Buffer][] = [];
  for (let i = 0; i < items.length; i += 2) pairs.push([items[i], items[i + 1]]);
  return pairs;
}

function encodeMap(like: Buffer, pairs: [Buffer, Buffer][]): Buffer {
  const resp3 = like[0] === 0x25;
  const head = Buffer.from(`${resp3 ? '%' : '*'}${resp3 ? pairs.length : pairs.length * 2}\r\n`, 'latin1');
  return Buffer.concat([head, ...pairs.flat()]);
}

/** A bulk string frame's text. */
function bulkText(frame: Buffer): string {
  if (frame[0] !== 0x24) throw new Error(`not a bulk string: ${showBytes(frame)}`);
  return frame.toString('utf8', frame.indexOf('\r\n') + 2, frame.length - 2);
}

/** One command's docs with its `subcommands` (if any) normalised. */
function normaliseDoc(doc: Buffer, keep: Set<string>): Buffer {
  const fields = mapPairs(doc).map(([k, v]): [Buffer, Buffer] =>
    [k, bulkText(k) === 'subcommands' ? normaliseDocs(v, keep) : v]);
  return encodeMap(doc, fields);
}

/** A COMMAND DOCS map restricted to the names in `keep` and sorted by name, each doc normalised. */
function normaliseDocs(reply: Buffer, keep: Set<string>): Buffer {
  const pairs = mapPairs(reply)
    .filter(([name]) => keep.has(bulkText(name)))
    .map(([name, doc]): [Buffer, Buffer] => [name, normaliseDoc(doc, keep)])
    .sort((a, b) => Buffer.compare(a[0], b[0]));
  return encodeMap(reply, pairs);
}

/** Every name in a COMMAND DOCS map, subcommands (nested under `subcommands`) included. */
function listedNames(reply: Buffer, into: string[] = []): string[] {
  for (const [name, doc] of mapPairs(reply)) {
    into.push(bulkText(name));
    for (const [k, v] of mapPairs(doc)) if (bulkText(k) === 'subcommands') listedNames(v, into);
  }
  return into;
}

function hasSubcommands(reply: Buffer): boolean {
  return mapPairs(reply).some(([, doc]) => mapPairs(doc).some(([k]) => bulkText(k) === 'subcommands'));
}

function difference(ours: Buffer, theirs: Buffer): string {
  const at = firstDifference(ours, theirs);
  const from = Math.max(0, at - 120);
  return `first difference at byte ${at}\n  ours:  ${showBytes(ours.subarray(from, at + 200))}\n` +
    `  redis: ${showBytes(theirs.subarray(from, at + 200))}`;
}

// ---- the comparisons ----

/** The names kevy-ts lists: every command and subcommand of its `COMMAND DOCS`. */
async function ourNames(): Promise<string[]> {
  const [all] = await replies(kevy!, 2, [['COMMAND', 'DOCS']]);
  return listedNames(all);
}

/** Compares one reply pair: byte for byte, or after normalising when a container's subcommands are in it. */
function compare(label: string, ours: Buffer, theirs: Buffer, keep: Set<string>): string | null {
  if (ours.equals(theirs)) return null;
  if (!hasSubcommands(theirs)) return `${label}: ${difference(ours, theirs)}`;
  const a = normaliseDocs(ours, keep);
  const b = normaliseDocs(theirs, keep);
  return a.equals(b) ? null : `${label} (normalised): ${difference(a, b)}`;
}

test('kevy-ts lists commands and subcommands in COMMAND DOCS', async () => {
  const names = await ourNames();
  assert.ok(names.length > 150, `only ${names.length} names`);
  assert.ok(names.includes('get') && names.includes('client|list'));
});

for (const proto of [2, 3] as const) {
  test(`COMMAND DOCS <name> is Redis's for every command and subcommand (RESP${proto})`, async () => {
    const names = await ourNames();
    const keep = new Set(names);
    const commands = names.map((n) => ['COMMAND', 'DOCS', n]);
    const [ours, theirs] = await Promise.all([replies(kevy!, proto, commands), replies(redis!, proto, commands)]);
    const failures: string[] = [];
    names.forEach((name, i) => {
      const bad = compare(`COMMAND DOCS ${name}`, ours[i], theirs[i], keep);
      if (bad !== null) failures.push(bad);
    });
    assert.ok(failures.length === 0,
      `${failures.length} of ${names.length} commands differ:\n${failures.slice(0, 10).join('\n')}`);
  });

  test(`COMMAND DOCS with several, unknown and differently cased names is Redis's (RESP${proto})`, async () => {
    const keep = new Set(await ourNames());
    const cases = [
      ['COMMAND', 'DOCS', 'get', 'set', 'xadd'],
      ['COMMAND', 'DOCS', 'nosuchcommand'],
      ['COMMAND', 'DOCS', 'get', 'nosuchcommand', 'client|list', 'client|nosuch', 'zadd'],
      ['COMMAND', 'DOCS', 'GET', 'Client|List', 'ZRANGESTORE'],
      ['COMMAND', 'DOCS', 'get', 'get'],
      ['COMMAND', 'DOCS', 'object', 'xinfo'],
    ];
    const [ours, theirs] = await Promise.all([replies(kevy!, proto, cases), replies(redis!, proto, cases)]);
    const failures = cases.map((c, i) => compare(c.join(' '), ours[i], theirs[i], keep)).filter((f) => f !== null);
    assert.ok(failures.length === 0, failures.join('\n'));
  });

  test(`COMMAND DOCS with no argument is Redis's, restricted to what kevy-ts lists (RESP${proto})`, async () => {
    const keep = new Set(await ourNames());
    const [[ours], [theirs]] = await Promise.all([
      replies(kevy!, proto, [['COMMAND', 'DOCS']]), replies(redis!, proto, [['COMMAND', 'DOCS']])]);
    const a = normaliseDocs(ours, keep);
    const b = normaliseDocs(theirs, keep);
    assert.equal(listedNames(b).length, keep.size, 'Redis lacks some command kevy-ts lists');
    assert.ok(a.equals(b), difference(a, b));
  });
}

test.run();
