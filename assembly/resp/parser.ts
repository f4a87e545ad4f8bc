// The request parser: RESP2 multibulk frames and inline commands, streaming. A frame may arrive in any
// number of pieces (one byte at a time included); the parser keeps its place in the connection (pos,
// multibulkLeft, bulkLen, offsets of the arguments read so far) so no byte is parsed twice. Limits and
// protocol errors are Redis's: the error is replied, then the connection is closed.
//
// `parseNext` reads at most one complete command from `base[0..len)` into the argument vector and says
// what it found; the caller executes it and calls again.
import { Conn } from "../shard/conn";
import { argc, argsReset, argsPush, argPtr, argLen } from "../shard/args";
import { parseI64, parsedI64 } from "../util/int";
import { Lit, ByteBuf } from "../util/mem";
import * as E from "./errors";

export const PARSE_NEED_MORE: i32 = 0;
export const PARSE_COMMAND: i32 = 1;
export const PARSE_EMPTY: i32 = 2;
export const PARSE_ERROR: i32 = 3;

/** Redis's PROTO_INLINE_MAX_SIZE: an inline command or a header line may be no longer. */
const INLINE_MAX: u32 = 64 * 1024;
/** Redis's proto-max-bulk-len default. */
export const PROTO_MAX_BULK_LEN: i64 = 512 * 1024 * 1024;
const MULTIBULK_MAX: i64 = 2147483647;

/** After PARSE_ERROR: the error text to reply and, for "expected '$'", the byte found. */
export let parseError: Lit = E.ERR_PROTO_MULTIBULK;
export let parseErrorByte: u8 = 0;

/** Bytes of inline arguments after unquoting; arguments point into it until the next parse. */
const inlineArgs = new ByteBuf();

function fail(c: Conn, err: Lit): i32 {
  parseError = err;
  c.closing = true;
  return PARSE_ERROR;
}

function findByte(base: usize, from: u32, to: u32, b: u8): i32 {
  for (let i = from; i < to; i++) if (load<u8>(base + i) == b) return <i32>i;
  return -1;
}

export function parseNext(c: Conn, base: usize, len: u32): i32 {
  if (c.multibulkLeft < 0) {
    if (c.pos >= len) return PARSE_NEED_MORE;
    c.frameStart = c.pos;
    if (load<u8>(base + c.pos) != 0x2a) return parseInline(c, base, len);
    const r = parseMultibulkHeader(c, base, len);
    if (r != PARSE_COMMAND) return r;
  }
  return parseBulks(c, base, len);
}

/** `*<count>\r\n`. Returns PARSE_COMMAND when the frame continues with its bulks. */
function parseMultibulkHeader(c: Conn, base: usize, len: u32): i32 {
  const cr = findByte(base, c.pos, len, 0x0d);
  if (cr < 0) {
    if (len - c.pos > INLINE_MAX) return fail(c, E.ERR_PROTO_BIG_MBULK);
    return PARSE_NEED_MORE;
  }
  if (<u32>cr + 1 >= len) return PARSE_NEED_MORE;
  const ok = parseI64(base + c.pos + 1, <u32>cr - c.pos - 1);
  if (!ok || parsedI64 > MULTIBULK_MAX) return fail(c, E.ERR_PROTO_MULTIBULK);
  c.pos = <u32>cr + 2;
  if (parsedI64 <= 0) return PARSE_EMPTY;
  c.multibulkLeft = <i32>parsedI64;
  c.bulkLen = -1;
  c.partOffsets.length = 0;
  c.partLengths.length = 0;
  return PARSE_COMMAND;
}

/**
 * The bulks of a multibulk frame. A frame whose arguments are all read in one call (the usual case)
 * goes straight into the argument vector; only a frame that must wait for more bytes keeps the offsets
 * of what it has so far in the connection (`direct` is false once it has).
 */
function parseBulks(c: Conn, base: usize, len: u32): i32 {
  const direct = c.partOffsets.length == 0;
  if (direct) argsReset();
  while (c.multibulkLeft > 0) {
    if (c.bulkLen < 0) {
      const cr = findByte(base, c.pos, len, 0x0d);
      if (cr < 0) {
        if (len - c.pos > INLINE_MAX) return fail(c, E.ERR_PROTO_BIG_BULK);
        return needMore(c, direct, base);
      }
      if (<u32>cr + 1 >= len) return needMore(c, direct, base);
      const first = load<u8>(base + c.pos);
      if (first != 0x24) {
        parseErrorByte = first;
        return fail(c, E.ERR_PROTO_EXPECTED_DOLLAR);
      }
      const ok = parseI64(base + c.pos + 1, <u32>cr - c.pos - 1);
      if (!ok || parsedI64 < 0 || parsedI64 > PROTO_MAX_BULK_LEN) return fail(c, E.ERR_PROTO_BULK);
      c.bulkLen = <i32>parsedI64;
      c.pos = <u32>cr + 2;
    }
    if (<u64>len - <u64>c.pos < <u64>c.bulkLen + 2) return needMore(c, direct, base);
    if (direct) {
      argsPush(base + c.pos, <u32>c.bulkLen);
    } else {
      c.partOffsets.push(c.pos);
      c.partLengths.push(<u32>c.bulkLen);
    }
    c.pos += <u32>c.bulkLen + 2;
    c.bulkLen = -1;
    c.multibulkLeft--;
  }
  c.multibulkLeft = -1;
  if (!direct) {
    argsReset();
    const n = c.partOffsets.length;
    for (let i = 0; i < n; i++) argsPush(base + unchecked(c.partOffsets[i]), unchecked(c.partLengths[i]));
  }
  return PARSE_COMMAND;
}

/** The frame waits for more bytes: what it read straight into the arguments is kept as offsets. */
function needMore(c: Conn, direct: bool, base: usize): i32 {
  if (direct) {
    for (let i = 0; i < argc; i++) {
      c.partOffsets.push(<u32>(argPtr(i) - base));
      c.partLengths.push(argLen(i));
    }
  }
  return PARSE_NEED_MORE;
}

/** Moves the offsets of a frame in progress after its buffer dropped its first `n` bytes. */
export function parserShift(c: Conn, n: u32): void {
  c.pos -= n;
  c.frameStart -= n;
  const parts = c.partOffsets.length;
  for (let i = 0; i < parts; i++) unchecked(c.partOffsets[i] -= n);
}

/** The first byte the parser still needs: everything before it can be dropped. */
export function parserKeepFrom(c: Conn): u32 {
  return c.multibulkLeft >= 0 ? c.frameStart : c.pos;
}

// @ts-ignore: decorator
@inline function isSpace(b: u8): bool {
  return b == 0x20 || (b >= 0x09 && b <= 0x0d);
}

function hexValue(b: u8): i32 {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

/** An inline command: one line, split like redis-cli splits it (quotes and escapes). */
function parseInline(c: Conn, base: usize, len: u32): i32 {
  const nl = findByte(base, c.pos, len, 0x0a);
  if (nl < 0) {
    if (len - c.pos > INLINE_MAX) return fail(c, E.ERR_PROTO_BIG_INLINE);
    return PARSE_NEED_MORE;
  }
  let end = <u32>nl;
  if (end > c.pos && load<u8>(base + end - 1) == 0x0d) end--;
  const start = c.pos;
  c.pos = <u32>nl + 1;
  if (!splitArgs(base + start, end - start)) return fail(c, E.ERR_PROTO_QUOTES);
  return argc == 0 ? PARSE_EMPTY : PARSE_COMMAND;
}

/**
 * Splits a line into arguments into `inlineArgs` the way Redis's sdssplitargs does; false on unbalanced
 * quotes. Blanks between arguments are any isspace byte; an unquoted word ends only at space, tab, CR
 * or LF; a quote may open in the middle of a word, and a closing quote must be followed by a blank or
 * the end. Zero arguments is fine.
 */
function splitArgs(p: usize, n: u32): bool {
  argsReset();
  inlineArgs.len = 0;
  inlineArgs.reserve(n + 1);
  const out = inlineArgs.ptr;
  let w: u32 = 0;
  let i: u32 = 0;
  while (true) {
    while (i < n && isSpace(load<u8>(p + i))) i++;
    if (i >= n) return true;
    const argStart = w;
    let inDouble = false;
    let inSingle = false;
    let done = false;
    while (!done) {
      const atEnd = i >= n;
      const b: u8 = atEnd ? 0 : load<u8>(p + i);
      if (inDouble) {
        if (atEnd) return false;
        if (b == 0x5c && i + 3 < n && load<u8>(p + i + 1) == 0x78
            && hexValue(load<u8>(p + i + 2)) >= 0 && hexValue(load<u8>(p + i + 3)) >= 0) {
          store<u8>(out + w++, <u8>(hexValue(load<u8>(p + i + 2)) * 16 + hexValue(load<u8>(p + i + 3))));
          i += 3;
        } else if (b == 0x5c && i + 1 < n) {
          i++;
          const e = load<u8>(p + i);
          let v = e;
          if (e == 0x6e) v = 0x0a; else if (e == 0x72) v = 0x0d; else if (e == 0x74) v = 0x09;
          else if (e == 0x62) v = 0x08; else if (e == 0x61) v = 0x07;
          store<u8>(out + w++, v);
        } else if (b == 0x22) {
          if (i + 1 < n && !isSpace(load<u8>(p + i + 1))) return false;
          done = true;
        } else {
          store<u8>(out + w++, b);
        }
      } else if (inSingle) {
        if (atEnd) return false;
        if (b == 0x5c && i + 1 < n && load<u8>(p + i + 1) == 0x27) {
          i++;
          store<u8>(out + w++, 0x27);
        } else if (b == 0x27) {
          if (i + 1 < n && !isSpace(load<u8>(p + i + 1))) return false;
          done = true;
        } else {
          store<u8>(out + w++, b);
        }
      } else if (atEnd || b == 0x20 || b == 0x0a || b == 0x0d || b == 0x09) {
        done = true;
      } else if (b == 0x22) {
        inDouble = true;
      } else if (b == 0x27) {
        inSingle = true;
      } else {
        store<u8>(out + w++, b);
      }
      if (!atEnd) i++;
    }
    argsPush(out + argStart, w - argStart);
  }
}
