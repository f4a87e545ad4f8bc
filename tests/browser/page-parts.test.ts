/**
 * The demo page's pure parts, in Node: redis-cli tokenizing, RESP2/RESP3 decoding and redis-cli style
 * rendering (doubles, maps, sets, booleans, nested arrays, which the engine's current commands cannot
 * all produce yet), the blocking-command timeouts a console counts down, and the message decoding the
 * message view shows.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { tokenize } from '../../host/browser/tokenize.js';
import { decodeReply, encodeCommand, toPlain } from '../../host/browser/resp.js';
import { replyText } from '../../host/browser/reply-view.js';
import { blockingCall } from '../../host/browser/blocking-commands.js';
import { describeMessage, messageLabel, MESSAGE_TYPES } from '../../host/browser/message-names.js';

const test = suite('demo page parts');
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (s: string): ReturnType<typeof decodeReply> => decodeReply(bytes(s));

test('tokenize splits like redis-cli: quotes, escapes, hex bytes, errors', () => {
  assert.equal(tokenize(`SET k "a b"  'it\\'s'`), { args: ['SET', 'k', 'a b', "it's"], bytes: [bytes('SET'), bytes('k'), bytes('a b'), bytes("it's")] });
  const hex = tokenize('SET k "\\x00\\xff\\n"');
  assert.ok(!('error' in hex));
  if (!('error' in hex)) assert.equal([...hex.bytes[2]], [0, 255, 10]);
  assert.ok('error' in tokenize('SET "k'));
  assert.ok('error' in tokenize('SET "k"v'));
  assert.equal(tokenize('GET "par', true), { args: ['GET', 'par'], bytes: [bytes('GET'), bytes('par')] });
  assert.equal(tokenize('   '), { args: [], bytes: [] });
});

test('RESP replies decode completely or wait for more bytes', () => {
  assert.is(decode('$5\r\nhel'), undefined);
  assert.is(decode('*2\r\n:1\r\n'), undefined);
  const d = decode('*2\r\n:1\r\n$-1\r\n+rest');
  assert.equal(d && toPlain(d.value), [1, null]);
  assert.is(d?.end, 13);
  assert.equal(new TextDecoder().decode(encodeCommand(['GET', 'k'])), '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
});

test('replies render as redis-cli prints them', () => {
  const text = (s: string): string => replyText(decode(s)!.value);
  assert.is(text('+OK\r\n'), 'OK');
  assert.is(text(':42\r\n'), '(integer) 42');
  assert.is(text('$-1\r\n'), '(nil)');
  assert.is(text('_\r\n'), '(nil)');
  assert.is(text('-ERR bad\r\n'), '(error) ERR bad');
  assert.is(text('$4\r\na"b\n\r\n'), '"a\\"b\\n"');
  assert.is(text('*0\r\n'), '(empty array)');
  assert.is(text('*2\r\n$1\r\na\r\n*2\r\n:1\r\n$1\r\nb\r\n'), '1) "a"\n2) 1) (integer) 1\n   2) "b"');
  assert.is(text(',1.5\r\n'), '(double) 1.5');
  assert.is(text('#t\r\n'), '(true)');
  assert.is(text('%2\r\n+server\r\n+redis\r\n+proto\r\n:3\r\n'), '1# server => redis\n2# proto => (integer) 3');
  assert.is(text('~2\r\n$1\r\nx\r\n$1\r\ny\r\n'), '1~ "x"\n2~ "y"');
  assert.equal(toPlain(decode('%1\r\n$1\r\nk\r\n,2.5\r\n')!.value), { map: [['k', 2.5]] });
});

test('a console knows which commands block, and for how long', () => {
  assert.equal(blockingCall(['BLPOP', 'a', 'b', '1.5']), { timeoutMs: 1500 });
  assert.equal(blockingCall(['blmove', 's', 'd', 'LEFT', 'RIGHT', '0']), { timeoutMs: 0 });
  assert.equal(blockingCall(['BLMPOP', '2', '1', 'k', 'LEFT']), { timeoutMs: 2000 });
  assert.equal(blockingCall(['XREAD', 'BLOCK', '300', 'STREAMS', 's', '$']), { timeoutMs: 300 });
  assert.is(blockingCall(['LPOP', 'k']), undefined);
  assert.is(blockingCall(['BLPOP', 'k', 'soon']), undefined);
});

test('messages decode: header, REQ argv, REP first line, every type named', () => {
  const argv = [bytes('GET'), bytes('user:1')];
  const body = new Uint8Array(4 + argv.reduce((n, a) => n + 4 + a.length, 0));
  const v = new DataView(body.buffer);
  v.setUint32(0, argv.length, true);
  let p = 4;
  for (const a of argv) {
    v.setUint32(p, a.length, true);
    body.set(a, p + 4);
    p += 4 + a.length;
  }
  const m = new Uint8Array(20 + body.length);
  const h = new DataView(m.buffer);
  h.setUint8(0, 1);
  h.setUint32(4, 7, true);
  h.setUint32(12, 42, true);
  m.set(body, 20);
  const info = describeMessage(m);
  assert.is(info.name, 'REQ');
  assert.is(info.op, 7);
  assert.is(info.conn, 42);
  assert.is(messageLabel(info), 'REQ GET user:1');
  const rep = new Uint8Array([2, 0, 0, 0, ...new Uint8Array(16), ...bytes(':5\r\n')]);
  assert.is(messageLabel(describeMessage(rep)), 'REP (integer) 5');
  const names = Object.values(MESSAGE_TYPES).map((t) => t.name);
  assert.equal(names, ['REQ', 'REP', 'LOCK', 'LOCKED', 'UNLOCK', 'DIRTY', 'UNWATCH', 'ARM', 'READY', 'SERVE', 'SERVED', 'DELIVERED', 'RESTORE', 'DISARM']);
});

test.run();
