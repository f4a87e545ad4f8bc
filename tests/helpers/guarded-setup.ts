/**
 * guarded-setup — a suite's `before` hook whose failure fails every test of the suite.
 *
 * uvu 0.5 swallows an error thrown by a `before` hook and reports the suite as passed with nothing run.
 * This keeps the error and rethrows it before each test instead, so a suite that cannot start its
 * servers fails loudly (scripts/uvu-strict.mjs is the net under suites that do not use this).
 */
import type { Test } from 'uvu';

export function guardedSetup(test: Test, setup: () => Promise<void> | void): void {
  let setupError: unknown;
  test.before(async () => {
    try {
      await setup();
    } catch (err) {
      setupError = err;
    }
  });
  test.before.each(() => {
    if (setupError) throw setupError;
  });
}
