/**
 * events — what the page and its shard workers say to each other, beyond the mesh's own
 * `ready`/`fatal` (host/core/mesh.ts): the page starts a worker and sets its delivery delay; a worker
 * reports each cross-shard message when it is sent and when it is delivered, and each TRACE record of
 * its engine. Times are `performance.timeOrigin + performance.now()`, comparable across the workers.
 *
 * Pairing: rings are FIFO, so the k-th message shard a sends to b is the k-th b delivers from a. Each
 * side counts (`seq`), and the page joins `sent` and `delivered` on (from, to, seq).
 */
import type { ShardInit, WorkerEvent } from '../core/mesh.js';
import type { MessageInfo } from './message-names.js';

export interface SentEvent {
  ev: 'sent';
  from: number;
  to: number;
  seq: number;
  t: number;
  msg: MessageInfo;
}

export interface DeliveredEvent {
  ev: 'delivered';
  from: number;
  to: number;
  seq: number;
  t: number;
}

/** One TRACE record: the engine's JSON object (`{"ev":"arm","shard":1,…}`). */
export interface TraceEvent {
  ev: 'trace';
  shard: number;
  t: number;
  data: Record<string, unknown>;
}

export type ShardEvent = SentEvent | DeliveredEvent | TraceEvent;

export type WorkerToPage = WorkerEvent | { type: 'events'; events: ShardEvent[] };

export type PageToWorker =
  | { type: 'init'; init: ShardInit; holdMs: number }
  | { type: 'hold'; ms: number };

/** The clock every thread of the page stamps events with. */
export function eventTime(): number {
  return performance.timeOrigin + performance.now();
}
