// Option words as the key commands' C code reads them. Redis compares these options with strcasecmp on
// the argument's C string, so an argument is only its bytes before the first NUL ("nx\0junk" is NX) and
// an error that quotes an option quotes those bytes. This file owns that reading; the commands own what
// the options mean, and the one error shape that quotes an option back (replyErrorWithArg). Options that
// Redis compares as whole arguments are read with options.ts's argIs instead.
import { argPtr, argLen } from "../shard/args";
import { bytesEqualNoCase } from "../util/bytes";
import { Lit, ByteBuf } from "../util/mem";
import { replyError } from "../resp/writer";

/** Length of argument `i` as a C string: its bytes before the first NUL. */
export function argCLen(i: i32): u32 {
  const ptr = argPtr(i);
  const len = argLen(i);
  let n: u32 = 0;
  while (n < len && load<u8>(ptr + n) != 0) n++;
  return n;
}

/** Argument `i`, as a C string, equals the lowercase `word` ignoring case (strcasecmp == 0). */
export function argIsWord(i: i32, word: Lit): bool {
  return bytesEqualNoCase(argPtr(i), argCLen(i), word.ptr, word.len);
}

const errText = new ByteBuf();

/**
 * Replies `prefix` followed by argument `i` as a C string, the way Redis's addReplyErrorFormat sends
 * such a text: CR and LF at the end are trimmed, CR and LF inside become spaces.
 */
export function replyErrorWithArg(prefix: Lit, i: i32): void {
  errText.len = 0;
  errText.append(prefix.ptr, prefix.len);
  errText.append(argPtr(i), argCLen(i));
  while (errText.len > 0 && isCrLf(load<u8>(errText.ptr + errText.len - 1))) errText.len--;
  for (let k: u32 = 0; k < errText.len; k++) {
    if (isCrLf(load<u8>(errText.ptr + k))) store<u8>(errText.ptr + k, 0x20);
  }
  replyError(errText.ptr, errText.len);
}

// @ts-ignore: decorator
@inline function isCrLf(b: u8): bool { return b == 0x0d || b == 0x0a; }
