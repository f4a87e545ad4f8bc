/**
 * engine — one shard engine: the loaded build/shard.wasm instance and its ABI (docs/abi.md), as a
 * small TypeScript object.
 *
 * Owns: finding and compiling the Wasm module ($KEVY_WASM, else build/shard.wasm under the package root;
 * compiled once per process, and the `WebAssembly.Module` is shared by every engine and can be posted to
 * workers), instantiating it with the imports an
 * AssemblyScript module asks for, copying input into the instance's scratch area, passing the time,
 * and draining the outbox after every call.
 *
 * Contract with the hosts (server, embedded API, later the shard mesh):
 *   1. `createEngine(options, sink)` instantiates and calls `init` and `server_info`.
 *   2. `open`, `feed`, `close`, `tick` each make exactly one call into the instance, with `Date.now()`
 *      as the time, then hand every outbox record to the sink, in order, then `outbox_clear`.
 *   3. Consecutive DATA records for one connection are concatenated: the sink gets one `data` call per
 *      run, and the payload is a Buffer the sink owns (a copy out of linear memory, one allocation per
 *      run), so it may keep it, e.g. queue it on a socket.
 *   4. The sink runs synchronously inside the engine call and must not call back into the engine.
 *   5. Records of a kind this host does not know (the cross-shard messages to come) go to `sink.other`;
 *      without one, they are an error.
 * An `abort` inside the instance (an AssemblyScript assertion) or a trap means an engine bug: it is
 * thrown as an EngineFailure and the instance must not be used again.
 * It does not own sockets, reply decoding or scheduling; those belong to the hosts.
 */

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Outbox record kinds (docs/abi.md). */
export const OUT_DATA = 1;
export const OUT_CLOSE = 2;
/** A message for another shard: `conn` is the target shard's index (docs/runtime.md). */
export const OUT_MSG = 3;

/** Receives the outbox, record by record, synchronously inside each engine call. */
export interface OutboxSink {
  /** Write `payload` (owned by the sink from now on) to connection `conn`. */
  data(conn: number, payload: Buffer): void;
  /** Close `conn` once everything before it has been written; the engine has already forgotten it. */
  close(conn: number): void;
  /** Any other record kind (cross-shard messages); `payload` is a view valid only during the call. */
  other?(kind: number, conn: number, payload: Uint8Array): void;
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
  /** Bytes read from the connection's socket. */
  feed(id: number, bytes: Uint8Array): void;
  /** The peer went away. */
  close(id: number): void;
  /** Timers: active expiry, timeouts. About every 100 ms. */
  tick(): void;
  /** Messages from shard `from`, as read from the ring `from → this`: records `[len u32][message]`. */
  deliver(from: number, batch: Uint8Array): void;
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
}

const REQUIRED_EXPORTS: readonly (keyof ShardExports)[] = [
  'memory', 'init', 'input_reserve', 'server_info', 'conn_open', 'conn_feed', 'conn_close', 'tick',
  'shard_deliver', 'outbox_ptr', 'outbox_clear',
];

/** Record header: kind u8, conn u32, len u32. */
const HEADER = 9;

/** The package root: the nearest directory above this file holding a package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('kevy-ts: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** Where the engine lives: $KEVY_WASM, or build/shard.wasm under the package root. */
export function defaultWasmPath(): string {
  return process.env.KEVY_WASM || join(packageRoot(), 'build', 'shard.wasm');
}

const compiled = new Map<string, Promise<WebAssembly.Module>>();

/** The compiled engine module: compiled once per process (per path) and shared. */
export function loadModule(path: string = defaultWasmPath()): Promise<WebAssembly.Module> {
  let module = compiled.get(path);
  if (!module) {
    module = readFile(path).then(
      (bytes) => WebAssembly.compile(bytes),
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
        throw new Error(`kevy-ts: the shard engine ${path} is missing; build it with \`npm run build:wasm\``);
      },
    );
    compiled.set(path, module);
    module.catch(() => compiled.delete(path)); // let a later call retry (e.g. the wasm was being built)
  }
  return module;
}

/** Compile the module (once) and create one engine around it. */
export async function createEngine(options: EngineOptions, sink: OutboxSink): Promise<Engine> {
  return instantiateEngine(await loadModule(), options, sink);
}

/** AssemblyScript's string: UTF-16LE, byte length in the u32 just before `ptr`. */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return '';
  const buf = memory.buffer;
  if (ptr < 4 || ptr > buf.byteLength) return `<bad string pointer ${ptr}>`;
  const len = new DataView(buf).getUint32(ptr - 4, true);
  if (ptr + len > buf.byteLength) return `<bad string length ${len} at ${ptr}>`;
  return Buffer.from(buf, ptr, len & ~1).toString('utf16le');
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

/** Create an engine from an already compiled module (synchronous: for workers and simulations). */
export function instantiateEngine(module: WebAssembly.Module, options: EngineOptions, sink: OutboxSink): Engine {
  let memory: WebAssembly.Memory | undefined;
  const instance = new WebAssembly.Instance(module, makeImports(module, () => memory));
  const x = checkExports(instance.exports);
  memory = x.memory;
  let busy = false;
  let failed: EngineFailure | undefined;
  const now = options.clock ?? Date.now;

  // Views of linear memory, rebuilt only when the memory grew (growing replaces memory.buffer).
  let heap = Buffer.from(x.memory.buffer);
  let heapView = new DataView(x.memory.buffer);
  function refresh(): void {
    if (heap.buffer !== x.memory.buffer) {
      heap = Buffer.from(x.memory.buffer);
      heapView = new DataView(x.memory.buffer);
    }
  }

  /** Copy `bytes` into the scratch area; returns its length. */
  function put(bytes: Uint8Array): number {
    const ptr = x.input_reserve(bytes.length);
    refresh();
    heap.set(bytes, ptr);
    return bytes.length;
  }

  /** Walk the outbox (`len` bytes) and hand its records to the sink, then clear it. */
  function drain(len: number): void {
    if (len === 0) return;
    const base = x.outbox_ptr();
    refresh();
    const end = base + len;
    if (end > heap.length) throw new EngineFailure(`engine outbox: ${len} bytes at ${base} overrun memory`);
    const v = heapView;
    let p = base;
    try {
      while (p < end) {
        if (p + HEADER > end) throw new EngineFailure(`engine outbox: truncated record header at ${p - base}/${len}`);
        const kind = v.getUint8(p);
        const conn = v.getUint32(p + 1, true);
        const n = v.getUint32(p + 5, true);
        if (p + HEADER + n > end) throw new EngineFailure(`engine outbox: record of ${n} bytes overruns at ${p - base}/${len}`);
        if (kind === OUT_DATA) {
          // The run of DATA records for this connection becomes one owned Buffer: one allocation.
          let total = n;
          let q = p + HEADER + n;
          while (q + HEADER <= end && v.getUint8(q) === OUT_DATA && v.getUint32(q + 1, true) === conn) {
            const m = v.getUint32(q + 5, true);
            if (q + HEADER + m > end) break;
            total += m;
            q += HEADER + m;
          }
          const payload = Buffer.allocUnsafe(total);
          let w = 0;
          for (; p < q; p += HEADER + v.getUint32(p + 5, true)) {
            const m = v.getUint32(p + 5, true);
            w += heap.copy(payload, w, p + HEADER, p + HEADER + m);
          }
          sink.data(conn, payload);
        } else {
          const start = p + HEADER;
          p = start + n;
          if (kind === OUT_CLOSE) sink.close(conn);
          else if (sink.other) sink.other(kind, conn, heap.subarray(start, start + n));
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
    if (options.serverInfo) x.server_info(put(Buffer.from(infoLines(options.serverInfo), 'utf8')));
    return 0;
  });

  return {
    open(id, addr, laddr) {
      call('open', () => {
        x.conn_open(id, put(Buffer.from(`${addr}\n${laddr}`, 'latin1')), now());
        return 0;
      });
    },
    feed(id, bytes) {
      call('feed', () => x.conn_feed(id, put(bytes), now()));
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
  };
}
