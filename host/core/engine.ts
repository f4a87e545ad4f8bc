/**
 * engine — one shard engine for Node callers: the loaded build/shard.wasm instance and its ABI
 * (docs/abi.md), as a small TypeScript object. The platform-neutral part (instantiating, the ABI calls,
 * draining the outbox) lives in engine-core.ts, which Deno and browser workers import directly; this file
 * adds what needs Node: finding and reading the file, and Buffer payloads.
 *
 * Owns: finding and compiling the Wasm module ($KEVY_WASM, else build/shard.wasm under the package root;
 * compiled once per process, and the `WebAssembly.Module` is shared by every engine and can be posted to
 * workers).
 *
 * Contract with the hosts (server, embedded API, the shard mesh, simulations):
 *   1. `createEngine(options, sink)` instantiates and calls `init` and `server_info`.
 *   2. `open`, `feed`, `close`, `tick`, `deliver` each make exactly one call into the instance, with
 *      `Date.now()` as the time, then hand every outbox record to the sink, in order, then `outbox_clear`.
 *   3. Consecutive DATA records for one connection are concatenated: the sink gets one `data` call per
 *      run, and the payload is a Buffer the sink owns (a copy out of linear memory, one allocation per
 *      run), so it may keep it, e.g. queue it on a socket.
 *   4. The sink runs synchronously inside the engine call and must not call back into the engine.
 *   5. Records of a kind this host does not know (the cross-shard messages) go to `sink.other`;
 *      without one, they are an error.
 * An `abort` inside the instance (an AssemblyScript assertion) or a trap means an engine bug: it is
 * thrown as an EngineFailure and the instance must not be used again.
 * It does not own sockets, reply decoding or scheduling; those belong to the hosts.
 */

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { instantiateEngineCore, type Engine, type EngineOptions } from './engine-core.js';

export {
  OUT_DATA, OUT_CLOSE, OUT_MSG, EngineFailure, instantiateEngineCore,
  type Engine, type EngineOptions, type CoreSink,
} from './engine-core.js';

/** Receives the outbox, record by record, synchronously inside each engine call. */
export interface OutboxSink {
  /** Write `payload` (owned by the sink from now on) to connection `conn`. */
  data(conn: number, payload: Buffer): void;
  /** Close `conn` once everything before it has been written; the engine has already forgotten it. */
  close(conn: number): void;
  /** Any other record kind (cross-shard messages); `payload` is a view valid only during the call. */
  other?(kind: number, conn: number, payload: Uint8Array): void;
}

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

const allocBuffer = (n: number): Buffer => Buffer.allocUnsafe(n);

/** Create an engine from an already compiled module (synchronous: for workers and simulations). */
export function instantiateEngine(module: WebAssembly.Module, options: EngineOptions, sink: OutboxSink): Engine {
  return instantiateEngineCore<Buffer>(module, options, sink, allocBuffer);
}
