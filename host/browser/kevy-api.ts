/**
 * kevy-api — the shape of `window.kevy`, the demo page's handle for tests and for people at the
 * devtools console (app.ts implements it). Declared here, apart from the page, so Node tests that
 * drive the page through playwright type their calls against the same interface.
 */
import type { Plain } from './resp.js';
import type { ScenarioOutcome } from './scenario-runner.js';

export interface KevyApi {
  /** Resolves once the shards are up (a new promise after each restart). */
  readonly ready: Promise<void>;
  readonly shards: number;
  /** The engine answers COMMAND INFO BLPOP: blocking commands exist. */
  readonly blocking: boolean;
  /** Runs one command as `client` (a console made on first use); resolves to the plain reply. */
  run(client: string, argv: readonly string[]): Promise<Plain>;
  /** Restarts the mesh with `n` shards (2–8). */
  setShards(n: number): Promise<void>;
  /** How long each shard holds an incoming message (ms). */
  setHold(ms: number): void;
  runScenario(id: string): Promise<ScenarioOutcome>;
}

declare global {
  interface Window {
    kevy: KevyApi;
  }
}
