/**
 * resp-reader — the host's reader for RESP2/RESP3 *replies*, and the encoder for requests.
 *
 * Owns: finding where one reply frame ends in a byte stream (`frameEnd`), turning one complete frame
 * into a JS value (`decode`), and encoding a command as a RESP2 multibulk request (`encodeCommand`).
 * Used by the embedded API, tests and tools that talk to a server (ours or redis-server). It does not
 * parse *requests* (that is the engine's job in assembly/resp/) and keeps no state: a caller that reads
 * a socket appends bytes to its buffer and calls `frameEnd` until it answers -1.
 *
 * Value representation (RespValue):
 *   `+` simple string      → string (latin1, so every byte survives)
 *   `-` error, `!` blob err → Error whose message is the error text without the leading '-'
 *   `:` integer            → number, or bigint when outside Number's safe range
 *   `(` big number         → bigint
 *   `,` double             → number (inf, -inf, nan included)
 *   `#` boolean            → boolean
 *   `$` bulk string        → Buffer;  `$-1` → null
 *   `=` verbatim string    → Buffer of the text with the 3-byte format and ':' removed
 *   `_` null               → null
 *   `*` array              → RespValue[]; `*-1` → null
 *   `%` map                → Map<RespValue, RespValue> (keys as decoded; Buffers compare by identity,
 *                            so look keys up with `mapGet`)
 *   `~` set                → Set<RespValue>
 *   `>` push               → RespPush, `{ push: true, data: RespValue[] }`
 *   `|` attribute          → skipped: the attribute and the reply after it form one frame, and
 *                            `decode` returns the reply.
 * Streamed RESP3 types (`$?`, `*?`) are not produced by Redis and are rejected as malformed.
 *
 * Malformed input (an unknown type byte, a non-numeric length) throws RespFormatError from both
 * `frameEnd` and `decode`: a reply stream that is wrong cannot become right by waiting for more bytes.
 */

export interface RespPush {
  readonly push: true;
  readonly data: RespValue[];
}

export type RespValue =
  | Buffer
  | string
  | number
  | bigint
  | boolean
  | null
  | Error
  | RespPush
  | RespValue[]
  | Map<RespValue, RespValue>
  | Set<RespValue>;

/** Thrown when the bytes are not a RESP reply (as opposed to being an incomplete one). */
export class RespFormatError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'RespFormatError';
  }
}

const CR = 13;
const LF = 10;

/** Offset of the '\r' ending the line that starts at `from`, or -1 if the line is not complete. */
function lineEnd(buf: Buffer, from: number): number {
  let i = buf.indexOf(CR, from);
  while (i !== -1) {
    if (i + 1 >= buf.length) return -1;
    if (buf[i + 1] === LF) return i;
    i = buf.indexOf(CR, i + 1);
  }
  return -1;
}

/** A length/count header as an integer; -1 allowed (null). */
function parseLength(buf: Buffer, start: number, end: number): number {
  const text = buf.toString('latin1', start, end);
  if (!/^-?\d+$/.test(text)) throw new RespFormatError(`bad length ${JSON.stringify(text)}`, start);
  const n = Number(text);
  if (n < -1 || !Number.isSafeInteger(n)) throw new RespFormatError(`bad length ${text}`, start);
  return n;
}

/**
 * The offset just past one complete reply frame starting at `offset`, or -1 if the buffer holds only
 * part of it. Iterative: a single counter of frames still owed replaces a stack, so nesting depth costs
 * nothing.
 */
export function frameEnd(buf: Buffer, offset: number): number {
  let pos = offset;
  let owed = 1;
  while (owed > 0) {
    if (pos >= buf.length) return -1;
    const type = buf[pos];
    const eol = lineEnd(buf, pos + 1);
    if (eol === -1) return -1;
    owed -= 1;
    switch (type) {
      case 0x2b: // + simple string
      case 0x2d: // - error
      case 0x3a: // : integer
      case 0x5f: // _ null
      case 0x2c: // , double
      case 0x23: // # boolean
      case 0x28: // ( big number
        pos = eol + 2;
        break;
      case 0x24: // $ bulk
      case 0x21: // ! blob error
      case 0x3d: { // = verbatim
        const len = parseLength(buf, pos + 1, eol);
        if (len === -1) {
          pos = eol + 2;
          break;
        }
        const next = eol + 2 + len + 2;
        if (next > buf.length) return -1;
        if (buf[next - 2] !== CR || buf[next - 1] !== LF) {
          throw new RespFormatError('bulk payload not followed by CRLF', next - 2);
        }
        pos = next;
        break;
      }
      case 0x2a: // * array
      case 0x7e: // ~ set
      case 0x3e: { // > push
        const n = parseLength(buf, pos + 1, eol);
        if (n > 0) owed += n;
        pos = eol + 2;
        break;
      }
      case 0x25: { // % map
        const n = parseLength(buf, pos + 1, eol);
        if (n > 0) owed += 2 * n;
        pos = eol + 2;
        break;
      }
      case 0x7c: { // | attribute: its pairs, then the reply it decorates
        const n = parseLength(buf, pos + 1, eol);
        owed += 2 * Math.max(n, 0) + 1;
        pos = eol + 2;
        break;
      }
      default:
        throw new RespFormatError(`unknown reply type byte 0x${type.toString(16)}`, pos);
    }
  }
  return pos;
}

function parseInteger(text: string, at: number): number | bigint {
  if (!/^[-+]?\d+$/.test(text)) throw new RespFormatError(`bad integer ${JSON.stringify(text)}`, at);
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

function parseDouble(text: string, at: number): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan' || lower === '-nan') return NaN;
  const n = Number(text);
  if (text === '' || Number.isNaN(n)) throw new RespFormatError(`bad double ${JSON.stringify(text)}`, at);
  return n;
}

/** An aggregate being filled while decoding: it completes when `items` holds `need` values. */
interface OpenAggregate {
  readonly type: number;
  readonly need: number;
  readonly items: RespValue[];
}

function closeAggregate(open: OpenAggregate): RespValue {
  const { type, items } = open;
  switch (type) {
    case 0x7e:
      return new Set(items);
    case 0x3e:
      return { push: true, data: items };
    case 0x25: {
      const map = new Map<RespValue, RespValue>();
      for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
      return map;
    }
    case 0x7c: // attribute pairs are dropped; the decorated reply is the last item
      return items[items.length - 1];
    default:
      return items;
  }
}

/**
 * Decodes the complete frame at `offset` (the caller guarantees completeness). Iterative, with an
 * explicit stack of open aggregates, so deep nesting cannot overflow the call stack.
 */
function decodeAt(buf: Buffer, offset: number): { value: RespValue; end: number } {
  const stack: OpenAggregate[] = [];
  let pos = offset;
  for (;;) {
    const type = buf[pos];
    const eol = lineEnd(buf, pos + 1);
    const line = buf.toString('latin1', pos + 1, eol);
    const at = pos + 1;
    pos = eol + 2;
    let value: RespValue;
    switch (type) {
      case 0x2b:
        value = line;
        break;
      case 0x2d:
        value = new Error(line);
        break;
      case 0x3a:
        value = parseInteger(line, at);
        break;
      case 0x5f:
        value = null;
        break;
      case 0x2c:
        value = parseDouble(line, at);
        break;
      case 0x23:
        if (line !== 't' && line !== 'f') throw new RespFormatError(`bad boolean ${JSON.stringify(line)}`, at);
        value = line === 't';
        break;
      case 0x28:
        if (!/^[-+]?\d+$/.test(line)) throw new RespFormatError(`bad big number ${JSON.stringify(line)}`, at);
        value = BigInt(line);
        break;
      case 0x24:
      case 0x21:
      case 0x3d: {
        const len = parseLength(buf, at, eol);
        if (len === -1) {
          value = null;
          break;
        }
        const data = buf.subarray(pos, pos + len);
        pos += len + 2;
        if (type === 0x21) value = new Error(data.toString('latin1'));
        else if (type === 0x3d) {
          if (len < 4 || data[3] !== 0x3a) throw new RespFormatError('verbatim string without format', at);
          value = data.subarray(4);
        } else value = data;
        break;
      }
      case 0x2a:
      case 0x7e:
      case 0x3e:
      case 0x25:
      case 0x7c: {
        const n = parseLength(buf, at, eol);
        if (n === -1 && type !== 0x7c) {
          value = null;
          break;
        }
        const need = type === 0x7c ? 2 * Math.max(n, 0) + 1 : type === 0x25 ? 2 * n : n;
        const open: OpenAggregate = { type, need, items: [] };
        if (need > 0) {
          stack.push(open);
          continue;
        }
        value = closeAggregate(open);
        break;
      }
      default:
        throw new RespFormatError(`unknown reply type byte 0x${type.toString(16)}`, at - 1);
    }
    // Fold the finished value into its parents, closing every aggregate it completes.
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) return { value, end: pos };
      top.items.push(value);
      if (top.items.length < top.need) break;
      stack.pop();
      value = closeAggregate(top);
    }
  }
}

/** Decodes one reply at `offset`, or null if the buffer holds only part of it. */
export function decode(buf: Buffer, offset: number): { value: RespValue; end: number } | null {
  if (frameEnd(buf, offset) === -1) return null;
  return decodeAt(buf, offset);
}

/** True for a decoded push frame (RESP3 `>`). */
export function isPush(v: RespValue): v is RespPush {
  return typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && !Array.isArray(v) &&
    !(v instanceof Map) && !(v instanceof Set) && !(v instanceof Error) && v.push === true;
}

/** Looks a map entry up by its textual key, whether the key arrived as a simple string or a bulk. */
export function mapGet(map: Map<RespValue, RespValue>, key: string): RespValue | undefined {
  for (const [k, v] of map) {
    if (typeof k === 'string' ? k === key : Buffer.isBuffer(k) && k.toString('latin1') === key) return v;
  }
  return undefined;
}

/** A command as a RESP2 multibulk request. Strings are UTF-8; numbers are written in decimal. */
export function encodeCommand(args: (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, 'latin1')];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(typeof a === 'number' ? String(a) : a, 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}
