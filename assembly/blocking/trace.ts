// Trace events of the blocking protocol, for people watching it (the browser demo): while the host has
// asked for them (`trace(1)`), each step — arm, ready, serve, served/empty, deliver, restore, disarm,
// block, unblock, timeout — leaves one outbox record of kind TRACE holding a JSON object:
//   {"ev":"ready","shard":1,"origin":0,"conn":7,"seq":3,"key":"q","n":0,"queue":[7,9]}
// `shard` wrote the event; `origin`/`conn`/`seq` name the waiter; `peer` (origin-side events) is the
// shard the step talks to; `n` is the event's number (queue position for ready, escrow id, deadline …);
// `queue` (target-side events on a key) lists the connection ids waiting on that key here, in order. Key
// bytes outside printable ASCII are written as \u00XX. Off by default; when off it costs one comparison.
import { ByteBuf } from "../util/mem";
import { formatI64 } from "../util/int";
import { outboxTrace } from "../shard/outbox";
import { shardIndex } from "../shard/server-info";

let tracing = false;
const out = new ByteBuf();

export function setTracing(on: bool): void { tracing = on; }

function putAscii(s: string): void {
  for (let i = 0; i < s.length; i++) out.pushByte(<u8>s.charCodeAt(i));
}

function putInt(v: i64): void {
  out.reserve(24);
  out.len += formatI64(out.ptr + out.len, v);
}

const HEX = "0123456789abcdef";

function putKey(ptr: usize, len: u32): void {
  out.pushByte(0x22);
  for (let i: u32 = 0; i < len; i++) {
    const b = load<u8>(ptr + i);
    if (b == 0x22 || b == 0x5c) { out.pushByte(0x5c); out.pushByte(b); }
    else if (b >= 0x20 && b < 0x7f) out.pushByte(b);
    else { putAscii("\\u00"); out.pushByte(<u8>HEX.charCodeAt(b >> 4)); out.pushByte(<u8>HEX.charCodeAt(b & 15)); }
  }
  out.pushByte(0x22);
}

export function isTracing(): bool { return tracing; }

/** One event about waiter (origin, conn, seq), on a key (len 0: none). */
export function traceKey(ev: string, origin: u32, conn: u32, seq: u32, key: usize, keyLen: u32, n: i64,
                         peer: i32 = -1, queue: Array<u32> | null = null): void {
  if (!tracing) return;
  out.len = 0;
  putAscii("{\"ev\":\""); putAscii(ev);
  putAscii("\",\"shard\":"); putInt(shardIndex);
  putAscii(",\"origin\":"); putInt(origin);
  putAscii(",\"conn\":"); putInt(conn);
  putAscii(",\"seq\":"); putInt(seq);
  if (keyLen > 0 || key != 0) { putAscii(",\"key\":"); putKey(key, keyLen); }
  putAscii(",\"n\":"); putInt(n);
  if (peer >= 0) { putAscii(",\"peer\":"); putInt(peer); }
  if (queue != null) {
    putAscii(",\"queue\":[");
    for (let i = 0; i < queue.length; i++) { if (i > 0) out.pushByte(0x2c); putInt(queue[i]); }
    out.pushByte(0x5d);
  }
  out.pushByte(0x7d);
  outboxTrace(out.ptr, out.len);
}
