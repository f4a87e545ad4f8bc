// The request parser (resp/parser.ts) driven the way shard/session.ts drives it: bytes arrive in host
// buffers of any size, complete commands are taken out with parseNext, and after PARSE_NEED_MORE the
// partial frame from parserKeepFrom(c) on is kept in the connection's ByteBuf (parserShift moves the
// parser's offsets with it). Every expected outcome — argv, "no command", error text, closing — was
// checked against redis-server 7.0.15 with raw bytes on a socket.
//
// Outcomes are written as one string: a command as its arguments in brackets ("[SET][k][v]"), a frame
// that carries no command as "(empty)", a protocol error as "(error) <text Redis replies>".
import { Conn } from "../../assembly/shard/conn";
import {
  parseNext, parserKeepFrom, parserShift, parseError, parseErrorByte, PROTO_MAX_BULK_LEN,
  PARSE_NEED_MORE, PARSE_COMMAND, PARSE_EMPTY, PARSE_ERROR,
} from "../../assembly/resp/parser";
import { argc, argPtr, argLen } from "../../assembly/shard/args";
import * as E from "../../assembly/resp/errors";
import { respBytesAt, respText } from "./resp.include";

let client: Conn = new Conn(1, 0);
let nextId: u32 = 2;
let outcomes: Array<string> = [];

/** A fresh connection (parser state at rest, empty input buffer). */
function open(): void {
  client = new Conn(nextId++, 0);
  outcomes = [];
}

function argvText(): string {
  let s = "";
  for (let i = 0; i < argc; i++) s += "[" + respText(argPtr(i), argLen(i)) + "]";
  return s;
}

function errorText(): string {
  let s = respText(parseError.ptr, parseError.len);
  if (parseError === E.ERR_PROTO_EXPECTED_DOLLAR) s += String.fromCharCode(parseErrorByte) + "'";
  return s;
}

/**
 * One read from the socket, as session.ts's connFeed + keepLeftover handle it: parsed in place when
 * nothing is buffered, else appended to the buffer first; the partial frame is kept. The host buffer
 * is scribbled over and freed afterwards, so an argument still pointing into it would show.
 */
function feed(chunk: string): void {
  if (client.closing) return;
  const data = respBytesAt(chunk);
  const len = <u32>chunk.length;
  const buffered = client.input.len > 0;
  if (buffered) client.input.append(data, len);
  const base = buffered ? client.input.ptr : data;
  const total = buffered ? client.input.len : len;
  while (!client.closing) {
    const r = parseNext(client, base, total);
    if (r == PARSE_NEED_MORE) break;
    if (r == PARSE_EMPTY) { outcomes.push("(empty)"); continue; }
    if (r == PARSE_ERROR) { outcomes.push("(error) " + errorText()); break; }
    expect(r).toBe(PARSE_COMMAND);
    outcomes.push(argvText());
  }
  if (!client.closing) {
    const keep = parserKeepFrom(client);
    if (buffered) {
      client.input.consume(keep);
      client.input.shrinkIfIdle();
    } else if (keep < total) {
      client.input.append(base + keep, total - keep);
    }
    parserShift(client, keep);
  }
  memory.fill(data, 0xee, len);
  heap.free(data);
}

function seen(): string {
  return outcomes.join(" ");
}

/** What a new connection makes of `bytes` read in one piece. */
function whole(bytes: string): string {
  open();
  feed(bytes);
  return seen();
}

/** The same bytes read `size` bytes at a time. */
function inPieces(bytes: string, size: i32): string {
  open();
  for (let i = 0; i < bytes.length; i += size) feed(bytes.substring(i, i + size));
  return seen();
}

/** The same bytes read in two pieces, split before byte `at`. */
function splitAt(bytes: string, at: i32): string {
  open();
  feed(bytes.substring(0, at));
  feed(bytes.substring(at));
  return seen();
}

/** Bytes of every kind the parser handles, back to back, with what Redis makes of them. */
const MIXED =
  "*3\r\n$3\r\nSET\r\n$6\r\nk\0\r\nx\xff\r\n$0\r\n\r\n" +
  "PING\r\n" +
  "*0\r\n" +
  "  ECHO \"a b\\x41\\n\" 'c d'\n" +
  "*-1\r\n" +
  "\r\n" +
  "*2\r\n$4\r\nECHO\r\n$14\r\n*1\r\n$4\r\nPING\r\n\r\n" +
  "*1\r\n$4\r\nPINGxx" +
  "*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n";
const MIXED_SEEN =
  "[SET][k\0\r\nx\xff][] [PING] (empty) [ECHO][a bA\n][c d] (empty) (empty) " +
  "[ECHO][*1\r\n$4\r\nPING\r\n] [PING] [ECHO][hi]";

describe("multibulk commands", () => {
  it("yields the arguments of a multibulk frame", () => {
    expect(whole("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n")).toBe("[SET][k][value]");
    expect(client.closing).toBe(false);
    expect(client.input.len).toBe(0);
  });

  it("keeps NUL, CR, LF and high bytes inside a bulk: only the length counts", () => {
    expect(whole("*2\r\n$4\r\nECHO\r\n$8\r\n\0\r\n\r\n\xff\0\n\r\n")).toBe("[ECHO][\0\r\n\r\n\xff\0\n]");
    expect(whole("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n")).toBe("[ECHO][]");
  });

  it("takes several frames from one read, in order", () => {
    expect(whole("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n"))
      .toBe("[PING] [ECHO][hi] [PING] [QUIT]");
  });

  it("answers *0, *-1 and any negative count with no command", () => {
    expect(whole("*0\r\n")).toBe("(empty)");
    expect(whole("*-1\r\n")).toBe("(empty)");
    expect(whole("*-5\r\nPING\r\n")).toBe("(empty) [PING]");
    expect(whole("*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n")).toBe("(empty) (empty) [PING]");
  });

  it("keeps more arguments than the argument vector's first capacity", () => {
    let frame = "*200\r\n";
    let expected = "";
    for (let i = 0; i < 200; i++) {
      const a = i.toString();
      frame += "$" + a.length.toString() + "\r\n" + a + "\r\n";
      expected += "[" + a + "]";
    }
    expect(whole(frame)).toBe(expected);
  });

  it("skips the two bytes after a bulk without checking they are CRLF, as Redis does", () => {
    // Redis 7.0: "*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n" answers +PONG twice.
    expect(whole("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n")).toBe("[PING] [PING]");
    // The bulk is complete only once both bytes are there, whatever they are.
    open();
    feed("*1\r\n$4\r\nPING");
    feed("x");
    expect(seen()).toBe("");
    feed("y");
    expect(seen()).toBe("[PING]");
  });

  it("skips the byte after the CR of a header line without checking it is LF, as Redis does", () => {
    expect(whole("*1\rx$4\r\nPING\r\n")).toBe("[PING]");
    expect(whole("*1\r\n$4\rxPING\r\n")).toBe("[PING]");
  });

  it("waits for the LF after a header's CR before reading the header", () => {
    open();
    feed("*1\r");
    expect(seen()).toBe("");
    feed("\n$4\r");
    expect(seen()).toBe("");
    feed("\nPING\r\n");
    expect(seen()).toBe("[PING]");
  });

  it("accepts a multibulk count up to 2147483647 and waits for the bulks", () => {
    expect(whole("*2147483647\r\n")).toBe("");
    expect(client.closing).toBe(false);
    expect(client.multibulkLeft).toBe(2147483647);
  });

  it("accepts a bulk of exactly proto-max-bulk-len (512 MB) and waits for its bytes", () => {
    expect(PROTO_MAX_BULK_LEN).toBe(536870912);
    open();
    feed("*1\r\n$536870912\r\n");
    expect(seen()).toBe("");
    expect(client.closing).toBe(false);
    expect(client.bulkLen).toBe(536870912);
    feed("some of the bytes");
    expect(seen()).toBe("");
    expect(client.closing).toBe(false);
  });
});

describe("inline commands", () => {
  it("splits a line on spaces and ends it at LF or CRLF", () => {
    expect(whole("SET k v\r\n")).toBe("[SET][k][v]");
    expect(whole("PING\n")).toBe("[PING]");
    expect(whole("  ECHO \t  x  \n")).toBe("[ECHO][x]");
    expect(whole("PING\r\nECHO a\nPING\r\n")).toBe("[PING] [ECHO][a] [PING]");
  });

  it("treats a CR inside the line as a separator and drops only the CR before LF", () => {
    // Redis 7.0: "PING\rPING\r\n" runs PING with the argument "PING"; "ECHO a\r\r\n" echoes "a".
    expect(whole("PING\rPING\r\n")).toBe("[PING][PING]");
    expect(whole("ECHO a\r\r\n")).toBe("[ECHO][a]");
  });

  it("answers an empty or blank line with no command", () => {
    expect(whole("\r\n")).toBe("(empty)");
    expect(whole("\n")).toBe("(empty)");
    expect(whole("\r\n\n   \r\n\t\nPING\r\n")).toBe("(empty) (empty) (empty) (empty) [PING]");
  });

  it("waits for the end of the line", () => {
    open();
    feed("ECHO hel");
    expect(seen()).toBe("");
    feed("lo\r");
    expect(seen()).toBe("");
    feed("\n");
    expect(seen()).toBe("[ECHO][hello]");
  });

  it("unescapes \\xHH, \\n, \\r, \\t, \\b, \\a and \\\" inside double quotes", () => {
    expect(whole("ECHO \"\\x41\\x4a\\n\\r\\t\\\" \\q\"\r\n")).toBe("[ECHO][AJ\n\r\t\" q]");
    expect(whole("ECHO \"\\b\\a\\z\\\\\"\r\n")).toBe("[ECHO][\x08\x07z\\]");
    expect(whole("ECHO \"\\x00\\xff\\xFf\"\r\n")).toBe("[ECHO][\0\xff\xff]");
  });

  it("reads \\x without two hex digits as the letter x", () => {
    expect(whole("ECHO \"\\x4g\"\r\n")).toBe("[ECHO][x4g]");
    expect(whole("ECHO \"\\xZZ\"\r\n")).toBe("[ECHO][xZZ]");
    expect(whole("ECHO \"\\x4\"\r\n")).toBe("[ECHO][x4]");
  });

  it("keeps everything literal inside single quotes except \\'", () => {
    expect(whole("ECHO 'a\\'b'\r\n")).toBe("[ECHO][a'b]");
    expect(whole("ECHO 'c\\nd'\r\n")).toBe("[ECHO][c\\nd]");
    expect(whole("ECHO 'a\"b' \"a'b\"\r\n")).toBe("[ECHO][a\"b][a'b]");
  });

  it("makes an empty argument of empty quotes", () => {
    expect(whole("ECHO \"\"\r\n")).toBe("[ECHO][]");
    expect(whole("ECHO ''\r\n")).toBe("[ECHO][]");
    expect(whole("SET \"\" ''\r\n")).toBe("[SET][][]");
  });

  it("accepts a closing quote followed by any space, or by the end of the line", () => {
    expect(whole("ECHO \"a\" \r\n")).toBe("[ECHO][a]");
    expect(whole("ECHO \"a\"\t\r\n")).toBe("[ECHO][a]");
    expect(whole("ECHO 'a'\r\n")).toBe("[ECHO][a]");
    expect(whole("ECHO \"a\"\x0b\r\n")).toBe("[ECHO][a]");
  });

  it("refuses a closing quote followed by anything but a space", () => {
    const err = "(error) ERR Protocol error: unbalanced quotes in request";
    expect(whole("ECHO \"a\"b\r\n")).toBe(err);
    expect(client.closing).toBe(true);
    expect(whole("ECHO 'a'b\r\n")).toBe(err);
    expect(client.closing).toBe(true);
    expect(whole("ECHO \"a\"\"b\"\r\n")).toBe(err);
    expect(client.closing).toBe(true);
  });

  it("refuses unbalanced quotes", () => {
    const err = "(error) ERR Protocol error: unbalanced quotes in request";
    expect(whole("ECHO \"a\r\n")).toBe(err);
    expect(client.closing).toBe(true);
    expect(whole("ECHO 'a\r\n")).toBe(err);
    expect(client.closing).toBe(true);
    // An escaped quote does not close, nor does a backslash at the end of the line.
    expect(whole("ECHO \"a\\\"\r\n")).toBe(err);
    expect(whole("ECHO \"a\\\r\n")).toBe(err);
    expect(whole("ECHO 'a\\'\r\n")).toBe(err);
  });

  it("stops reading after an unbalanced line: the commands after it are not run", () => {
    expect(whole("ECHO \"a\r\nPING\r\n")).toBe("(error) ERR Protocol error: unbalanced quotes in request");
  });

  // Redis's sdssplitargs lets a quote open in the middle of an unquoted word ("a"b c"" is one argument
  // "ab c") and splits unquoted words only at space, \t, \r, \n (not \v or \f). resp/parser.ts splits a
  // word at the first space of any kind and never opens a quote inside it. Enable when fixed.
  it("opens a quote in the middle of a word, as Redis does", () => {
    // Redis 7.0: "ECHO a\"b c\"" echoes "ab c"; "ECHO a'b c'" echoes "ab c".
    expect(whole("ECHO a\"b c\"\r\n")).toBe("[ECHO][ab c]");
    expect(whole("ECHO a'b c'\r\n")).toBe("[ECHO][ab c]");
    // ...and so a quote closed in the middle of a word is an error there.
    expect(whole("ECHO a'b'c\r\n")).toBe("(error) ERR Protocol error: unbalanced quotes in request");
  });

  it("does not split an unquoted word at \\v or \\f, as Redis does", () => {
    // Redis 7.0: "ECHO a\vb" echoes "a\vb".
    expect(whole("ECHO a\x0bb\r\n")).toBe("[ECHO][a\x0bb]");
    expect(whole("ECHO a\x0cb\r\n")).toBe("[ECHO][a\x0cb]");
  });
});

describe("streaming", () => {
  it("yields the same commands when a read holds many frames of every kind", () => {
    expect(whole(MIXED)).toBe(MIXED_SEEN);
    expect(client.input.len).toBe(0);
  });

  it("yields exactly the same commands when the bytes arrive one at a time", () => {
    expect(inPieces(MIXED, 1)).toBe(MIXED_SEEN);
    expect(client.input.len).toBe(0);
  });

  it("yields the same commands whatever the read size", () => {
    for (let size = 2; size <= 17; size++) {
      const got = inPieces(MIXED, size);
      if (got != MIXED_SEEN) log<string>("read size " + size.toString());
      expect(got).toBe(MIXED_SEEN);
    }
  });

  it("yields the same commands wherever the bytes are split in two", () => {
    for (let at = 1; at < MIXED.length; at++) {
      const got = splitAt(MIXED, at);
      if (got != MIXED_SEEN) log<string>("split at " + at.toString());
      expect(got).toBe(MIXED_SEEN);
      expect(client.input.len).toBe(0);
    }
  });

  it("keeps only the partial frame, from its first byte, in the connection's buffer", () => {
    open();
    feed("*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$5\r\nhel");
    expect(seen()).toBe("[PING]");
    expect(respText(client.input.ptr, client.input.len)).toBe("*2\r\n$4\r\nECHO\r\n$5\r\nhel");
    feed("lo\r\nPI");
    expect(seen()).toBe("[PING] [ECHO][hello]");
    expect(respText(client.input.ptr, client.input.len)).toBe("PI");
    feed("NG\r\n");
    expect(seen()).toBe("[PING] [ECHO][hello] [PING]");
    expect(client.input.len).toBe(0);
  });

  it("reports a protocol error the same way however the frame is split", () => {
    const bad = "*2\r\n$4\r\nECHO\r\n$-1\r\n";
    const expected = "(error) ERR Protocol error: invalid bulk length";
    expect(whole(bad)).toBe(expected);
    expect(inPieces(bad, 1)).toBe(expected);
    expect(client.closing).toBe(true);
    for (let at = 1; at < bad.length; at++) expect(splitAt(bad, at)).toBe(expected);
  });
});

describe("protocol errors", () => {
  it("refuses a multibulk count that is not an integer string2ll accepts", () => {
    const err = "(error) ERR Protocol error: invalid multibulk length";
    expect(whole("*abc\r\n")).toBe(err);
    expect(client.closing).toBe(true);
    expect(whole("*-x\r\n")).toBe(err);
    expect(client.closing).toBe(true);
    expect(whole("*\r\n")).toBe(err);
    expect(whole("*01\r\n$4\r\nPING\r\n")).toBe(err);
    expect(whole("*-0\r\nPING\r\n")).toBe(err);
    expect(whole("* 1\r\n")).toBe(err);
  });

  it("refuses a multibulk count above 2147483647", () => {
    expect(whole("*2147483648\r\n")).toBe("(error) ERR Protocol error: invalid multibulk length");
    expect(client.closing).toBe(true);
    expect(whole("*99999999999999999999999\r\n")).toBe("(error) ERR Protocol error: invalid multibulk length");
  });

  it("refuses a bulk length that is not a non-negative integer", () => {
    const err = "(error) ERR Protocol error: invalid bulk length";
    expect(whole("*1\r\n$abc\r\n")).toBe(err);
    expect(client.closing).toBe(true);
    expect(whole("*1\r\n$-1\r\n")).toBe(err);
    expect(client.closing).toBe(true);
    expect(whole("*1\r\n$\r\n")).toBe(err);
    expect(whole("*1\r\n$04\r\nPING\r\n")).toBe(err);
    // The error stops the frame: the complete bulks before it do not make a command.
    expect(whole("*3\r\n$4\r\nECHO\r\n$4\r\nPING\r\n$-1\r\n")).toBe(err);
  });

  it("refuses a bulk one byte longer than proto-max-bulk-len", () => {
    expect(whole("*1\r\n$536870913\r\n")).toBe("(error) ERR Protocol error: invalid bulk length");
    expect(client.closing).toBe(true);
  });

  it("refuses a bulk header that does not start with '$', naming the byte found", () => {
    expect(whole("*1\r\nX\r\n")).toBe("(error) ERR Protocol error: expected '$', got 'X'");
    expect(client.closing).toBe(true);
    expect(whole("*2\r\n$4\r\nECHO\r\n:1\r\n")).toBe("(error) ERR Protocol error: expected '$', got ':'");
    expect(client.closing).toBe(true);
    expect(parseError).toBe(E.ERR_PROTO_EXPECTED_DOLLAR);
    expect(parseErrorByte).toBe(0x3a);
  });

  it("reports the raw CR or LF found where '$' was expected", () => {
    // Redis prints these as a space ("got ' '", its error replies map CR and LF to spaces); the parser
    // hands the raw byte over and leaves the printing to its caller.
    whole("*1\r\n\r\n");
    expect(client.closing).toBe(true);
    expect(parseError).toBe(E.ERR_PROTO_EXPECTED_DOLLAR);
    expect(parseErrorByte).toBe(0x0d);
    whole("*1\r\n\n$4\r\nPING\r\n");
    expect(parseError).toBe(E.ERR_PROTO_EXPECTED_DOLLAR);
    expect(parseErrorByte).toBe(0x0a);
  });

  it("waits for 64 KB of inline line without a newline and refuses one byte more", () => {
    open();
    feed("a".repeat(65536));
    expect(seen()).toBe("");
    expect(client.closing).toBe(false);
    feed("a");
    expect(seen()).toBe("(error) ERR Protocol error: too big inline request");
    expect(client.closing).toBe(true);
    expect(whole("a".repeat(65537))).toBe("(error) ERR Protocol error: too big inline request");
    expect(client.closing).toBe(true);
  });

  it("accepts an inline line longer than 64 KB when its newline is in the buffer", () => {
    const word = "a".repeat(65532);
    expect(whole("ECHO " + word + "\r\n")).toBe("[ECHO][" + word + "]");
  });

  it("measures the inline limit from the start of the pending line", () => {
    open();
    feed("PING\r\n" + "a".repeat(65536));
    expect(seen()).toBe("[PING]");
    expect(client.closing).toBe(false);
    feed("a");
    expect(seen()).toBe("[PING] (error) ERR Protocol error: too big inline request");
  });

  it("waits for 64 KB of multibulk count without a CR and refuses one byte more", () => {
    expect(whole("*" + "1".repeat(65535))).toBe("");
    expect(client.closing).toBe(false);
    expect(whole("*" + "1".repeat(65536))).toBe("(error) ERR Protocol error: too big mbulk count string");
    expect(client.closing).toBe(true);
  });

  // Redis gives "too big ... count string" only when the header has no CR at all; a CR as the last byte
  // read means "wait for the LF", and the long header is then refused as an invalid length.
  // resp/parser.ts also fails when the CR is there but its LF is not yet. Enable when fixed.
  it("waits for the LF after a CR at the end of a header longer than 64 KB, as Redis does", () => {
    open();
    feed("*" + "1".repeat(65535) + "\r");
    expect(seen()).toBe("");
    expect(client.closing).toBe(false);
    feed("\n");
    expect(seen()).toBe("(error) ERR Protocol error: invalid multibulk length");
    open();
    feed("*1\r\n$" + "1".repeat(65535) + "\r");
    expect(seen()).toBe("");
    expect(client.closing).toBe(false);
    feed("\n");
    expect(seen()).toBe("(error) ERR Protocol error: invalid bulk length");
  });

  it("waits for 64 KB of bulk count without a CR and refuses one byte more", () => {
    expect(whole("*1\r\n$" + "1".repeat(65535))).toBe("");
    expect(client.closing).toBe(false);
    expect(whole("*1\r\n$" + "1".repeat(65536))).toBe("(error) ERR Protocol error: too big bulk count string");
    expect(client.closing).toBe(true);
    // Counted from the header of the bulk being read, not from the frame's start.
    expect(whole("*2\r\n$4\r\nECHO\r\n$" + "1".repeat(65535))).toBe("");
    expect(client.closing).toBe(false);
  });
});
