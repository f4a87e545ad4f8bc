// Fan-out and gather: one command split into a request per shard, the answers combined into the one
// reply the client would get from a single Redis. Each combiner is a small subclass of GatherOp:
// forward as is, sum integers, all OK, concatenate arrays, or reassemble MGET in key order.
// Part numbers are shard indexes; `expect(part)` declares which answers are awaited.
import { Conn } from "./conn";
import { Op } from "./ops";
import { ByteBuf, Lit } from "../util/mem";
import { frameEnd, headerValue, headerEnd } from "../resp/frame";
import { formatI64 } from "../util/int";
import { shardCount } from "./server-info";
import { reqBegin, reqWholeArgv } from "./messages";

const OK = new Lit("+OK\r\n");

export class GatherOp extends Op {
  readonly parts: Array<ByteBuf | null>;
  waiting: i32 = 0;

  constructor(c: Conn) {
    super(c);
    this.parts = new Array<ByteBuf | null>(<i32>shardCount);
  }

  expect(part: u32): void { this.waiting++; }

  onReply(part: u32, ptr: usize, len: u32): void {
    const buf = new ByteBuf();
    buf.append(ptr, len);
    this.parts[part] = buf;
    if (--this.waiting == 0) {
      this.combine();
      for (let i = 0; i < this.parts.length; i++) {
        const p = this.parts[i];
        if (p != null) p.release();
      }
    }
  }

  /** The first error among the parts (in part order), or null. */
  firstError(): ByteBuf | null {
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i];
      if (p != null && p.len > 0 && load<u8>(p.ptr) == 0x2d) return p;
    }
    return null;
  }

  /** The integers (or aggregate lengths) that head every part, added up. */
  sumOfHeaders(): i64 {
    let total: i64 = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i];
      if (p != null) total += headerValue(p.ptr, 0);
    }
    return total;
  }

  combine(): void {}
}

/** One target: its reply is the reply. (Not a GatherOp: the hot path allocates nothing it won't use.) */
export class ForwardOp extends Op {
  expect(part: u32): void {}
  onReply(part: u32, ptr: usize, len: u32): void { this.finish(ptr, len); }
}

/** Sends the command being executed, whole, to `shard` (inside a transaction: under `holder`). */
export function forwardWhole(c: Conn, parent: Op | null, holder: u32, shard: u32): Op {
  const fwd = new ForwardOp(c);
  fwd.parent = parent;
  fwd.holder = holder;
  reqBegin(shard);
  reqWholeArgv();
  fwd.send(0);
  return fwd;
}

/** Integer replies added up (DEL, EXISTS, TOUCH, UNLINK, DBSIZE, PUBLISH). */
export class SumOp extends GatherOp {
  combine(): void {
    const err = this.firstError();
    if (err != null) { this.finish(err.ptr, err.len); return; }
    const out = new ByteBuf();
    putHeader(out, 0x3a, this.sumOfHeaders());
    this.finishWith(out);
  }
}

/** Every part answers +OK (MSET, FLUSHALL): so does the whole; else the first error. */
export class AllOkOp extends GatherOp {
  combine(): void {
    const err = this.firstError();
    if (err != null) this.finish(err.ptr, err.len);
    else this.finish(OK.ptr, OK.len);
  }
}

/** Writes `*n\r\n` (or another aggregate prefix) into `out`. */
export function putHeader(out: ByteBuf, prefix: u8, n: i64): void {
  out.reserve(24);
  store<u8>(out.ptr + out.len, prefix);
  const digits = formatI64(out.ptr + out.len + 1, n);
  store<u16>(out.ptr + out.len + 1 + digits, 0x0a0d);
  out.len += digits + 3;
}

/** Arrays concatenated in part order (KEYS). */
export class ConcatArrayOp extends GatherOp {
  combine(): void {
    const err = this.firstError();
    if (err != null) { this.finish(err.ptr, err.len); return; }
    const out = new ByteBuf();
    putHeader(out, 0x2a, this.sumOfHeaders());
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i];
      if (p == null) continue;
      const body = headerEnd(p.ptr, 0);
      out.append(p.ptr + body, p.len - body);
    }
    this.finishWith(out);
  }
}

/** MGET: each shard answered for its keys in order; the reply lists them in the client's key order. */
export class MgetOp extends GatherOp {
  /** For each key of the command, the shard that owns it. */
  readonly keyShards: Array<u32> = new Array<u32>();

  combine(): void {
    const err = this.firstError();
    if (err != null) { this.finish(err.ptr, err.len); return; }
    const cursor = new Array<u32>(this.parts.length);
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i];
      if (p != null) cursor[i] = headerEnd(p.ptr, 0);
    }
    const out = new ByteBuf();
    putHeader(out, 0x2a, this.keyShards.length);
    for (let k = 0; k < this.keyShards.length; k++) {
      const s = unchecked(this.keyShards[k]);
      const p = this.parts[s]!;
      const from = cursor[s];
      const to = frameEnd(p.ptr, from);
      out.append(p.ptr + from, to - from);
      cursor[s] = to;
    }
    this.finishWith(out);
  }
}
