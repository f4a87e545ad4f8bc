/**
 * mesh-memory — the one SharedArrayBuffer every thread of a host shares: a ring for each ordered pair of
 * endpoints and a doorbell for each endpoint.
 *
 * Owns: the layout of that buffer and the (from, to) → Ring mapping. An endpoint is anything with an
 * event loop that sends and receives ring messages: the shards 0..N-1 and, for a host with one, the I/O
 * thread(s) — the caller numbers them 0..E-1 and decides which is which. It does not own the record
 * format (ring.ts), what messages mean, or the loop that drains them (the shard mesh / worker bootstrap).
 * Web-standard APIs only, like ring.ts.
 *
 * Contract:
 *   1. The host calls `createMeshMemory({ endpoints, ringCapacity })` once and posts the returned buffer
 *      to every worker (a SharedArrayBuffer is shared, not copied, by postMessage).
 *   2. Each thread calls `attachMesh(sab)` — the buffer describes itself — and uses `ring(from, to)` as
 *      producer when it is `from`, as consumer when it is `to`, and never otherwise (single producer,
 *      single consumer). Committing to `ring(from, to)` rings `doorbell(to)`.
 *   3. Endpoint `e` sleeps with `sleep(e)`, which re-checks every ring into `e` after raising its flag.
 *
 * Layout (every part starts on a 64-byte cache line):
 *   [0, 64)             header: magic, version, endpoints E, ring capacity (i32 each)
 *   [64, 64 + 64·E)     doorbell words, one per endpoint, one cache line each
 *   then E·(E-1) rings  ring (from, to), from ≠ to, at slot from·(E-1) + (to < from ? to : to - 1),
 *                       each ringBytes(capacity) = 192 + capacity bytes
 */
import {
  DOORBELL_STRIDE, createDoorbell, createRing, initRing, ringBytes, type Doorbell, type Ring, type WakeReason,
} from './ring.js';

const MESH_MAGIC = 0x4853454d; // "MESH"
const MESH_VERSION = 1;
const HEADER_BYTES = 64;
const H_MAGIC = 0;
const H_VERSION = 1;
const H_ENDPOINTS = 2;
const H_CAPACITY = 3;
/** Default data bytes per ring. */
export const DEFAULT_RING_CAPACITY = 1 << 18;
const MAX_ENDPOINTS = 1024;

export interface MeshOptions {
  /** Number of endpoints E (shards plus any I/O threads); at least 2. */
  endpoints: number;
  /** Data bytes per ring, a power of two (default 256 KiB). */
  ringCapacity?: number;
}

/** Bytes of the shared buffer for `endpoints` endpoints and rings of `ringCapacity` data bytes. */
export function meshBytes(endpoints: number, ringCapacity: number): number {
  checkEndpoints(endpoints);
  return HEADER_BYTES + endpoints * DOORBELL_STRIDE + endpoints * (endpoints - 1) * ringBytes(ringCapacity);
}

function checkEndpoints(endpoints: number): void {
  if (!Number.isInteger(endpoints) || endpoints < 2 || endpoints > MAX_ENDPOINTS) {
    throw new RangeError(`a mesh has 2..${MAX_ENDPOINTS} endpoints, got ${endpoints}`);
  }
}

function doorbellOffset(endpoint: number): number {
  return HEADER_BYTES + endpoint * DOORBELL_STRIDE;
}

function ringOffset(endpoints: number, capacity: number, from: number, to: number): number {
  const slot = from * (endpoints - 1) + (to < from ? to : to - 1);
  return HEADER_BYTES + endpoints * DOORBELL_STRIDE + slot * ringBytes(capacity);
}

/** Allocates and initialises the shared buffer: every ring empty, every endpoint awake. */
export function createMeshMemory(options: MeshOptions): SharedArrayBuffer {
  const { endpoints } = options;
  const capacity = options.ringCapacity ?? DEFAULT_RING_CAPACITY;
  const sab = new SharedArrayBuffer(meshBytes(endpoints, capacity));
  for (let from = 0; from < endpoints; from++) {
    for (let to = 0; to < endpoints; to++) {
      if (from !== to) initRing(sab, ringOffset(endpoints, capacity, from, to), capacity);
    }
  }
  const header = new Int32Array(sab, 0, HEADER_BYTES / 4);
  Atomics.store(header, H_VERSION, MESH_VERSION);
  Atomics.store(header, H_ENDPOINTS, endpoints);
  Atomics.store(header, H_CAPACITY, capacity);
  Atomics.store(header, H_MAGIC, MESH_MAGIC); // last: a buffer with the magic is fully initialised
  return sab;
}

/** One thread's view of the mesh. Ring and Doorbell objects are created on first use and reused. */
export interface Mesh {
  readonly sab: SharedArrayBuffer;
  readonly endpoints: number;
  readonly ringCapacity: number;
  /** The ring carrying messages from `from` to `to` (from ≠ to); committing to it rings `to`. */
  ring(from: number, to: number): Ring;
  /** Endpoint `e`'s doorbell. */
  doorbell(e: number): Doorbell;
  /** Every ring into `to`, in ascending order of sender. */
  inbound(to: number): readonly Ring[];
  /** Every ring out of `from`, in ascending order of receiver. */
  outbound(from: number): readonly Ring[];
  /** Some ring into `to` holds a published record (a snapshot). */
  hasInput(to: number): boolean;
  /** Endpoint `to` sleeps until a ring into it is published, or `timeoutMs` passes (doorbell protocol). */
  sleep(to: number, timeoutMs?: number): Promise<WakeReason>;
}

/** Attaches to a buffer made by createMeshMemory (in this thread or posted from another). */
export function attachMesh(sab: SharedArrayBuffer): Mesh {
  const header = new Int32Array(sab, 0, HEADER_BYTES / 4);
  if (Atomics.load(header, H_MAGIC) !== MESH_MAGIC || Atomics.load(header, H_VERSION) !== MESH_VERSION) {
    throw new Error('attachMesh: not a mesh buffer (use createMeshMemory)');
  }
  const endpoints = Atomics.load(header, H_ENDPOINTS);
  const ringCapacity = Atomics.load(header, H_CAPACITY);
  const doorbells: (Doorbell | undefined)[] = new Array<Doorbell | undefined>(endpoints).fill(undefined);
  const rings: (Ring | undefined)[] = new Array<Ring | undefined>(endpoints * endpoints).fill(undefined);
  const inbounds: (Ring[] | undefined)[] = new Array<Ring[] | undefined>(endpoints).fill(undefined);
  const outbounds: (Ring[] | undefined)[] = new Array<Ring[] | undefined>(endpoints).fill(undefined);
  const checks: ((() => boolean) | undefined)[] = new Array<(() => boolean) | undefined>(endpoints).fill(undefined);

  function checkEndpoint(e: number): void {
    if (!Number.isInteger(e) || e < 0 || e >= endpoints) {
      throw new RangeError(`endpoint ${e} is outside 0..${endpoints - 1}`);
    }
  }

  function doorbell(e: number): Doorbell {
    checkEndpoint(e);
    return doorbells[e] ??= createDoorbell(sab, doorbellOffset(e) / 4);
  }

  function ring(from: number, to: number): Ring {
    checkEndpoint(from);
    checkEndpoint(to);
    if (from === to) throw new RangeError(`no ring from endpoint ${from} to itself`);
    return rings[from * endpoints + to] ??= createRing(sab, ringOffset(endpoints, ringCapacity, from, to), {
      doorbell: doorbell(to),
    });
  }

  function inbound(to: number): readonly Ring[] {
    checkEndpoint(to);
    return inbounds[to] ??= Array.from({ length: endpoints }, (_, from) => from)
      .filter((from) => from !== to).map((from) => ring(from, to));
  }

  function outbound(from: number): readonly Ring[] {
    checkEndpoint(from);
    return outbounds[from] ??= Array.from({ length: endpoints }, (_, to) => to)
      .filter((to) => to !== from).map((to) => ring(from, to));
  }

  function hasInputCheck(to: number): () => boolean {
    const rs = inbound(to);
    return checks[to] ??= () => {
      for (let i = 0; i < rs.length; i++) if (!rs[i].isEmpty()) return true;
      return false;
    };
  }

  return {
    sab,
    endpoints,
    ringCapacity,
    ring,
    doorbell,
    inbound,
    outbound,
    hasInput: (to) => hasInputCheck(to)(),
    sleep: (to, timeoutMs) => doorbell(to).sleep(hasInputCheck(to), timeoutMs),
  };
}
