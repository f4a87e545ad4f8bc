/**
 * accept-balance — keeps the connections of the `worker-listen` design spread evenly over the shard
 * workers. Every worker accepts on the same listening socket and the kernel picks which one gets a new
 * connection, which can pile most connections onto one worker. So each worker publishes its number of
 * live connections in shared memory and stops accepting while it holds more than the least-loaded
 * other worker; the kernel then gives the next connections to the workers still accepting.
 *
 * Shared words (Int32, one block for all workers): `count[s]` at s, `paused[s]` at shards + s.
 * Someone always accepts: the worker with the fewest connections never pauses by the rule, and a worker
 * that stops accepting re-reads the counts after raising its `paused` flag, while a worker whose count
 * grows re-reads the flags after raising its count (sequentially consistent atomics, as in the doorbell
 * protocol): either the pausing worker sees the new count and keeps accepting, or the growing worker sees
 * the flag and nudges it (its doorbell), and the nudged worker re-evaluates on its next loop turn.
 */

export interface AcceptBalance {
  opened(): void;
  closed(): void;
  /** Re-reads the counts (each loop turn): resumes accepting when the others have caught up. */
  evaluate(): void;
}

export interface AcceptBalanceOptions {
  words: Int32Array;
  shard: number;
  shards: number;
  /** Stop / restart accepting on this worker's listener. */
  pause(): void;
  resume(): void;
  /** Wake worker `s` so that it re-evaluates. */
  nudge(s: number): void;
}

/** Int32 words the balance needs for `shards` workers. */
export function acceptBalanceWords(shards: number): number {
  return 2 * shards;
}

export function createAcceptBalance(options: AcceptBalanceOptions): AcceptBalance {
  const { words, shard, shards } = options;
  const pausedAt = (s: number): number => shards + s;
  let paused = false;

  /** More connections than some other worker. */
  function overloaded(): boolean {
    const mine = Atomics.load(words, shard);
    for (let s = 0; s < shards; s++) {
      if (s !== shard && Atomics.load(words, s) < mine) return true;
    }
    return false;
  }

  function evaluate(): void {
    if (!paused) {
      if (!overloaded()) return;
      Atomics.store(words, pausedAt(shard), 1);
      if (!overloaded()) { // re-read after the flag: a count that grew meanwhile is seen here
        Atomics.store(words, pausedAt(shard), 0);
        return;
      }
      paused = true;
      options.pause();
    } else if (!overloaded()) {
      paused = false;
      Atomics.store(words, pausedAt(shard), 0);
      options.resume();
    }
  }

  return {
    opened() {
      Atomics.add(words, shard, 1);
      for (let s = 0; s < shards; s++) {
        if (s !== shard && Atomics.load(words, pausedAt(s)) === 1) options.nudge(s);
      }
      evaluate();
    },
    closed() {
      Atomics.sub(words, shard, 1);
      evaluate();
    },
    evaluate,
  };
}
