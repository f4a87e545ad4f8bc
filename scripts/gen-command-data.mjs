#!/usr/bin/env node
// Regenerates assembly/commands/command-data.ts from a running redis-server 7.0.15: for every command and
// subcommand, the facts COMMAND INFO and COMMAND DOCS report that our command table does not carry (tips,
// key specs, the flags outside the table's vocabulary such as movablekeys, summary, since, group,
// complexity, doc flags, deprecation, history and the argument tree).
//
//   redis-server --port 7779 --save '' --appendonly no --databases 1 --daemonize yes
//   node scripts/gen-command-data.mjs 7779
//
// It speaks RESP3 over a raw socket (HELLO 3, COMMAND, COMMAND DOCS) and writes one tab-separated line per
// command, sorted by full name. The line format is documented in the generated file's header.
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const port = Number(process.argv[2] ?? 6379);
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'assembly', 'commands', 'command-data.ts');

/** Parses one RESP3 value at `pos`; returns [value, next] or null when more bytes are needed. */
function parse(buf, pos) {
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[pos]);
  const head = buf.toString('latin1', pos + 1, eol);
  let at = eol + 2;
  if (type === '+' || type === '-') return [type === '-' ? { error: head } : head, at];
  if (type === ':') return [Number(head), at];
  if (type === '_') return [null, at];
  if (type === '$' || type === '=') {
    const n = Number(head);
    if (n < 0) return [null, at];
    if (buf.length < at + n + 2) return null;
    let s = buf.toString('utf8', at, at + n);
    if (type === '=') s = s.slice(4);
    return [s, at + n + 2];
  }
  if (type === '*' || type === '~' || type === '%') {
    const n = Number(head);
    const items = [];
    for (let i = 0; i < (type === '%' ? 2 * n : n); i++) {
      const r = parse(buf, at);
      if (r === null) return null;
      items.push(r[0]);
      at = r[1];
    }
    if (type !== '%') return [items, at];
    const map = new Map();
    for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
    return [map, at];
  }
  throw new Error(`unexpected RESP type ${type}`);
}

function query(socket, lines) {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const replies = [];
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const r = parse(buf, 0);
        if (r === null) return;
        replies.push(r[0]);
        buf = buf.subarray(r[1]);
        if (replies.length === lines.length) {
          socket.off('data', onData);
          resolve(replies);
          return;
        }
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.write(lines.map((l) => `${l}\r\n`).join(''));
  });
}

function keySpec(spec) {
  const flags = spec.get('flags').join(',');
  const bs = spec.get('begin_search');
  const fk = spec.get('find_keys');
  let begin = 'unknown';
  if (bs.get('type') === 'index') begin = `index:${bs.get('spec').get('index')}`;
  else if (bs.get('type') === 'keyword') {
    begin = `keyword:${bs.get('spec').get('keyword')}:${bs.get('spec').get('startfrom')}`;
  }
  let find = 'unknown';
  const s = fk.get('spec');
  if (fk.get('type') === 'range') find = `range:${s.get('lastkey')}:${s.get('keystep')}:${s.get('limit')}`;
  else if (fk.get('type') === 'keynum') {
    find = `keynum:${s.get('keynumidx')}:${s.get('firstkey')}:${s.get('keystep')}`;
  }
  const notes = spec.get('notes') ?? '';
  for (const part of [flags, begin, find, notes]) {
    if (/[|;\t\n"\\]/.test(part)) throw new Error(`key spec text needs escaping: ${part}`);
  }
  return [flags, begin, find, notes].join('|').replace(/\|$/, '');
}

/** Field order of one argument in Redis 7.0's COMMAND DOCS (addReplyCommandArgList); `arguments` last. */
const ARG_KEYS = ['name', 'type', 'key_spec_index', 'token', 'summary', 'since', 'deprecated_since', 'flags',
  'arguments'];
/** One-letter codes of argument types and flags (decoded by assembly/commands/command-args-doc.ts). */
const ARG_TYPES = { string: 's', integer: 'i', double: 'd', key: 'k', pattern: 'p', 'unix-time': 'u',
  'pure-token': 't', oneof: 'o', block: 'b' };
const ARG_FLAGS = { optional: 'o', multiple: 'm', multiple_token: 't' };

/** A text inside the argument tree: none of the tree's own punctuation. */
function argText(text) {
  const cleaned = clean(text);
  if (/[|,[\]]/.test(cleaned)) throw new Error(`argument text needs escaping: ${text}`);
  return cleaned;
}

function code(table, name) {
  if (!(name in table)) throw new Error(`no code for ${name}`);
  return table[name];
}

/** One argument: `name|type|key_spec_index|token|summary|since|deprecated_since|flags`, trailing empties cut, then `[...]` children. */
function encodeArg(arg) {
  let last = -1;
  for (const key of arg.keys()) {
    const at = ARG_KEYS.indexOf(key);
    if (at <= last) throw new Error(`argument field ${key} unknown or out of Redis's order`);
    last = at;
  }
  const kids = arg.get('arguments');
  const type = arg.get('type');
  if ((kids !== undefined) !== (type === 'oneof' || type === 'block')) throw new Error(`arguments of ${type}?`);
  const ksi = arg.get('key_spec_index');
  const fields = [argText(arg.get('name')), code(ARG_TYPES, type), ksi === undefined ? '' : String(ksi),
    argText(arg.get('token')), argText(arg.get('summary')), argText(arg.get('since')),
    argText(arg.get('deprecated_since')), (arg.get('flags') ?? []).map((f) => code(ARG_FLAGS, f)).join('')];
  while (fields[fields.length - 1] === '') fields.pop();
  return fields.join('|') + (kids === undefined ? '' : `[${encodeArgs(kids)}]`);
}

function encodeArgs(args) {
  if (args.length === 0) throw new Error('an empty argument list cannot be told from none');
  return args.map(encodeArg).join(',');
}

/** History: `SINCE TEXT` entries joined by `#`. */
function encodeHistory(history) {
  return history.map(([since, text]) => {
    if (/[ #]/.test(since) || clean(text).includes('#') || text === '') throw new Error(`history needs escaping: ${text}`);
    return `${clean(since)} ${text}`;
  }).join('#');
}

function clean(text) {
  if (text === undefined || text === null) return '';
  if (/[\t\n"\\]/.test(text) || /[^\x20-\x7e]/.test(text)) throw new Error(`text needs escaping: ${text}`);
  return text;
}

/** The flags our command table can say (table.ts FLAG_NAMES); Redis's others go into the data. */
const TABLE_FLAGS = new Set(['write', 'readonly', 'denyoom', 'admin', 'pubsub', 'noscript', 'blocking',
  'loading', 'stale', 'fast', 'no_auth', 'allow_busy', 'no_multi', 'sentinel']);

const rows = new Map();

function addInfo(info) {
  const [name, , flags, , , , , tips, specs, subs] = info;
  rows.set(name, {
    extraFlags: flags.filter((f) => !TABLE_FLAGS.has(f)).join(','),
    tips: tips.join(','),
    specs: specs.map(keySpec).join(';'),
  });
  for (const sub of subs) addInfo(sub);
}

function addDocs(name, doc) {
  const row = rows.get(name);
  if (!row) throw new Error(`docs for unknown command ${name}`);
  row.summary = clean(doc.get('summary'));
  row.since = clean(doc.get('since'));
  row.group = clean(doc.get('group'));
  row.complexity = clean(doc.get('complexity'));
  row.docFlags = (doc.get('doc_flags') ?? []).join(',');
  row.deprecatedSince = clean(doc.get('deprecated_since'));
  row.replacedBy = clean(doc.get('replaced_by'));
  const history = doc.get('history');
  if (history !== undefined && history.length === 0) throw new Error(`empty history of ${name}`);
  row.history = history === undefined ? '' : encodeHistory(history);
  row.args = doc.get('arguments') === undefined ? '' : encodeArgs(doc.get('arguments'));
  const known = ['summary', 'since', 'group', 'complexity', 'doc_flags', 'deprecated_since', 'replaced_by',
    'history', 'arguments', 'subcommands'];
  for (const key of doc.keys()) if (!known.includes(key)) throw new Error(`unknown docs field ${key} of ${name}`);
  for (const [sub, subDoc] of doc.get('subcommands') ?? new Map()) addDocs(sub, subDoc);
}

const socket = net.connect({ port, host: '127.0.0.1' });
await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
const [hello, infos, docs] = await query(socket, ['HELLO 3', 'COMMAND', 'COMMAND DOCS']);
socket.end();
const version = hello.get('version');
if (version !== '7.0.15') throw new Error(`expected redis 7.0.15, got ${version}`);
for (const info of infos) addInfo(info);
for (const [name, doc] of docs) addDocs(name, doc);

const lines = [...rows.keys()].sort().map((name) => {
  const r = rows.get(name);
  const fields = [name, r.extraFlags, r.tips, r.specs, r.summary, r.since, r.group, r.complexity, r.docFlags,
    r.deprecatedSince, r.replacedBy, r.history, r.args];
  return `  "${fields.join('\\t')}",`;
});

writeFileSync(out, `// GENERATED by scripts/gen-command-data.mjs from redis-server ${version}: do not edit by hand.
//
// What Redis's COMMAND INFO and COMMAND DOCS say about every Redis command and subcommand, beyond what our
// command table (table.ts) carries. command-meta.ts indexes it by full name; a command of ours without a
// row here simply has no tips, key specs or docs. One row per command, fields separated by tabs:
//   0 full name (\`client|list\`)
//   1 flags our table cannot express (movablekeys, skip_slowlog, no_async_loading …), comma separated
//   2 tips, comma separated
//   3 key specs, ';' separated; each is \`flags|begin_search|find_keys[|notes]\` where flags are comma
//     separated, begin_search is \`index:N\`, \`keyword:WORD:STARTFROM\` or \`unknown\`, and find_keys is
//     \`range:LASTKEY:KEYSTEP:LIMIT\`, \`keynum:KEYNUMIDX:FIRSTKEY:KEYSTEP\` or \`unknown\`
//   4 summary, 5 since, 6 group, 7 complexity, 8 doc flags (comma separated), 9 deprecated since,
//   10 replaced by
//   11 history: entries joined by '#', each \`SINCE TEXT\` (the version, a space, the change)
//   12 arguments: the argument tree, arguments joined by ',' (empty: the command has no \`arguments\`).
//      Each argument is \`name|type|key_spec_index|token|summary|since|deprecated_since|flags\` with
//      trailing empty fields left out; a oneof or block argument is followed by its own arguments in
//      \`[...]\`. type is one letter: s string, i integer, d double, k key, p pattern, u unix-time,
//      t pure-token, o oneof, b block. flags are letters in Redis's order: o optional, m multiple,
//      t multiple_token. Texts never hold \`| , [ ]\`.
export const COMMAND_ROWS: string[] = [
${lines.join('\n')}
];
`);
console.log(`wrote ${lines.length} rows to ${out}`);
