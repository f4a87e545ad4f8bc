// Reading arguments in handlers: option names compared case-insensitively with constant texts, numbers
// parsed with Redis's rules, and the errors a bad number gets.
import { argc, argPtr, argLen } from "../shard/args";
import { bytesEqualNoCase } from "../util/bytes";
import { parseI64, parsedI64 } from "../util/int";
import { parseLongDouble, parsedF64 } from "../util/float";
import { Lit } from "../util/mem";
import { replyErrorLit } from "../resp/writer";
import { ERR_NOT_INT, ERR_NOT_FLOAT, ERR_COUNT_POSITIVE, ERR_SYNTAX } from "../resp/errors";

/** Argument `i` equals the lowercase ASCII `name`, ignoring case. */
export function argIs(i: i32, name: Lit): bool {
  return bytesEqualNoCase(argPtr(i), argLen(i), name.ptr, name.len);
}

/** The integer value of argument `i` is in `argInt` when this returns true. */
export let argInt: i64 = 0;
export let argFloat: f64 = 0;

export function argToInt(i: i32): bool {
  if (!parseI64(argPtr(i), argLen(i))) return false;
  argInt = parsedI64;
  return true;
}

/** Like argToInt, but replies Redis's "not an integer" error on failure. */
export function argToIntOrReply(i: i32): bool {
  if (argToInt(i)) return true;
  replyErrorLit(ERR_NOT_INT);
  return false;
}

export function argToFloat(i: i32): bool {
  if (!parseLongDouble(argPtr(i), argLen(i))) return false;
  argFloat = parsedF64;
  return true;
}

export function argToFloatOrReply(i: i32): bool {
  if (argToFloat(i)) return true;
  replyErrorLit(ERR_NOT_FLOAT);
  return false;
}

/** What parseMpopCount answers after replying an error. */
export const MPOP_COUNT_ERROR: i64 = -2;

/**
 * LMPOP/ZMPOP's (and their blocking forms') tail after the direction: nothing, or `COUNT n` once with n ≥ 1.
 * Returns the count, -1 when none was given, or MPOP_COUNT_ERROR after replying Redis's error.
 */
export function parseMpopCount(from: i32): i64 {
  let count: i64 = -1;
  for (let j = from; j < argc; j++) {
    if (count == -1 && j < argc - 1 && argIs(j, MPOP_COUNT)) {
      j++;
      if (!parseI64(argPtr(j), argLen(j)) || parsedI64 < 1) { replyErrorLit(ERR_COUNT_POSITIVE); return MPOP_COUNT_ERROR; }
      count = parsedI64;
    } else {
      replyErrorLit(ERR_SYNTAX);
      return MPOP_COUNT_ERROR;
    }
  }
  return count;
}

const MPOP_COUNT = new Lit("count");
