/**
 * loop — the scheduling loop every mesh thread runs: pump while there is work, sleep on the doorbell
 * when there is none, run timers in between. Web-standard APIs only.
 *
 * Owns: when to pump, when to yield to the event loop, when to sleep. Not what a pump does.
 *   1. timers: run whatever is due (the shard's tick); remember how long until the next one.
 *   2. pump: drain the inbound rings. If it found work:
 *        - a thread without sockets (`sliceMs` > 0) keeps pumping synchronously for up to `sliceMs`
 *          while work keeps coming: a busy shard polls its rings without a syscall;
 *        - then it yields one macrotask (setImmediate where it exists), so socket callbacks, messages
 *          from the parent and timers run, and goes back to 1.
 *   3. idle: optionally spin `spinUs` microseconds re-checking `hasInput` (cheap loads), then sleep on
 *      the doorbell until a producer rings it or the next timer is due. The doorbell protocol (ring.ts)
 *      makes that race-free: a record published after the last pump is seen by sleep's own re-check.
 * A pump or timer that throws ends the loop: `run` rejects with the error (an engine failure is fatal to
 * its thread's host). `stop()` ends it at the next turn.
 */
import type { WakeReason } from './ring.js';

export interface LoopParts {
  pump(): boolean;
  /** Runs due timers; answers ms until the next one. */
  timers(now: number): number;
  /** Upper bound for one idle sleep (e.g. short while a backlog waits for ring room). */
  idleLimitMs(): number;
  sleep(timeoutMs: number): Promise<WakeReason>;
  /** Published input is waiting (for the idle spin). */
  hasInput?(): boolean;
  /** Whether turning (`turnUs`) is worth it now; default yes. */
  mayTurn?(): boolean;
}

export interface LoopOptions {
  /** Busy pumping without yielding, in ms (0: yield after every busy pump; for threads with sockets). */
  sliceMs?: number;
  /** Spin this long re-checking for input before sleeping, in µs (0: sleep at once). */
  spinUs?: number;
  /**
   * After the last work (a pump that found some, or `noteWork()`), keep turning the event loop — one
   * macrotask a turn, so sockets are served — this long, in µs, before sleeping on the doorbell: a reply
   * that comes back soon is picked up without a wake-up on either side.
   */
  turnUs?: number;
}

export interface Loop {
  /** Resolves when stopped; rejects with what a pump or timer threw. */
  readonly done: Promise<void>;
  stop(): void;
  /** Work done outside the loop (a socket callback): counts for `turnUs`. */
  noteWork(): void;
}

type Immediate = (fn: () => void) => unknown;
const setImmediateFn: Immediate | undefined = (globalThis as { setImmediate?: Immediate }).setImmediate;

/** One macrotask turn: lets I/O callbacks and timers run. */
export function yieldTask(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (setImmediateFn !== undefined) setImmediateFn(resolve);
    else setTimeout(resolve, 0);
  });
}

/**
 * One sleep over several doorbells (a thread that consumes as two endpoints): resolves when any of them
 * wakes. A doorbell allows one sleep at a time, so a sleep still pending from an earlier call is reused
 * rather than started again; while it stays pending its producers may ring it once, which is harmless.
 */
export function sleepAny(sleepers: readonly ((timeoutMs: number) => Promise<WakeReason>)[]): (timeoutMs: number) => Promise<WakeReason> {
  const pending: (Promise<WakeReason> | undefined)[] = sleepers.map(() => undefined);
  return (timeoutMs) => {
    for (let i = 0; i < sleepers.length; i++) {
      if (pending[i] === undefined) {
        const p = sleepers[i](timeoutMs);
        pending[i] = p;
        void p.finally(() => {
          if (pending[i] === p) pending[i] = undefined;
        });
      }
    }
    return Promise.race(pending as Promise<WakeReason>[]);
  };
}

const nowUs = typeof performance !== 'undefined' ? () => performance.now() * 1000 : () => Date.now() * 1000;

export function startLoop(parts: LoopParts, options: LoopOptions = {}): Loop {
  const sliceMs = options.sliceMs ?? 0;
  const spinUs = options.spinUs ?? 0;
  const turnUs = options.turnUs ?? 0;
  let stopped = false;
  let lastWorkUs = 0;

  async function run(): Promise<void> {
    while (!stopped) {
      const now = Date.now();
      let untilTimer = parts.timers(now);
      if (parts.pump()) {
        if (turnUs > 0) lastWorkUs = nowUs();
        if (sliceMs > 0) {
          const end = now + Math.min(sliceMs, untilTimer);
          while (Date.now() < end && parts.pump()) { /* busy: keep draining */ }
        }
        await yieldTask();
        continue;
      }
      if (spinUs > 0 && parts.hasInput !== undefined) {
        const end = nowUs() + spinUs;
        let found = false;
        while (nowUs() < end) {
          if (parts.hasInput()) {
            found = true;
            break;
          }
        }
        if (found) continue;
      }
      if (turnUs > 0 && nowUs() - lastWorkUs < turnUs && (parts.mayTurn === undefined || parts.mayTurn())) {
        await yieldTask();
        continue;
      }
      untilTimer = parts.timers(Date.now());
      const limit = Math.min(untilTimer, parts.idleLimitMs());
      await parts.sleep(Math.max(0, limit));
    }
  }

  const done = run();
  return {
    done,
    stop() {
      stopped = true;
    },
    noteWork() {
      if (turnUs > 0) lastWorkUs = nowUs();
    },
  };
}
