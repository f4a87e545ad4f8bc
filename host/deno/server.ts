/**
 * server — the Deno host: `npm run deno -- --port P --shards N [--bind ADDR]`.
 *
 * Owns: the command line (the Node CLI's flags; anything else is an error with usage text), loading and
 * compiling build/shard.wasm (Deno's own file API: engine-core.ts stays platform-neutral), starting N
 * shard workers through the shared mesh orchestration (host/core/mesh.ts) — one Web Worker per shard
 * (worker.ts), each listening on the same port with SO_REUSEPORT and owning the connections the kernel
 * gives it, with rings between every pair of shards exactly as in the Node hosts — and the process
 * lifecycle: Redis-style log lines, SIGINT/SIGTERM stop the workers and exit 0, a worker's engine
 * failure exits 1. Only the socket layer differs from the Node hosts; everything else is host/core.
 */
import { startMesh, type ShardInit, type SpawnShardWorker, type WorkerEvent } from '../core/mesh.js';

const USAGE = `Usage: npm run deno -- [options]

Options:
  --port P       TCP port to listen on (default 6379; 0 picks a free port)
  --bind ADDR    address to listen on (default 127.0.0.1)
  --shards N     number of shards, one worker each (default: the CPU count)
`;

interface Options {
  port: number;
  bind: string;
  shards: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function log(level: string, message: string): void {
  const now = new Date();
  const two = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${two(now.getDate())} ${MONTHS[now.getMonth()]} ${now.getFullYear()} `
    + `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}.`
    + String(now.getMilliseconds()).padStart(3, '0');
  console.log(`${Deno.pid}:M ${stamp} ${level} ${message}`);
}

function usageError(message: string): never {
  console.error(`kevy-ts: ${message}\n\n${USAGE}`);
  Deno.exit(1);
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { port: 6379, bind: '127.0.0.1', shards: navigator.hardwareConcurrency || 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '-h' || flag === '--help') {
      console.log(USAGE);
      Deno.exit(0);
    }
    if (flag !== '--port' && flag !== '--bind' && flag !== '--shards') usageError(`unknown option '${flag}'`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) usageError(`${flag} needs a value`);
    if (flag === '--bind') {
      if (value === '') usageError('--bind needs an address');
      options.bind = value;
      continue;
    }
    if (!/^\d+$/.test(value)) usageError(`invalid value for ${flag}: '${value}'`);
    const n = Number(value);
    if (flag === '--port' && n > 65535) usageError(`--port must be between 0 and 65535, got ${value}`);
    if (flag === '--shards' && (n < 1 || n > 1024)) usageError(`--shards must be between 1 and 1024, got ${value}`);
    if (flag === '--port') options.port = n;
    else options.shards = n;
  }
  return options;
}

/** mesh.ts's SpawnShardWorker for Deno: a module Web Worker, its ShardInit as the first message. */
const spawnDenoWorker: SpawnShardWorker = (init: ShardInit, onEvent, onError) => {
  const worker = new Worker(new URL('./worker.js', import.meta.url).href, { type: 'module' });
  worker.onmessage = (event: MessageEvent<WorkerEvent>) => onEvent(event.data);
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    onError(new Error(`shard ${init.shard}: ${event.message}`));
  };
  worker.postMessage(init);
  return {
    async terminate() {
      worker.terminate();
    },
  };
};

/** Port 0: ask the kernel for one (a listener in the same SO_REUSEPORT group, closed at once). */
function choosePort(bind: string, port: number): number {
  if (port !== 0) return port;
  const probe = Deno.listen({ hostname: bind, port: 0, reusePort: true });
  const chosen = probe.addr.port;
  probe.close();
  return chosen;
}

async function main(): Promise<void> {
  const options = parseArgs(Deno.args);
  log('#', `kevy-ts (deno ${Deno.version.deno}) is starting: pid=${Deno.pid}`);
  const wasm = await Deno.readFile(new URL('../../../build/shard.wasm', import.meta.url));
  const module = await WebAssembly.compile(wasm);
  const port = choosePort(options.bind, options.port);
  const running = await startMesh({
    shards: options.shards,
    workerShards: Array.from({ length: options.shards }, (_, i) => i),
    ioEndpoint: false,
    init: () => ({
      module,
      seed: (Math.random() * 0x1_0000_0000) >>> 0,
      serverInfo: {
        tcp_port: port, process_id: Deno.pid, executable: Deno.mainModule, config_file: '',
        os: `${Deno.build.os} ${Deno.build.arch}`, arch_bits: 64, deno_version: Deno.version.deno,
        shards: options.shards,
      },
      loop: {},
      extra: { port, bind: options.bind },
    }),
    spawn: spawnDenoWorker,
    onFatal(err) {
      log('#', `${err.name === 'EngineFailure' ? 'engine failure (this is a bug)' : 'worker failure'}: ${err.stack ?? err.message}`);
      Deno.exit(1);
    },
  }).catch((err: Error) => {
    log('#', `Failed to start: ${err.message}`);
    Deno.exit(1);
  });
  log('*', `Running mode=standalone, port=${port}, bind=${options.bind}, shards=${options.shards}, host=deno.`);
  log('*', 'Ready to accept connections tcp');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('#', `Received ${signal} scheduling shutdown...`);
    void running.stop().then(() => {
      log('#', 'kevy-ts is now ready to exit, bye bye...');
      Deno.exit(0);
    });
  };
  Deno.addSignalListener('SIGINT', () => stop('SIGINT'));
  Deno.addSignalListener('SIGTERM', () => stop('SIGTERM'));
}

void main();
