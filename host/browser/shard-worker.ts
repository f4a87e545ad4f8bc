/**
 * shard-worker — the browser entry of a shard worker (a module Web Worker): takes its ShardInit from
 * the page's first message and runs the platform-neutral worker body (host/core/shard-worker.ts) — the
 * same engine, runtime, rings and loop as the Node and Deno hosts — with an observer that reports every
 * cross-shard message and TRACE record to the page, and holds incoming messages for the page's delay.
 *
 * Owns: the worker's side of events.ts — counting messages per peer (the page pairs sends with
 * deliveries by count), batching events into one postMessage per task, and the delay setting.
 */
import { runShardWorker } from '../core/shard-worker.js';
import type { ShardObserver } from '../core/message-hold.js';
import type { ShardInit, WorkerEvent } from '../core/mesh.js';
import { eventTime, type PageToWorker, type ShardEvent, type WorkerToPage } from './events.js';
import { describeMessage } from './message-names.js';

interface WorkerScope {
  postMessage(message: WorkerToPage): void;
  onmessage: ((event: MessageEvent<PageToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

/** More events than this waiting for one post: the page is not keeping up; the rest are dropped. */
const MAX_PENDING_EVENTS = 5000;

let holdMs = 0;
let pending: ShardEvent[] = [];
let posting = false;

function post(): void {
  posting = false;
  if (pending.length === 0) return;
  const events = pending;
  pending = [];
  scope.postMessage({ type: 'events', events });
}

function emit(event: ShardEvent): void {
  if (pending.length >= MAX_PENDING_EVENTS) return;
  pending.push(event);
  if (!posting) {
    posting = true;
    setTimeout(post, 0);
  }
}

const utf8 = new TextDecoder();

function traceData(record: Uint8Array): Record<string, unknown> {
  const text = utf8.decode(record);
  try {
    const data: unknown = JSON.parse(text);
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data as Record<string, unknown>;
  } catch {
    // not JSON: shown as text
  }
  return { ev: 'text', text };
}

function observer(shard: number, shards: number): ShardObserver {
  const sentTo = new Array<number>(shards).fill(0);
  const deliveredFrom = new Array<number>(shards).fill(0);
  return {
    sent(to, message) {
      emit({ ev: 'sent', from: shard, to, seq: sentTo[to]++, t: eventTime(), msg: describeMessage(message) });
    },
    delivered(from) {
      emit({ ev: 'delivered', from, to: shard, seq: deliveredFrom[from]++, t: eventTime() });
    },
    trace(record) {
      emit({ ev: 'trace', shard, t: eventTime(), data: traceData(record) });
    },
    holdMs: () => holdMs,
  };
}

function start(init: ShardInit): void {
  runShardWorker(init, (event: WorkerEvent) => {
    post(); // events before ready/fatal arrive first
    scope.postMessage(event);
  }, { observer: observer(init.shard, init.shards) }).catch(() => {
    // already reported as a 'fatal' event; the page terminates this worker
  });
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'init') {
    holdMs = message.holdMs;
    start(message.init);
  } else if (message.type === 'hold') {
    holdMs = message.ms;
  }
};
