/**
 * resp-reader tests — every RESP2/RESP3 reply type, incomplete frames (every strict prefix of a frame
 * is incomplete), nesting, attributes, malformed input, and the request encoder.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  decode, encodeCommand, frameEnd, isPush, mapGet, RespFormatError, type RespValue,
} from '../../host/core/resp-reader.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function decodeAll(s: string): RespValue {
  const buf = b(s);
  const r = decode(buf, 0);
  assert.ok(r, `complete frame ${JSON.stringify(s)}`);
  assert.is(r.end, buf.length, `end of ${JSON.stringify(s)}`);
  return r.value;
}

/** Every strict prefix is incomplete; the whole frame ends exactly at its length. */
function assertFramed(s: string): void {
  const buf = b(s);
  for (let i = 0; i < buf.length; i++) {
    assert.is(frameEnd(buf.subarray(0, i), 0), -1, `prefix ${i} of ${JSON.stringify(s)}`);
    assert.is(decode(buf.subarray(0, i), 0), null, `decode prefix ${i} of ${JSON.stringify(s)}`);
  }
  assert.is(frameEnd(buf, 0), buf.length, `frame ${JSON.stringify(s)}`);
}

const FRAMES = [
  '+OK\r\n', '-ERR unknown command\r\n', ':0\r\n', ':-42\r\n', ':9223372036854775807\r\n',
  '$0\r\n\r\n', '$-1\r\n', '$5\r\nhe\r\no\r\n', '*-1\r\n', '*0\r\n', '*2\r\n$1\r\na\r\n:1\r\n',
  '_\r\n', ',3.5\r\n', ',inf\r\n', ',-inf\r\n', ',nan\r\n', '#t\r\n', '#f\r\n',
  '!10\r\nSYNTAX bad\r\n', '=8\r\ntxt:some\r\n', '(3492890328409238509324850943850943825024385\r\n',
  '%2\r\n+a\r\n:1\r\n$1\r\nb\r\n*1\r\n_\r\n', '~2\r\n+x\r\n+y\r\n',
  '>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n', '|1\r\n+ttl\r\n:3\r\n+OK\r\n',
  '*3\r\n*2\r\n:1\r\n*1\r\n$0\r\n\r\n%1\r\n+k\r\n~1\r\n#t\r\n*0\r\n',
];

test('every strict prefix of a frame is incomplete, and the frame ends at its length', () => {
  for (const f of FRAMES) assertFramed(f);
});

test('frameEnd starts at an offset and stops after one frame of a pipeline', () => {
  const buf = b('xx+OK\r\n:1\r\n$3\r\nabc\r\n');
  assert.is(frameEnd(buf, 2), 7);
  assert.is(frameEnd(buf, 7), 11);
  assert.is(frameEnd(buf, 11), buf.length);
  assert.is(frameEnd(buf, buf.length), -1);
});

test('bulk payloads may contain CR, LF and any byte', () => {
  const v = decodeAll('$6\r\n\r\n\x00\xff\r\n\r\n');
  assert.ok(Buffer.isBuffer(v));
  assert.equal([...(v as Buffer)], [13, 10, 0, 255, 13, 10]);
});

test('simple strings, errors, integers', () => {
  assert.is(decodeAll('+OK\r\n'), 'OK');
  assert.is(decodeAll('+\r\n'), '');
  const e = decodeAll('-WRONGTYPE Operation against a key\r\n');
  assert.instance(e, Error);
  assert.is((e as Error).message, 'WRONGTYPE Operation against a key');
  assert.is(decodeAll(':123\r\n'), 123);
  assert.is(decodeAll(':-9007199254740991\r\n'), -9007199254740991);
  assert.is(decodeAll(':9223372036854775807\r\n'), 9223372036854775807n);
  assert.is(decodeAll(':-9223372036854775808\r\n'), -9223372036854775808n);
});

test('bulk strings and nulls', () => {
  assert.equal(decodeAll('$3\r\nabc\r\n'), b('abc'));
  assert.equal(decodeAll('$0\r\n\r\n'), b(''));
  assert.is(decodeAll('$-1\r\n'), null);
  assert.is(decodeAll('*-1\r\n'), null);
  assert.is(decodeAll('_\r\n'), null);
});

test('RESP3 scalars: double, boolean, big number, verbatim, blob error', () => {
  assert.is(decodeAll(',1.5\r\n'), 1.5);
  assert.is(decodeAll(',-2e3\r\n'), -2000);
  assert.is(decodeAll(',10\r\n'), 10);
  assert.is(decodeAll(',inf\r\n'), Infinity);
  assert.is(decodeAll(',-inf\r\n'), -Infinity);
  assert.ok(Number.isNaN(decodeAll(',nan\r\n')));
  assert.is(decodeAll('#t\r\n'), true);
  assert.is(decodeAll('#f\r\n'), false);
  assert.is(decodeAll('(-12345678901234567890\r\n'), -12345678901234567890n);
  assert.equal(decodeAll('=15\r\ntxt:Some string\r\n'), b('Some string'));
  const e = decodeAll('!21\r\nSYNTAX invalid syntax\r\n');
  assert.instance(e, Error);
  assert.is((e as Error).message, 'SYNTAX invalid syntax');
});

test('aggregates: array, map, set, push', () => {
  assert.equal(decodeAll('*0\r\n'), []);
  assert.equal(decodeAll('*3\r\n:1\r\n+two\r\n$-1\r\n'), [1, 'two', null]);
  const m = decodeAll('%2\r\n+server\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n');
  assert.instance(m, Map);
  const map = m as Map<RespValue, RespValue>;
  assert.is(map.size, 2);
  assert.equal(map.get('server'), b('redis'));
  assert.is(mapGet(map, 'proto'), 3);
  assert.is(mapGet(map, 'absent'), undefined);
  const s = decodeAll('~3\r\n+a\r\n+b\r\n+a\r\n');
  assert.instance(s, Set);
  assert.equal([...(s as Set<RespValue>)].sort(), ['a', 'b']);
  const p = decodeAll('>3\r\n+message\r\n+ch\r\n$2\r\nhi\r\n');
  assert.ok(isPush(p));
  assert.equal((p as { data: RespValue[] }).data, ['message', 'ch', b('hi')]);
  assert.not.ok(isPush(['x']));
  assert.not.ok(isPush(null));
});

test('attributes are skipped and the decorated reply is returned', () => {
  assert.equal(decodeAll('|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*2\r\n:2\r\n:3\r\n'), [2, 3]);
  assert.equal(decodeAll('*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n'), [1, 2]);
});

test('deep nesting is framed without recursion and decoded', () => {
  const depth = 5000;
  const s = '*1\r\n'.repeat(depth) + ':7\r\n';
  const buf = b(s);
  assert.is(frameEnd(buf, 0), buf.length);
  assert.is(frameEnd(buf.subarray(0, buf.length - 1), 0), -1);
  let v = decode(buf, 0)?.value;
  for (let i = 0; i < depth; i++) {
    assert.ok(Array.isArray(v));
    v = (v as RespValue[])[0];
  }
  assert.is(v, 7);
  const wide = '*1000\r\n' + ':1\r\n'.repeat(1000);
  assert.is(frameEnd(b(wide), 0), wide.length);
  assert.is((decodeAll(wide) as RespValue[]).length, 1000);
});

test('malformed replies throw instead of waiting for more bytes', () => {
  assert.throws(() => frameEnd(b('?x\r\n'), 0), (e: unknown) => e instanceof RespFormatError);
  assert.throws(() => frameEnd(b('$abc\r\n'), 0), (e: unknown) => e instanceof RespFormatError);
  assert.throws(() => frameEnd(b('*-2\r\n'), 0), (e: unknown) => e instanceof RespFormatError);
  assert.throws(() => frameEnd(b('$3\r\nabcde\r\n'), 0), (e: unknown) => e instanceof RespFormatError);
  assert.throws(() => decode(b(':12a\r\n'), 0), (e: unknown) => e instanceof RespFormatError);
  assert.throws(() => decode(b('#x\r\n'), 0), (e: unknown) => e instanceof RespFormatError);
});

test('a lone CR inside a line does not end it', () => {
  const buf = b('+a\rb\r\n');
  assert.is(frameEnd(buf, 0), buf.length);
  assert.is(decodeAll('+a\rb\r\n'), 'a\rb');
});

test('encodeCommand writes a RESP2 multibulk request', () => {
  assert.equal(encodeCommand(['SET', 'k', 'v']), b('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n'));
  assert.equal(encodeCommand(['EXPIRE', 'k', 10]), b('*3\r\n$6\r\nEXPIRE\r\n$1\r\nk\r\n$2\r\n10\r\n'));
  assert.equal(encodeCommand([]), b('*0\r\n'));
  assert.equal(encodeCommand(['GET', b('\x00\xff')]), b('*2\r\n$3\r\nGET\r\n$2\r\n\x00\xff\r\n'));
  assert.equal(encodeCommand(['é']), b('*1\r\n$2\r\n\xc3\xa9\r\n'));
  assert.equal(encodeCommand(['']), b('*1\r\n$0\r\n\r\n'));
});

test.run();
