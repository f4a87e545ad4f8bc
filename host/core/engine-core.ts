/**
 * engine-core — one shard engine around an already compiled build/shard.wasm module, with Web-standard
 * APIs only (no Buffer, no node:*), so Node, Deno and browser workers share it. engine.ts adds the Node
 * loader (finding and compiling the file) and Buffer payloads on top; Deno loads the module its own way.
 *
 * Owns: instantiating the module with the imports an AssemblyScript module asks for, copying input into
 * the instance's scratch area, passing the time, and draining the outbox after every call (docs/abi.md).
 *
 * Contract with the hosts:
 *   1. `instantiateEngineCore(module, options, sink)` instantiates and calls `init` and `server_info`.
 *   2. `open`, `feed`, `close`, `tick`, `deliver`, `deliverWith` each make exactly one call into the
 *      instance, with the clock's time, then hand every outbox record to the sink, in order, then
 *      `outbox_clear`.
 *   3. DATA: with `sink.dataView`, each DATA record is handed over as a view into linear memory, valid
 *      only during the call (no copy, no allocation: for hosts that copy it straight into a ring).
 *      Otherwise consecutive DATA records for one connection are concatenated into one payload the sink
 *      owns (`options.allocate`, default `new Uint8Array`), one allocation per run.
 *   4. The sink runs synchronously inside the engine call and must not call back into the engine.
 *   5. Records of another kind (MSG: messages for other shards) go to `sink.other` as views valid only
 *      during the call; without one, they are an error.
 *   6. TRACE records (the arbiter's events, for a demo or a debugger) go to `sink.trace` as views valid
 *      only during the call. A sink with `trace` turns tracing on (the engine's `trace(1)` export, when
 *      the module has it); without `trace`, TRACE records are ignored.
 * An `abort` inside the instance (an AssemblyScript assertion) or a trap means an engine bug: it is
 * thrown as an EngineFailure and the instance must not be used again.
 */

/** Outbox record kinds (docs/abi.md). */
export const OUT_DATA = 1;
export const OUT_CLOSE = 2;
/** A message for another shard: `conn` is the target shard's index (docs/runtime.md). */
export const OUT_MSG = 3;
/** An engine event, one UTF-8 JSON object, emitted only while tracing is on (the `trace` export). */
export const OUT_TRACE = 4;

/** Receives the outbox, record by record, synchronously inside each engine call. */
export interface CoreSink<P extends Uint8Array = Uint8Array> {
  /** Write `payload` (owned by the sink from now on) to connection `conn`. Unused when dataView is set. */
  data(conn: number, payload: P): void;
  /** Zero-copy alternative to `data`: one call per DATA record, `view` valid only during the call. */
  dataView?(conn: number, view: Uint8Array): void;
  /** Close `conn` once everything before it has been written; the engine has already forgotten it. */
  close(conn: number): void;
  /** Any other record kind (cross-shard messages); `payload` is a view valid only during the call. */
  other?(kind: number, conn: number, payload: Uint8Array): void;
  /** TRACE records (one UTF-8 JSON object each); present = tracing on. A view valid only during the call. */
  trace?(record: Uint8Array): void;
}

export interface EngineOptions {
  shardIndex: number;
  shardCount: number;
  /** PRNG seed (u32). */
  seed: number;
  /** `key:value` facts for INFO server (tcp_port, process_id, executable …). */
  serverInfo?: Readonly<Record<string, string | number>>;
  /** The time passed into every call, in Unix ms (default Date.now; a simulation passes its own). */
  clock?: () => number;
}

export interface Engine {
  /** A new connection; `addr`/`laddr` as CLIENT LIST shows them (`127.0.0.1:53510`). */
  open(id: number, addr: string, laddr: string): void;
  /** Bytes read from the connection's socket: `bytes[start, end)` (default: all of it). */
  feed(id: number, bytes: Uint8Array, start?: number, end?: number): void;
  /** The peer went away. */
  close(id: number): void;
  /** Timers: active expiry, timeouts. About every 100 ms. */
  tick(): void;
  /** Messages from shard `from`, as read from the ring `from → this`: records `[len u32][message]`. */
  deliver(from: number, batch: Uint8Array): void;
  /**
   * Zero-copy deliver: `fill` writes the batch straight into the instance's scratch area (`dst`, at
   * least `maxLen` bytes, valid only inside fill) and answers how many bytes it wrote.
   */
  deliverWith(from: number, maxLen: number, fill: (dst: Uint8Array, at: number) => number): void;
}

/** An engine bug: an AssemblyScript abort or a Wasm trap. The instance is unusable afterwards. */
export class EngineFailure extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineFailure';
  }
}

/** The exports of build/shard.wasm, as docs/abi.md defines them. */
interface ShardExports {
  memory: WebAssembly.Memory;
  init(seed: number, shardIndex: number, shardCount: number, nowMs: number): void;
  input_reserve(len: number): number;
  server_info(len: number): void;
  conn_open(id: number, len: number, nowMs: number): void;
  conn_feed(id: number, len: number, nowMs: number): number;
  conn_close(id: number, nowMs: number): number;
  tick(nowMs: number): number;
  shard_deliver(from: number, len: number, nowMs: number): number;
  outbox_ptr(): number;
  outbox_clear(): void;
  /** Optional: turns TRACE records on (1) or off (0). */
  trace?(on: number): number | void;
}

const REQUIRED_EXPORTS: readonly (keyof ShardExports)[] = [
  'memory', 'init', 'input_reserve', 'server_info', 'conn_open', 'conn_feed', 'conn_close', 'tick',
  'shard_deliver', 'outbox_ptr', 'outbox_clear',
];

/** Record header: kind u8, conn u32, len u32. */
const HEADER = 9;

const utf16 = new TextDecoder('utf-16le');
const utf8 = new TextEncoder();

/** AssemblyScript's string: UTF-16LE, byte length in the u32 just before `ptr`. */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return '';
  const buf = memory.buffer;
  if (ptr < 4 || ptr > buf.byteLength) return `<bad string pointer ${ptr}>`;
  const len = new DataView(buf).getUint32(ptr - 4, true);
  if (ptr + len > buf.byteLength) return `<bad string length ${len} at ${ptr}>`;
  return utf16.decode(new Uint8Array(buf, ptr, len & ~1));
}

/** `text` as latin1 bytes (every char code below 256 survives as one byte). */
function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** The imports an AssemblyScript module may ask for; unknown function imports trace and return 0. */
function makeImports(module: WebAssembly.Module, getMemory: () => WebAssembly.Memory | undefined): WebAssembly.Imports {
  const env: Record<string, WebAssembly.ImportValue> = {
    abort(msg: number, file: number, line: number, col: number): never {
      const mem = getMemory();
      const text = mem ? readAsString(mem, msg) : `<abort ${msg}>`;
      const where = mem ? readAsString(mem, file) : `<file ${file}>`;
      throw new EngineFailure(`engine abort: ${text} (${where}:${line}:${col})`);
    },
    seed(): number {
      return Date.now();
    },
    trace(msg: number, n: number, ...args: number[]): void {
      const mem = getMemory();
      const text = mem ? readAsString(mem, msg) : String(msg);
      console.error(`[shard trace] ${text}${n > 0 ? ' ' + args.slice(0, n).join(', ') : ''}`);
    },
  };
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = { env };
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = (imports[imp.module] ??= {});
    if (imp.name in ns) continue;
    if (imp.kind !== 'function') {
      throw new Error(`kevy-ts: shard.wasm imports ${imp.kind} ${imp.module}.${imp.name}, which the host does not provide`);
    }
    const name = `${imp.module}.${imp.name}`;
    ns[imp.name] = (...args: unknown[]): number => {
      console.error(`[shard import ${name}] ${args.join(', ')}`);
      return 0;
    };
  }
  return imports;
}

function checkExports(exports: WebAssembly.Exports): ShardExports {
  for (const name of REQUIRED_EXPORTS) {
    if (!(name in exports)) throw new Error(`kevy-ts: shard.wasm does not export ${name} (see docs/abi.md)`);
  }
  return exports as unknown as ShardExports;
}

/** `key:value\n` lines for server_info. */
function infoLines(info: Readonly<Record<string, string | number>>): string {
  let text = '';
  for (const [k, v] of Object.entries(info)) text += `${k}:${v}\n`;
  return text;
}

const allocateBytes = (n: number): Uint8Array => new Uint8Array(n);

/**
 * Create an engine from an already compiled module (synchronous: for workers and simulations).
 * `allocate` makes the owned DATA payloads (engine.ts passes Buffer.allocUnsafe).
 */
export function instantiateEngineCore<P extends Uint8Array = Uint8Array>(
  module: WebAssembly.Module,
  options: EngineOptions,
  sink: CoreSink<P>,
  allocate: (n: number) => P = allocateBytes as (n: number) => P,
): Engine {
  let memory: WebAssembly.Memory | undefined;
  const instance = new WebAssembly.Instance(module, makeImports(module, () => memory));
  const x = checkExports(instance.exports);
  memory = x.memory;
  let busy = false;
  let failed: EngineFailure | undefined;
  const now = options.clock ?? Date.now;
  const dataView = sink.dataView?.bind(sink);

  // Views of linear memory, rebuilt only when the memory grew (growing replaces memory.buffer).
  let heap = new Uint8Array(x.memory.buffer);
  let heapView = new DataView(x.memory.buffer);
  function refresh(): void {
    if (heap.buffer !== x.memory.buffer) {
      heap = new Uint8Array(x.memory.buffer);
      heapView = new DataView(x.memory.buffer);
    }
  }

  /** Copy `bytes[start, end)` into the scratch area; returns its length. */
  function put(bytes: Uint8Array, start = 0, end = bytes.length): number {
    const len = end - start;
    const ptr = x.input_reserve(len);
    refresh();
    heap.set(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), ptr);
    return len;
  }

  /** Walk the outbox (`len` bytes) and hand its records to the sink, then clear it. */
  function drain(len: number): void {
    if (len === 0) return;
    const base = x.outbox_ptr();
    refresh();
    const end = base + len;
    if (end > heap.length) throw new EngineFailure(`engine outbox: ${len} bytes at ${base} overrun memory`);
    const v = heapView;
    const h = heap;
    let p = base;
    try {
      while (p < end) {
        if (p + HEADER > end) throw new EngineFailure(`engine outbox: truncated record header at ${p - base}/${len}`);
        const kind = v.getUint8(p);
        const conn = v.getUint32(p + 1, true);
        const n = v.getUint32(p + 5, true);
        if (p + HEADER + n > end) throw new EngineFailure(`engine outbox: record of ${n} bytes overruns at ${p - base}/${len}`);
        if (kind === OUT_DATA && dataView === undefined) {
          // The run of DATA records for this connection becomes one owned payload: one allocation.
          let total = n;
          let q = p + HEADER + n;
          while (q + HEADER <= end && v.getUint8(q) === OUT_DATA && v.getUint32(q + 1, true) === conn) {
            const m = v.getUint32(q + 5, true);
            if (q + HEADER + m > end) break;
            total += m;
            q += HEADER + m;
          }
          const payload = allocate(total);
          let w = 0;
          while (p < q) {
            const m = v.getUint32(p + 5, true);
            payload.set(h.subarray(p + HEADER, p + HEADER + m), w);
            w += m;
            p += HEADER + m;
          }
          sink.data(conn, payload);
        } else {
          const start = p + HEADER;
          p = start + n;
          if (kind === OUT_DATA) dataView!(conn, h.subarray(start, start + n));
          else if (kind === OUT_CLOSE) sink.close(conn);
          else if (kind === OUT_TRACE) sink.trace?.(h.subarray(start, start + n));
          else if (sink.other) sink.other(kind, conn, h.subarray(start, start + n));
          else throw new EngineFailure(`engine outbox: unknown record kind ${kind} for conn ${conn}`);
        }
      }
    } finally {
      x.outbox_clear();
    }
  }

  /** Run one engine call: guard reentrancy, turn traps into EngineFailure, drain the outbox. */
  function call(what: string, fn: () => number): void {
    if (failed) throw failed;
    if (busy) throw new Error(`kevy-ts: engine.${what} called from inside an outbox sink`);
    busy = true;
    try {
      let len: number;
      try {
        len = fn();
      } catch (err) {
        failed = err instanceof EngineFailure
          ? err
          : new EngineFailure(`engine trap in ${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
        throw failed;
      }
      try {
        drain(len);
      } catch (err) {
        if (err instanceof EngineFailure) failed = err;
        throw err;
      }
    } finally {
      busy = false;
    }
  }

  call('init', () => {
    x.init(options.seed >>> 0, options.shardIndex, options.shardCount, now());
    if (options.serverInfo) x.server_info(put(utf8.encode(infoLines(options.serverInfo))));
    return 0;
  });
  if (sink.trace !== undefined && typeof x.trace === 'function') {
    call('trace', () => {
      const outbox: unknown = x.trace!(1);
      return typeof outbox === 'number' ? outbox : 0; // in case the export answers the outbox length
    });
  }

  return {
    open(id, addr, laddr) {
      call('open', () => {
        x.conn_open(id, put(latin1(`${addr}\n${laddr}`)), now());
        return 0;
      });
    },
    feed(id, bytes, start = 0, end = bytes.length) {
      call('feed', () => x.conn_feed(id, put(bytes, start, end), now()));
    },
    close(id) {
      call('close', () => x.conn_close(id, now()));
    },
    tick() {
      call('tick', () => x.tick(now()));
    },
    deliver(from, batch) {
      call('deliver', () => x.shard_deliver(from, put(batch), now()));
    },
    deliverWith(from, maxLen, fill) {
      call('deliver', () => {
        const ptr = x.input_reserve(maxLen);
        refresh();
        const len = fill(heap, ptr);
        if (!(len >= 0 && len <= maxLen)) throw new RangeError(`deliverWith: fill wrote ${len} of at most ${maxLen} bytes`);
        return x.shard_deliver(from, len, now());
      });
    },
  };
}
