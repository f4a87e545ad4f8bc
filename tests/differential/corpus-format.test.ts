/**
 * corpus-format tests — the differential corpus parser (tests/helpers/redis-script.ts) and the relaxed
 * reply comparisons (tests/helpers/reply-forms.ts). A harness bug here would hide real mismatches.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseScript, splitArgs, unescapeBytes } from '../helpers/redis-script.js';
import { firstDifference, shapeForm, sortedForm } from '../helpers/reply-forms.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const args = (line: string): string[] => splitArgs(line).map((x) => x.toString('latin1'));

test('splitArgs splits on blanks and keeps quoted blanks', () => {
  assert.equal(args('SET  k   v'), ['SET', 'k', 'v']);
  assert.equal(args('ECHO "a b" \'c d\''), ['ECHO', 'a b', 'c d']);
  assert.equal(args('ECHO "" \'\''), ['ECHO', '', '']);
  assert.equal(args('  PING  '), ['PING']);
  assert.equal(args(''), []);
});

test('double quotes take escapes; single quotes are literal but for \\\'', () => {
  assert.equal(args('X "\\x00\\xff\\n\\r\\t\\"\\\\"'), ['X', '\x00\xff\n\r\t"\\']);
  assert.equal(args('X "\\xZZ"'), ['X', 'xZZ']);
  assert.equal(args("X 'a\\nb' 'it\\'s'"), ['X', 'a\\nb', "it's"]);
  assert.equal(args('X a"b'), ['X', 'a"b']);
  assert.equal([...splitArgs('X é')[1]], [0xc3, 0xa9]);
});

test('unbalanced quotes and a quote glued to text are errors', () => {
  assert.throws(() => splitArgs('SET "a b'), /unbalanced/);
  assert.throws(() => splitArgs("SET 'a b"), /unbalanced/);
  assert.throws(() => splitArgs('SET "a"b'), /followed by a space/);
});

test('unescapeBytes expands escapes and keeps everything else', () => {
  assert.equal(unescapeBytes('*1\\r\\n$4\\r\\nPING\\r\\n'), b('*1\r\n$4\r\nPING\r\n'));
  assert.equal(unescapeBytes('SET "a b" \\\\x41'), b('SET "a b" \\x41'));
  assert.equal(unescapeBytes('\\xff\\x00'), b('\xff\x00'));
});

test('parseScript reads directives, comments and line numbers', () => {
  const steps = parseScript([
    '# comment',
    '',
    'SET k v',
    '? CLIENT ID',
    '?TIME',
    '@sorted KEYS *',
    '@shape HELLO 3',
    '!raw PING\\r\\n',
    '!raw0 \\r\\n',
    '!raw3 a\\r\\nb\\r\\nc\\r\\n',
    '? !raw2 X\\r\\nY\\r\\n',
    '@sleep 50',
    '@closed',
    '   # indented comment',
  ].join('\n'), 't.redis');
  assert.equal(steps.map((s) => [s.kind, s.line]), [
    ['command', 3], ['command', 4], ['command', 5], ['command', 6], ['command', 7],
    ['raw', 8], ['raw', 9], ['raw', 10], ['raw', 11], ['sleep', 12], ['closed', 13],
  ]);
  const modes = steps.map((s) => (s.kind === 'command' || s.kind === 'raw' ? s.compare : s.kind));
  assert.equal(modes, ['exact', 'ignore', 'ignore', 'sorted', 'shape', 'exact', 'exact', 'exact', 'ignore', 'sleep', 'closed']);
  const raws = steps.filter((s) => s.kind === 'raw');
  assert.equal(raws.map((s) => (s.kind === 'raw' ? s.replies : -1)), [1, 0, 3, 2]);
  const first = steps[0];
  assert.ok(first.kind === 'command' && first.args.map(String).join(' ') === 'SET k v');
  const sleep = steps[9];
  assert.ok(sleep.kind === 'sleep' && sleep.ms === 50);
});

test('parseScript names the script and line of a bad line', () => {
  assert.throws(() => parseScript('PING\nSET "x', 'bad.redis'), /bad\.redis:2: unbalanced quotes/);
  assert.throws(() => parseScript('@bogus PING', 'bad.redis'), /bad\.redis:1: unknown directive/);
  assert.throws(() => parseScript('!rawx y', 'bad.redis'), /bad\.redis:1: unknown directive/);
});

test('sortedForm ignores element order at every depth but not content', () => {
  const a = b('*2\r\n$1\r\n0\r\n*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n');
  const c = b('*2\r\n$1\r\n0\r\n*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n');
  const d = b('*2\r\n$1\r\n0\r\n*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n');
  assert.ok(sortedForm(a).equals(sortedForm(c)));
  assert.not.ok(sortedForm(a).equals(sortedForm(d)));
  const m1 = b('%2\r\n+a\r\n:1\r\n+b\r\n:2\r\n');
  const m2 = b('%2\r\n+b\r\n:2\r\n+a\r\n:1\r\n');
  const m3 = b('%2\r\n+b\r\n:1\r\n+a\r\n:2\r\n');
  assert.ok(sortedForm(m1).equals(sortedForm(m2)));
  assert.not.ok(sortedForm(m1).equals(sortedForm(m3)));
  assert.ok(sortedForm(b('+OK\r\n')).equals(b('+OK\r\n')));
});

test('shapeForm keeps types, nulls and sizes only', () => {
  assert.is(shapeForm(b('$3\r\nabc\r\n')), shapeForm(b('$5\r\nabcde\r\n')));
  assert.is.not(shapeForm(b('$3\r\nabc\r\n')), shapeForm(b('=7\r\ntxt:abc\r\n')));
  assert.is.not(shapeForm(b('$3\r\nabc\r\n')), shapeForm(b('$-1\r\n')));
  assert.is(shapeForm(b('%1\r\n$2\r\nid\r\n:5\r\n')), shapeForm(b('%1\r\n$2\r\nid\r\n:12\r\n')));
  assert.is.not(shapeForm(b('*1\r\n:1\r\n')), shapeForm(b('*2\r\n:1\r\n:2\r\n')));
  assert.is(shapeForm(b('*2\r\n$1\r\n1\r\n$6\r\n123456\r\n')), '*2[$ $]');
});

test('firstDifference finds the first differing byte', () => {
  assert.is(firstDifference(b('abc'), b('abc')), -1);
  assert.is(firstDifference(b('abc'), b('abd')), 2);
  assert.is(firstDifference(b('ab'), b('abc')), 2);
});

test.run();
