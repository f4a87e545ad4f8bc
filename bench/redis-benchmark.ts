/**
 * redis-benchmark — running redis-benchmark against a server and reading its CSV: shared by bench/run.ts
 * (kevy-ts vs redis-server) and bench/host-designs.ts (kevy-ts host designs against each other).
 * Every run uses random keys (`-r 100000`), so with several shards most commands touch another shard.
 */
import { spawnSync } from 'node:child_process';

export interface Workload {
  name: string;
  clients: number;
  pipeline: number;
  requests: number;
}

/** The workloads the brief measures: pipelined and not, 50 clients. */
export function standardWorkloads(requests: number): Workload[] {
  return [
    { name: '-c 50 -P 16', clients: 50, pipeline: 16, requests: requests * 4 },
    { name: '-c 50', clients: 50, pipeline: 1, requests },
  ];
}

/** Runs redis-benchmark once; returns requests/s per test name (SET, GET). Throws on failure or hang. */
export function redisBenchmark(port: number, w: Workload, tests = 'set,get', timeoutMs = 300_000): Map<string, number> {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-t', tests, '-n', String(w.requests),
    '-c', String(w.clients), '-P', String(w.pipeline), '-r', '100000', '--csv', '-q'],
  { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  if (r.error) throw new Error(`redis-benchmark ${w.name}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`redis-benchmark ${w.name} failed (${r.status ?? r.signal}): ${r.stderr}`);
  const out = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^"(\w+)","([\d.]+)"/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

/** A short pipelined SET/GET run whose figures are dropped: lets the JIT and Wasm tiering settle. */
export function warmUp(port: number): void {
  redisBenchmark(port, { name: 'warm-up', clients: 50, pipeline: 16, requests: 300_000 });
}
