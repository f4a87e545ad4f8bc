// Walking replies the engine wrote (resp/frame.ts): frameEnd finds where one whole reply ends —
// through nested arrays, maps, sets, pushes, attributes, nulls and sized strings whose bytes contain
// CRLF — and headerValue/headerEnd read an aggregate's or integer's header line. Each reply is placed
// after a prefix and followed by another reply, so an end found one byte off, or a walk that starts at
// offset 0 instead of `at`, shows.
import { frameEnd, headerValue, headerEnd } from "../../assembly/resp/frame";
import { pushCapture, popCapture, replyTarget, replyArrayLen, replyMapLen, replySetLen, replyPushLen,
         replyBulk, replyNull, replyNullArray, replyInt, replyDouble, replyBool, replyVerbatim, replyOk,
         replyErrorLit } from "../../assembly/resp/writer";
import { ByteBuf } from "../../assembly/util/mem";
import * as E from "../../assembly/resp/errors";
import { respBytesAt } from "./resp.include";

const BEFORE = "+before\r\n";
const AFTER = "*2\r\n:1\r\n:2\r\n";

/** The length frameEnd measures for `reply` (placed between BEFORE and AFTER), or -1 if it ends elsewhere. */
function measured(reply: string): i32 {
  const p = respBytesAt(BEFORE + reply + AFTER);
  const start = <u32>BEFORE.length;
  const end = frameEnd(p, start);
  heap.free(p);
  return <i32>end - <i32>start;
}

/** frameEnd finds the end of `reply` exactly. */
function expectWhole(reply: string): void {
  expect(measured(reply)).toBe(reply.length);
}

function valueOf(header: string): i64 {
  const p = respBytesAt(BEFORE + header);
  const v = headerValue(p, <u32>BEFORE.length);
  heap.free(p);
  return v;
}

function headerLength(header: string): i32 {
  const p = respBytesAt(BEFORE + header);
  const end = headerEnd(p, <u32>BEFORE.length);
  heap.free(p);
  return <i32>end - BEFORE.length;
}

describe("frameEnd", () => {
  it("ends a simple line after its CRLF, whatever its type", () => {
    expect(measured("+OK\r\n")).toBe(5);
    expect(measured("-ERR no such key\r\n")).toBe(18);
    expect(measured(":-42\r\n")).toBe(6);
    expect(measured("_\r\n")).toBe(3);
    expect(measured(",1.5\r\n")).toBe(6);
    expect(measured(",-inf\r\n")).toBe(7);
    expect(measured("#t\r\n")).toBe(4);
    expect(measured("(3492890328409238509324850943850943825024385\r\n")).toBe(46);
  });

  it("ends a bulk string by its length, CRLF and NUL bytes inside included", () => {
    expect(measured("$5\r\nhello\r\n")).toBe(11);
    expect(measured("$6\r\n\r\n\r\n\r\n\r\n")).toBe(12);
    expect(measured("$4\r\n\0:1\r\r\n")).toBe(10);
    expect(measured("$0\r\n\r\n")).toBe(6);
  });

  it("ends a null bulk and a null array after their header", () => {
    expect(measured("$-1\r\n")).toBe(5);
    expect(measured("*-1\r\n")).toBe(5);
  });

  it("ends verbatim strings and blob errors by their length", () => {
    expect(measured("=9\r\ntxt:hello\r\n")).toBe(15);
    expect(measured("=10\r\ntxt:a\r\nb\r\n\r\n")).toBe(17);
    expect(measured("!21\r\nSYNTAX invalid\r\nsyntax\r\n")).toBe(28);
  });

  it("ends an array after all its elements, nested and empty ones included", () => {
    expectWhole("*0\r\n");
    expectWhole("*2\r\n$1\r\na\r\n:1\r\n");
    expectWhole("*3\r\n*2\r\n:1\r\n*0\r\n*-1\r\n$4\r\n*1\r\n\r\n");
    expectWhole("*2\r\n*2\r\n*2\r\n:1\r\n:2\r\n$-1\r\n*1\r\n_\r\n");
  });

  it("ends a map after twice as many elements as it has pairs", () => {
    expectWhole("%0\r\n");
    expectWhole("%2\r\n+a\r\n:1\r\n+b\r\n*2\r\n:1\r\n:2\r\n");
    expectWhole("%1\r\n%1\r\n$1\r\nk\r\n$1\r\nv\r\n~2\r\n:1\r\n_\r\n");
  });

  it("ends sets and pushes like arrays", () => {
    expectWhole("~0\r\n");
    expectWhole("~3\r\n$1\r\na\r\n$1\r\nb\r\n$2\r\n\r\n\r\n");
    expectWhole(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
    expectWhole(">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n*2\r\n:1\r\n:2\r\n");
  });

  it("takes an attribute together with the reply it describes", () => {
    expectWhole("|1\r\n+ttl\r\n:3600\r\n$5\r\nvalue\r\n");
    expectWhole("|0\r\n:1\r\n");
    expectWhole("|1\r\n+key\r\n*2\r\n:1\r\n:2\r\n*2\r\n:1\r\n:2\r\n");
    // Inside an aggregate the attribute does not count as one of its elements.
    expectWhole("*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n");
  });

  it("walks a hundred levels of nesting", () => {
    let reply = "";
    for (let i = 0; i < 100; i++) reply += i % 3 == 0 ? "*1\r\n" : i % 3 == 1 ? "~1\r\n" : ">1\r\n";
    reply += ":7\r\n";
    expectWhole(reply);
  });

  it("steps through replies laid back to back, one reply per call", () => {
    const replies = ["+OK\r\n", "$-1\r\n", "*2\r\n$1\r\na\r\n%1\r\n:1\r\n:2\r\n", "_\r\n", "=5\r\ntxt:x\r\n",
                     "|1\r\n+a\r\n+b\r\n:1\r\n", ":9\r\n"];
    const all = replies.join("");
    const p = respBytesAt(all);
    let at: u32 = 0;
    for (let i = 0; i < replies.length; i++) {
      const end = frameEnd(p, at);
      expect(<i32>(end - at)).toBe(replies[i].length);
      at = end;
    }
    expect(<i32>at).toBe(all.length);
    heap.free(p);
  });

  it("ends exactly where the writer's replies end, in RESP2 and in RESP3", () => {
    for (let proto = 2; proto <= 3; proto++) {
      const buf = new ByteBuf();
      pushCapture(buf);
      replyTarget(1, proto == 3);
      // One reply of each shape, the last a map from a set to a push of an array of a double and a verbatim text.
      replyOk();
      replyNull();
      replyNullArray();
      replyErrorLit(E.ERR_SYNTAX);
      replyInt(-7);
      replyBool(true);
      replyDouble(0.1);
      replyMapLen(1);
      replySetLen(2);
      replyBulk(buf.ptr, 0);
      replyNull();
      replyPushLen(1);
      replyArrayLen(2);
      replyDouble(-Infinity);
      const crlf = respBytesAt("a\r\nb");
      replyVerbatim(crlf, 4);
      heap.free(crlf);
      popCapture();
      let at: u32 = 0;
      let count = 0;
      while (at < buf.len) {
        at = frameEnd(buf.ptr, at);
        count++;
      }
      expect(at).toBe(buf.len);
      expect(count).toBe(8);
      buf.release();
    }
  });
});

describe("headerValue", () => {
  it("reads the count or integer of a header line", () => {
    expect(valueOf("*3\r\n")).toBe(3);
    expect(valueOf(":-42\r\n")).toBe(-42);
    expect(valueOf("$5\r\nhello\r\n")).toBe(5);
    expect(valueOf("%2\r\n")).toBe(2);
    expect(valueOf("~0\r\n")).toBe(0);
    expect(valueOf(">4\r\n")).toBe(4);
    expect(valueOf("*-1\r\n")).toBe(-1);
    expect(valueOf(":9223372036854775807\r\n")).toBe(i64.MAX_VALUE);
    expect(valueOf(":-9223372036854775808\r\n")).toBe(i64.MIN_VALUE);
  });
});

describe("headerEnd", () => {
  it("points just past the CRLF of the header line", () => {
    expect(headerLength("*3\r\n:1\r\n")).toBe(4);
    expect(headerLength("$11\r\nhello world\r\n")).toBe(5);
    expect(headerLength(":-9223372036854775808\r\n")).toBe(23);
    expect(headerLength("_\r\n")).toBe(3);
  });
});
