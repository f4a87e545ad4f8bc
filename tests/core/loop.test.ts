/**
 * loop — the scheduling loop's idle behaviour (host/core/loop.ts): with `turnUs` it keeps turning the
 * event loop (pumping each turn) for that long after the last work before it sleeps on the doorbell, and
 * `noteWork()` (a socket callback's work) restarts that window, and `mayTurn` can veto it; without it, it
 * sleeps as soon as a pump finds nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startLoop, type LoopParts } from '../../host/core/loop.js';

interface Probe {
  parts: LoopParts;
  pumps: number;
  /** performance.now() of the first sleep, once it happened. */
  sleptAt: number | undefined;
  slept: Promise<void>;
}

/** Parts whose pump finds work `busyPumps` times, then nothing; the first sleep is recorded. */
function probe(busyPumps: number): Probe {
  let wake!: () => void;
  const p: Probe = {
    pumps: 0,
    sleptAt: undefined,
    slept: new Promise<void>((resolve) => { wake = resolve; }),
    parts: {
      pump: () => ++p.pumps <= busyPumps,
      timers: () => 1000,
      idleLimitMs: () => Infinity,
      sleep: async () => {
        if (p.sleptAt === undefined) {
          p.sleptAt = performance.now();
          wake();
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
        return 'timeout';
      },
    },
  };
  return p;
}

test('without turnUs the loop sleeps as soon as a pump finds nothing', async () => {
  const p = probe(1);
  const start = performance.now();
  const loop = startLoop(p.parts);
  await p.slept;
  loop.stop();
  assert.ok(p.sleptAt! - start < 15, `slept after ${(p.sleptAt! - start).toFixed(1)} ms`);
  assert.ok(p.pumps <= 3, `${p.pumps} pumps before sleeping`);
});

test('with turnUs it keeps pumping for that long after the last work, then sleeps', async () => {
  const p = probe(1);
  const start = performance.now();
  const loop = startLoop(p.parts, { turnUs: 30_000 });
  await p.slept;
  loop.stop();
  const waited = p.sleptAt! - start;
  assert.ok(waited >= 29, `slept after ${waited.toFixed(1)} ms, before the 30 ms window ended`);
  assert.ok(p.pumps > 10, `only ${p.pumps} pumps while turning`);
});

test('mayTurn false: it sleeps at once even with turnUs', async () => {
  const p = probe(1);
  p.parts.mayTurn = () => false;
  const start = performance.now();
  const loop = startLoop(p.parts, { turnUs: 30_000 });
  await p.slept;
  loop.stop();
  assert.ok(p.sleptAt! - start < 15, `slept after ${(p.sleptAt! - start).toFixed(1)} ms`);
});

test('noteWork restarts the window', async () => {
  const p = probe(1);
  const start = performance.now();
  const loop = startLoop(p.parts, { turnUs: 30_000 });
  const nudges = setInterval(() => loop.noteWork(), 10);
  setTimeout(() => clearInterval(nudges), 50);
  await p.slept;
  loop.stop();
  const waited = p.sleptAt! - start;
  // The last nudge comes at 40–50 ms: the loop must not sleep before ~70 ms (without the nudges: ~30).
  assert.ok(waited >= 65, `slept after ${waited.toFixed(1)} ms: nudges until 40 ms should keep it turning until ~70 ms`);
});

test.run();
