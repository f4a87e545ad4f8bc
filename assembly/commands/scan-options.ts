// The options of every SCAN family command (SCAN, SSCAN, HSCAN, ZSCAN), as Redis 7.0's scanGenericCommand
// reads them: `COUNT n` (n ≥ 1) and `MATCH pattern`, repeatable, the last one winning, and for SCAN alone
// `TYPE name`; anything else is a syntax error. MATCH `*` is no filter at all.
import { argc, argPtr, argLen } from "../shard/args";
import { replyErrorLit } from "../resp/writer";
import * as E from "../resp/errors";
import { argToIntOrReply, argInt } from "./options";
import { argIsWord } from "./keys-args";
import { Lit } from "../util/mem";

/** What parseScanOptions read: COUNT (default 10), and the MATCH and TYPE arguments (-1: none). */
export let scanCount: i64 = 10;
export let scanMatchArg: i32 = -1;
export let scanTypeArg: i32 = -1;

/** Argument `i` is the pattern `*`. */
export function isMatchAll(i: i32): bool {
  return argLen(i) == 1 && load<u8>(argPtr(i)) == 0x2a;
}

/** Reads the options from argument `from` on; false after replying Redis's error. */
export function parseScanOptions(from: i32, withType: bool): bool {
  scanCount = 10;
  scanMatchArg = -1;
  scanTypeArg = -1;
  for (let i = from; i < argc; i += 2) {
    const more = argc - i;
    if (argIsWord(i, COUNT) && more >= 2) {
      if (!argToIntOrReply(i + 1)) return false;
      if (argInt < 1) { replyErrorLit(E.ERR_SYNTAX); return false; }
      scanCount = argInt;
    } else if (argIsWord(i, MATCH) && more >= 2) {
      scanMatchArg = isMatchAll(i + 1) ? -1 : i + 1;
    } else if (withType && argIsWord(i, TYPE) && more >= 2) {
      scanTypeArg = i + 1;
    } else {
      replyErrorLit(E.ERR_SYNTAX);
      return false;
    }
  }
  return true;
}

const COUNT = new Lit("count");
const MATCH = new Lit("match");
const TYPE = new Lit("type");
