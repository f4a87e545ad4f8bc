// The reply encoder (resp/writer.ts) in RESP2 and RESP3, and the outbox records it writes into
// (shard/outbox.ts). Replies are captured into a ByteBuf with pushCapture/popCapture and compared with
// the bytes redis-server 7.0.15 sends for the same reply (doubles: ZSCORE and Lua `{double=...}` with
// HELLO 2 and HELLO 3; nulls: GET and LPOP of a missing key; verbatim: LOLWUT under RESP3).
import {
  replyTarget, replyConn, replyResp3, pushCapture, popCapture, capturing, writeRaw,
  replySimple, replySimpleLit, replyError, replyErrorLit, replyInt, replyOk, replyBulk, replyBulkLit,
  replyBulkI64, replyNull, replyNullArray, replyArrayLen, replyMapLen, replySetLen, replyPushLen,
  replyBool, replyDouble, replyVerbatim,
} from "../../assembly/resp/writer";
import {
  outboxClear, outboxSeal, outboxPtr, outboxReserve, outboxCommit, outboxClose, outboxMessage,
  outboxCommitMessage, KIND_DATA, KIND_CLOSE, KIND_MSG,
} from "../../assembly/shard/outbox";
import { ByteBuf, Lit } from "../../assembly/util/mem";
import * as E from "../../assembly/resp/errors";
import { respBytesAt, respText } from "./resp.include";

/** What `write` sends to a connection speaking RESP3 (`resp3`) or RESP2, captured. */
function written(resp3: bool, write: () => void): string {
  const buf = new ByteBuf();
  pushCapture(buf);
  replyTarget(9, resp3);
  write();
  popCapture();
  const s = respText(buf.ptr, buf.len);
  buf.release();
  return s;
}

function resp2(write: () => void): string { return written(false, write); }
function resp3(write: () => void): string { return written(true, write); }

/** A bulk reply of the text `s` (the shape RESP2 gives doubles and verbatim strings). */
function bulk(s: string): string {
  return "$" + s.length.toString() + "\r\n" + s + "\r\n";
}

/** Payload texts for replies that take bytes; module globals because closures cannot capture. */
const HELLO = respBytesAt("hello");
const BINARY = respBytesAt("a\r\n\0\xffb");
const TEXT = new Lit("some text");

const NEG_ZERO = reinterpret<f64>(0x8000000000000000);

/** The records of the sealed outbox, as "KIND conn len [payload]" joined by " | ". */
function outboxRecords(): string {
  const total = outboxSeal();
  const p = outboxPtr();
  let s = "";
  let at: u32 = 0;
  while (at + 9 <= total) {
    const kind = load<u8>(p + at);
    const conn = load<u32>(p + at + 1);
    const len = load<u32>(p + at + 5);
    const name = kind == KIND_DATA ? "DATA" : kind == KIND_CLOSE ? "CLOSE" : kind == KIND_MSG ? "MSG" : "?";
    if (s.length > 0) s += " | ";
    s += name + " " + conn.toString() + " " + len.toString();
    if (len > 0 && at + 9 + len <= total) s += " [" + respText(p + at + 9, len) + "]";
    at += 9 + len;
  }
  if (at != total) s += " | (records overrun the outbox: " + at.toString() + " of " + total.toString() + ")";
  return s;
}

describe("replies that are the same in RESP2 and RESP3", () => {
  it("writes simple strings, errors and +OK", () => {
    expect(resp2(() => { replySimple(HELLO, 5); })).toBe("+hello\r\n");
    expect(resp3(() => { replySimpleLit(TEXT); })).toBe("+some text\r\n");
    expect(resp2(() => { replyError(HELLO, 5); })).toBe("-hello\r\n");
    expect(resp3(() => { replyErrorLit(E.ERR_SYNTAX); })).toBe("-ERR syntax error\r\n");
    expect(resp2(() => { replyOk(); })).toBe("+OK\r\n");
    expect(resp3(() => { replyOk(); })).toBe("+OK\r\n");
  });

  it("writes integers with their sign, i64 extremes included", () => {
    expect(resp2(() => { replyInt(0); })).toBe(":0\r\n");
    expect(resp2(() => { replyInt(-5); })).toBe(":-5\r\n");
    expect(resp3(() => { replyInt(42); })).toBe(":42\r\n");
    expect(resp2(() => { replyInt(i64.MIN_VALUE); })).toBe(":-9223372036854775808\r\n");
    expect(resp3(() => { replyInt(i64.MAX_VALUE); })).toBe(":9223372036854775807\r\n");
  });

  it("writes bulk strings byte for byte, binary and empty ones included", () => {
    expect(resp2(() => { replyBulk(HELLO, 5); })).toBe("$5\r\nhello\r\n");
    expect(resp3(() => { replyBulk(BINARY, 6); })).toBe("$6\r\na\r\n\0\xffb\r\n");
    expect(resp2(() => { replyBulk(HELLO, 0); })).toBe("$0\r\n\r\n");
    expect(resp3(() => { replyBulkLit(TEXT); })).toBe("$9\r\nsome text\r\n");
  });

  it("writes an integer as a bulk string, i64 extremes included", () => {
    expect(resp2(() => { replyBulkI64(0); })).toBe("$1\r\n0\r\n");
    expect(resp2(() => { replyBulkI64(-1); })).toBe("$2\r\n-1\r\n");
    expect(resp3(() => { replyBulkI64(1234567890); })).toBe("$10\r\n1234567890\r\n");
    expect(resp2(() => { replyBulkI64(i64.MIN_VALUE); })).toBe("$20\r\n-9223372036854775808\r\n");
    expect(resp3(() => { replyBulkI64(i64.MAX_VALUE); })).toBe("$19\r\n9223372036854775807\r\n");
  });

  it("writes array headers, empty ones included", () => {
    expect(resp2(() => { replyArrayLen(3); })).toBe("*3\r\n");
    expect(resp3(() => { replyArrayLen(0); })).toBe("*0\r\n");
  });

  it("writes raw bytes untouched", () => {
    expect(resp3(() => { writeRaw(BINARY, 6); })).toBe("a\r\n\0\xffb");
  });

  it("writes a bulk reply larger than the capture buffer's first capacity", () => {
    const big = "x".repeat(100000);
    const got = resp2(() => {
      const p = respBytesAt("x".repeat(100000));
      replyBulk(p, 100000);
      heap.free(p);
    });
    expect(got).toBe("$100000\r\n" + big + "\r\n");
  });
});

describe("replies whose shape depends on the protocol", () => {
  it("writes a missing value as $-1 in RESP2 and _ in RESP3", () => {
    expect(resp2(() => { replyNull(); })).toBe("$-1\r\n");
    expect(resp3(() => { replyNull(); })).toBe("_\r\n");
  });

  it("writes a missing aggregate as *-1 in RESP2 and _ in RESP3", () => {
    expect(resp2(() => { replyNullArray(); })).toBe("*-1\r\n");
    expect(resp3(() => { replyNullArray(); })).toBe("_\r\n");
  });

  it("writes a map of n pairs as %n in RESP3 and a flat array of 2n in RESP2", () => {
    expect(resp3(() => { replyMapLen(3); })).toBe("%3\r\n");
    expect(resp2(() => { replyMapLen(3); })).toBe("*6\r\n");
    expect(resp3(() => { replyMapLen(0); })).toBe("%0\r\n");
    expect(resp2(() => { replyMapLen(0); })).toBe("*0\r\n");
  });

  it("writes a set as ~n in RESP3 and an array in RESP2", () => {
    expect(resp3(() => { replySetLen(2); })).toBe("~2\r\n");
    expect(resp2(() => { replySetLen(2); })).toBe("*2\r\n");
    expect(resp3(() => { replySetLen(0); })).toBe("~0\r\n");
  });

  it("writes a push as >n in RESP3 and an array in RESP2", () => {
    expect(resp3(() => { replyPushLen(3); })).toBe(">3\r\n");
    expect(resp2(() => { replyPushLen(3); })).toBe("*3\r\n");
  });

  it("writes a boolean as #t/#f in RESP3 and :1/:0 in RESP2", () => {
    expect(resp3(() => { replyBool(true); })).toBe("#t\r\n");
    expect(resp3(() => { replyBool(false); })).toBe("#f\r\n");
    expect(resp2(() => { replyBool(true); })).toBe(":1\r\n");
    expect(resp2(() => { replyBool(false); })).toBe(":0\r\n");
  });

  it("writes verbatim text as =len txt: in RESP3 and a bulk string in RESP2", () => {
    expect(resp3(() => { replyVerbatim(HELLO, 5); })).toBe("=9\r\ntxt:hello\r\n");
    expect(resp2(() => { replyVerbatim(HELLO, 5); })).toBe("$5\r\nhello\r\n");
    expect(resp3(() => { replyVerbatim(BINARY, 6); })).toBe("=10\r\ntxt:a\r\n\0\xffb\r\n");
    expect(resp3(() => { replyVerbatim(HELLO, 0); })).toBe("=4\r\ntxt:\r\n");
    expect(resp2(() => { replyVerbatim(HELLO, 0); })).toBe("$0\r\n\r\n");
  });
});

describe("doubles, as Redis 7.0 prints them (%.17g)", () => {
  it("writes 0.1 with 17 significant digits", () => {
    expect(resp2(() => { replyDouble(0.1); })).toBe(bulk("0.10000000000000001"));
    expect(resp3(() => { replyDouble(0.1); })).toBe(",0.10000000000000001\r\n");
  });

  it("writes 1e300 in exponent form", () => {
    expect(resp2(() => { replyDouble(1e300); })).toBe(bulk("1.0000000000000001e+300"));
    expect(resp3(() => { replyDouble(1e300); })).toBe(",1.0000000000000001e+300\r\n");
  });

  it("writes infinities as inf and -inf", () => {
    expect(resp2(() => { replyDouble(Infinity); })).toBe("$3\r\ninf\r\n");
    expect(resp3(() => { replyDouble(Infinity); })).toBe(",inf\r\n");
    expect(resp2(() => { replyDouble(-Infinity); })).toBe("$4\r\n-inf\r\n");
    expect(resp3(() => { replyDouble(-Infinity); })).toBe(",-inf\r\n");
  });

  it("writes a NaN as nan", () => {
    // Redis 7.0: EVAL "return {double=-(0/0)}" 0 (a NaN with the sign bit clear).
    expect(resp2(() => { replyDouble(NaN); })).toBe("$3\r\nnan\r\n");
    expect(resp3(() => { replyDouble(NaN); })).toBe(",nan\r\n");
  });

  it("writes zero as 0 and negative zero as -0", () => {
    expect(resp2(() => { replyDouble(0); })).toBe("$1\r\n0\r\n");
    expect(resp3(() => { replyDouble(0); })).toBe(",0\r\n");
    expect(resp2(() => { replyDouble(NEG_ZERO); })).toBe("$2\r\n-0\r\n");
    expect(resp3(() => { replyDouble(NEG_ZERO); })).toBe(",-0\r\n");
  });

  it("writes integral values without a point, and switches to exponents past 17 digits", () => {
    expect(resp3(() => { replyDouble(100); })).toBe(",100\r\n");
    expect(resp2(() => { replyDouble(12345678901234567); })).toBe(bulk("12345678901234568"));
    expect(resp2(() => { replyDouble(123456789012345678); })).toBe(bulk("1.2345678901234568e+17"));
    expect(resp3(() => { replyDouble(1e17); })).toBe(",1e+17\r\n");
    expect(resp2(() => { replyDouble(1e21); })).toBe(bulk("1e+21"));
  });

  it("writes small and negative values as %.17g does", () => {
    expect(resp2(() => { replyDouble(-1.5); })).toBe(bulk("-1.5"));
    expect(resp3(() => { replyDouble(1.0 / 3.0); })).toBe(",0.33333333333333331\r\n");
    expect(resp2(() => { replyDouble(1e-5); })).toBe(bulk("1.0000000000000001e-05"));
    expect(resp3(() => { replyDouble(-2.5e-7); })).toBe(",-2.4999999999999999e-07\r\n");
  });

  it("writes the longest texts: the smallest subnormal and the largest double", () => {
    expect(resp2(() => { replyDouble(5e-324); })).toBe(bulk("4.9406564584124654e-324"));
    expect(resp2(() => { replyDouble(-5e-324); })).toBe(bulk("-4.9406564584124654e-324"));
    expect(resp3(() => { replyDouble(-5e-324); })).toBe(",-4.9406564584124654e-324\r\n");
    expect(resp3(() => { replyDouble(f64.MAX_VALUE); })).toBe(",1.7976931348623157e+308\r\n");
  });
});

describe("capture", () => {
  it("sends replies into the capture buffer and, after popCapture, to the outbox again", () => {
    outboxClear();
    replyTarget(4, false);
    const buf = new ByteBuf();
    pushCapture(buf);
    expect(capturing()).toBe(true);
    replyOk();
    popCapture();
    expect(capturing()).toBe(false);
    replyInt(2);
    expect(respText(buf.ptr, buf.len)).toBe("+OK\r\n");
    expect(outboxRecords()).toBe("DATA 4 4 [:2\r\n]");
    buf.release();
  });

  it("nests, and popCapture restores the buffer, connection and protocol in force before", () => {
    outboxClear();
    replyTarget(1, true);
    const outer = new ByteBuf();
    const inner = new ByteBuf();
    pushCapture(outer);
    replyTarget(2, false);
    pushCapture(inner);
    replyTarget(3, true);
    replyNull();
    popCapture();
    expect(replyConn).toBe(2);
    expect(replyResp3).toBe(false);
    replyNull();
    popCapture();
    expect(replyConn).toBe(1);
    expect(replyResp3).toBe(true);
    expect(capturing()).toBe(false);
    expect(respText(inner.ptr, inner.len)).toBe("_\r\n");
    expect(respText(outer.ptr, outer.len)).toBe("$-1\r\n");
    expect(outboxRecords()).toBe("");
    outer.release();
    inner.release();
  });

  it("writes to the outbox inside a capture pushed with null", () => {
    outboxClear();
    const buf = new ByteBuf();
    pushCapture(buf);
    replyTarget(6, false);
    pushCapture(null);
    expect(capturing()).toBe(false);
    replyOk();
    popCapture();
    replyInt(1);
    popCapture();
    expect(respText(buf.ptr, buf.len)).toBe(":1\r\n");
    expect(outboxRecords()).toBe("DATA 6 5 [+OK\r\n]");
    buf.release();
  });
});

describe("outbox records", () => {
  it("appends consecutive replies to one connection to a single DATA record", () => {
    outboxClear();
    replyTarget(5, false);
    replyOk();
    replyInt(1);
    replyNull();
    expect(outboxRecords()).toBe("DATA 5 14 [+OK\r\n:1\r\n$-1\r\n]");
  });

  it("starts a new DATA record when the connection changes, even back to an earlier one", () => {
    outboxClear();
    replyTarget(5, false);
    replyOk();
    replyTarget(6, true);
    replyNull();
    replyTarget(5, false);
    replyInt(7);
    expect(outboxRecords()).toBe("DATA 5 5 [+OK\r\n] | DATA 6 3 [_\r\n] | DATA 5 4 [:7\r\n]");
  });

  it("frames payload reserved and committed directly, counting only what was committed", () => {
    outboxClear();
    const at = outboxReserve(8, 100);
    store<u8>(at, 0x61);
    store<u8>(at + 1, 0x62);
    outboxCommit(2);
    const next = outboxReserve(8, 10);
    expect(next).toBe(at + 2);
    store<u8>(next, 0x63);
    outboxCommit(1);
    expect(outboxRecords()).toBe("DATA 8 3 [abc]");
  });

  it("writes CLOSE as an empty record after the connection's data", () => {
    outboxClear();
    replyTarget(5, false);
    replyOk();
    outboxClose(5);
    expect(outboxRecords()).toBe("DATA 5 5 [+OK\r\n] | CLOSE 5 0");
  });

  it("opens a new DATA record for replies written after a CLOSE", () => {
    outboxClear();
    replyTarget(5, false);
    replyOk();
    outboxClose(5);
    replyInt(1);
    expect(outboxRecords()).toBe("DATA 5 5 [+OK\r\n] | CLOSE 5 0 | DATA 5 4 [:1\r\n]");
  });

  it("writes a MSG record to a shard with the message's length, between DATA records", () => {
    outboxClear();
    replyTarget(5, false);
    replyOk();
    const at = outboxMessage(3, 4);
    store<u32>(at, 0x64636261); // "abcd"
    outboxCommitMessage(4);
    replyInt(1);
    expect(outboxRecords()).toBe("DATA 5 5 [+OK\r\n] | MSG 3 4 [abcd] | DATA 5 4 [:1\r\n]");
  });

  it("seals idempotently: the length stays, no record is added", () => {
    outboxClear();
    replyTarget(5, false);
    replyOk();
    const first = outboxSeal();
    expect(first).toBe(9 + 5);
    expect(outboxSeal()).toBe(first);
    expect(outboxRecords()).toBe("DATA 5 5 [+OK\r\n]");
  });

  it("starts empty after outboxClear", () => {
    replyTarget(5, false);
    replyOk();
    outboxClear();
    expect(outboxSeal()).toBe(0);
    replyInt(3);
    expect(outboxRecords()).toBe("DATA 5 4 [:3\r\n]");
  });

  it("grows past its first 64 KB and keeps the records written before", () => {
    outboxClear();
    replyTarget(1, false);
    replyOk();
    replyTarget(2, false);
    const p = respBytesAt("y".repeat(200000));
    replyBulk(p, 200000);
    heap.free(p);
    outboxClose(2);
    expect(outboxRecords()).toBe(
      "DATA 1 5 [+OK\r\n] | DATA 2 200011 [$200000\r\n" + "y".repeat(200000) + "\r\n] | CLOSE 2 0");
  });
});
