// Human-readable replies built piece by piece: CLIENT LIST lines, INFO sections, errors that quote an
// argument, and the static ASCII texts of COMMAND and CONFIG replies.
//
// Contract: one text is built at a time in `text` — a handler calls textStart(), appends, and ends with
// one send (textBulk, textVerbatim, textError). Appenders take raw bytes (argument or connection buffers),
// constant Lits, integers, fixed-point decimals and Redis's human byte sizes; AssemblyScript strings only
// ever hold static ASCII (field names, table texts), never payloads.
import { ByteBuf, Lit } from "../util/mem";
import { formatI64 } from "../util/int";
import { argPtr, argLen } from "../shard/args";
import { replyBulk, replyVerbatim, replyError, replySimple } from "../resp/writer";

export const text = new ByteBuf();

export function textStart(): void { text.len = 0; }

export function putLit(s: Lit): void { text.append(s.ptr, s.len); }
export function putBytes(ptr: usize, len: u32): void { text.append(ptr, len); }
export function putBuf(b: ByteBuf): void { text.append(b.ptr, b.len); }
export function putByte(b: u8): void { text.pushByte(b); }
export function putArg(i: i32): void { text.append(argPtr(i), argLen(i)); }
export function putCrlf(): void { text.pushByte(0x0d); text.pushByte(0x0a); }

/** Appends a static ASCII string. */
export function putStr(s: string): void {
  const n = s.length;
  text.reserve(<u32>n);
  for (let i = 0; i < n; i++) store<u8>(text.ptr + text.len + <usize>i, <u8>s.charCodeAt(i));
  text.len += <u32>n;
}

export function putInt(v: i64): void {
  text.reserve(24);
  text.len += formatI64(text.ptr + text.len, v);
}

/** `%.<decimals>f` for the modest values INFO prints (ratios, percentages, seconds). */
export function putFixed(v: f64, decimals: i32): void {
  let scale: i64 = 1;
  for (let i = 0; i < decimals; i++) scale *= 10;
  const negative = v < 0;
  const scaled = <i64>Math.round(Math.abs(v) * <f64>scale);
  if (negative && scaled != 0) putByte(0x2d);
  putInt(scaled / scale);
  if (decimals == 0) return;
  putByte(0x2e);
  const frac = scaled % scale;
  for (let div = scale / 10; div > 0; div /= 10) putByte(<u8>(0x30 + (frac / div) % 10));
}

/** Redis's bytesToHuman: `999B`, `1009.48K`, `6.85M`, `23.54G` … */
export function putHumanBytes(n: u64): void {
  if (n < 1024) { putInt(<i64>n); putByte(0x42); return; }
  const units = "KMGTP";
  let scale: f64 = 1024;
  let unit = 0;
  while (unit < 4 && <f64>n >= scale * 1024) { scale *= 1024; unit++; }
  putFixed(<f64>n / scale, 2);
  putByte(<u8>units.charCodeAt(unit));
}

export function textBulk(): void { replyBulk(text.ptr, text.len); }
export function textVerbatim(): void { replyVerbatim(text.ptr, text.len); }

/** Sends the text as an error the way addReplyErrorFormat does: CR and LF become spaces. */
export function textError(): void {
  for (let i: u32 = 0; i < text.len; i++) {
    const b = load<u8>(text.ptr + i);
    if (b == 0x0d || b == 0x0a) store<u8>(text.ptr + i, 0x20);
  }
  replyError(text.ptr, text.len);
}

/** `<prefix><argument i>'`: the errors whose constant text ends in an opening quote. */
export function replyErrorQuoting(prefix: Lit, i: i32): void {
  textStart();
  putLit(prefix);
  putArg(i);
  putByte(0x27);
  textError();
}

// ---- static ASCII strings as replies (separate scratch, so they may interleave with a text) ----

const word = new ByteBuf();

function wordOf(s: string): void {
  word.len = 0;
  const n = s.length;
  word.reserve(<u32>n);
  for (let i = 0; i < n; i++) store<u8>(word.ptr + <usize>i, <u8>s.charCodeAt(i));
  word.len = <u32>n;
}

export function replyBulkStr(s: string): void {
  wordOf(s);
  replyBulk(word.ptr, word.len);
}

export function replySimpleStr(s: string): void {
  wordOf(s);
  replySimple(word.ptr, word.len);
}

/** A status reply `<prefix><s>` (COMMAND INFO's `+@read`). */
export function replySimplePrefixed(prefix: u8, s: string): void {
  wordOf(s);
  word.reserve(1);
  memory.copy(word.ptr + 1, word.ptr, word.len);
  store<u8>(word.ptr, prefix);
  word.len++;
  replySimple(word.ptr, word.len);
}
