/**
 * engine-core's TRACE records (outbox kind 4, the engine's own events for the browser demo): a sink
 * with `trace` turns tracing on through the module's `trace` export and receives each record; a sink
 * without it never turns it on, and a TRACE record it gets anyway is ignored, not an error. Runs on the
 * stand-in engine (tests/helpers/stand-in-engine.ts), so the contract holds before the real engine
 * emits TRACE records.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { instantiateEngineCore, type CoreSink } from '../../host/core/engine-core.js';
import { standInEngine } from '../helpers/stand-in-engine.js';

const test = suite('engine-core TRACE records');

let module: WebAssembly.Module;

test.before(async () => {
  module = await WebAssembly.compile(await standInEngine());
});

function run(withTrace: boolean, conn: number): { data: string[]; traces: unknown[] } {
  const data: string[] = [];
  const traces: unknown[] = [];
  const sink: CoreSink = {
    data: (_c, payload) => data.push(new TextDecoder().decode(payload)),
    close() {},
    ...(withTrace ? { trace: (record: Uint8Array) => traces.push(JSON.parse(new TextDecoder().decode(record))) } : {}),
  };
  const engine = instantiateEngineCore(module, { shardIndex: 0, shardCount: 1, seed: 1 }, sink);
  engine.feed(conn, new Uint8Array([1]));
  return { data, traces };
}

test('a sink with trace turns tracing on and gets each record, in order with the data', () => {
  const { data, traces } = run(true, 7);
  assert.equal(traces, [{ ev: 'arm', shard: 0, conn: 7, key: 'q', queue: [7] }, { ev: 'serve', shard: 0, conn: 7 }]);
  assert.equal(data, ['+OK\r\n']);
});

test('a sink without trace leaves tracing off', () => {
  assert.equal(run(false, 7), { data: ['+OK\r\n'], traces: [] });
});

test('a TRACE record nobody asked for is ignored, not an error', () => {
  assert.equal(run(false, 99), { data: ['+OK\r\n'], traces: [] });
});

test.run();
