// A blocking command's timeout, read as Redis 7.0 reads it (getTimeoutFromObjectOrReply): seconds as a
// long double (strtold: hex and exponents too; no spaces, no NaN), times 1000, rounded up to whole ms.
// Negative after rounding is an error ("-0.0001" rounds to 0, which waits forever); beyond 64-bit
// milliseconds converts to the most negative integer, as C's cast does, so that too is "negative".
import { parseLongDouble, parsedF64 } from "../util/float";
import { parseI64, parsedI64 } from "../util/int";
import { replyErrorLit } from "../resp/writer";
import { Lit } from "../util/mem";

/** What parseTimeout read: the deadline in Unix ms, 0 for none. */
export let timeoutDeadline: i64 = 0;

const I64_LIMIT: f64 = 9223372036854775808.0;

/** Seconds (BLPOP …) → deadline; false after replying Redis's error. */
export function parseTimeoutSeconds(ptr: usize, len: u32, now: i64): bool {
  if (!parseLongDouble(ptr, len) || isNaN(parsedF64)) { replyErrorLit(NOT_FLOAT); return false; }
  const ms = Math.ceil(parsedF64 * 1000.0);
  if (!(ms < I64_LIMIT) || ms < -I64_LIMIT || ms < 0) { replyErrorLit(NEGATIVE); return false; }
  return setDeadline(<i64>ms, now);
}

/** Milliseconds (XREAD BLOCK …) → deadline; false after replying Redis's error. */
export function parseTimeoutMillis(ptr: usize, len: u32, now: i64): bool {
  if (!parseI64(ptr, len)) { replyErrorLit(NOT_INTEGER); return false; }
  if (parsedI64 < 0) { replyErrorLit(NEGATIVE); return false; }
  return setDeadline(parsedI64, now);
}

function setDeadline(ms: i64, now: i64): bool {
  // A sum past 64 bits waits as good as forever.
  timeoutDeadline = ms == 0 ? 0 : ms > I64.MAX_VALUE - now ? I64.MAX_VALUE : now + ms;
  return true;
}

const NOT_FLOAT = new Lit("ERR timeout is not a float or out of range");
const NOT_INTEGER = new Lit("ERR timeout is not an integer or out of range");
const NEGATIVE = new Lit("ERR timeout is negative");
