/**
 * stand-in-engine — a tiny engine with the shard ABI (docs/abi.md), compiled from AssemblyScript on the
 * fly, that emits TRACE records (outbox kind 4) the way the real engine will once its blocking arbiter
 * traces: for the tests of the TRACE path (engine-core, the demo's views) before the real engine has it.
 *
 * Every feed answers `+OK`; while tracing is on (the `trace` export), it is preceded by two TRACE
 * records: `{"ev":"arm","shard":S,"conn":C,"key":"q","queue":[C]}` and `{"ev":"serve","shard":S,"conn":C}`.
 * Connection 99 gets them even with tracing off (a record nobody asked for).
 */
import asc from 'assemblyscript/asc';

const SOURCE = `
const OUT: usize = memory.data(8192);
const SCRATCH: usize = memory.data(65536);
let outLen: u32 = 0;
let tracing: u32 = 0;
let shard: u32 = 0;
function record(kind: u8, conn: u32, text: string): void {
  const bytes = String.UTF8.encode(text);
  const n = <u32>bytes.byteLength;
  const at = OUT + outLen;
  store<u8>(at, kind);
  store<u32>(at + 1, conn);
  store<u32>(at + 5, n);
  memory.copy(at + 9, changetype<usize>(bytes), n);
  outLen += 9 + n;
}
export function init(seed: u32, shardIndex: u32, shards: u32, now: f64): void { shard = shardIndex; }
export function input_reserve(len: u32): usize { return SCRATCH; }
export function server_info(len: u32): void {}
export function conn_open(id: u32, len: u32, now: f64): void {}
export function conn_feed(id: u32, len: u32, now: f64): u32 {
  if (tracing != 0 || id == 99) {
    const c = id.toString();
    const s = shard.toString();
    record(4, 0, '{"ev":"arm","shard":' + s + ',"conn":' + c + ',"key":"q","queue":[' + c + ']}');
    record(4, 0, '{"ev":"serve","shard":' + s + ',"conn":' + c + '}');
  }
  record(1, id, "+OK\\r\\n");
  return outLen;
}
export function conn_close(id: u32, now: f64): u32 { return 0; }
export function tick(now: f64): u32 { return 0; }
export function shard_deliver(from: u32, len: u32, now: f64): u32 { return 0; }
export function outbox_ptr(): usize { return OUT; }
export function outbox_clear(): void { outLen = 0; }
export function trace(on: u32): void { tracing = on; }
`;

/** The stand-in engine's wasm bytes. */
export async function standInEngine(): Promise<Uint8Array<ArrayBuffer>> {
  const out = await asc.compileString(SOURCE, { runtime: 'stub', optimizeLevel: 0 });
  if (out.error || out.binary === null) throw new Error(`stand-in engine: ${out.stderr.toString()}`);
  return new Uint8Array(out.binary);
}
