/**
 * The command line as a user runs it: `node bin/kevy-ts.js …` as a child process. Usage and version
 * output and exit codes, the Redis-style startup log, redis-cli talking to it, and a clean exit 0 on
 * SIGTERM and SIGINT.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const test = suite('cli');
/** The repository root: this file runs from dist/tests/tcp/. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = 'bin/kevy-ts.js';

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', timeout: 10_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Running {
  child: ChildProcess;
  port: number;
  output(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the server on a free port (--port 0) and reads the port back from its log. */
function startCli(args: string[]): Promise<Running> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, '--port', '0', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kevy-ts did not get ready:\n${out}`));
    }, 15_000);
    const onData = (c: Buffer): void => {
      out += c.toString('utf8');
      const port = /port=(\d+)/.exec(out);
      if (port && /Ready to accept connections tcp/.test(out)) {
        clearTimeout(timer);
        resolvePromise({ child, port: Number(port[1]), output: () => out, exit });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`kevy-ts exited with ${code} before it was ready:\n${out}`));
    });
  });
}

function redisCli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) throw r.error;
  return r.stdout.trim();
}

async function exitWithin(running: Running, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const timer = setTimeout(() => running.child.kill('SIGKILL'), ms);
  const result = await running.exit;
  clearTimeout(timer);
  return result;
}

test('--help and -h print usage and exit 0', () => {
  for (const flag of ['--help', '-h']) {
    const r = runCli([flag]);
    assert.is(r.status, 0, flag);
    assert.match(r.stdout, /^Usage: kevy-ts/);
    assert.match(r.stdout, /--port/);
    assert.match(r.stdout, /--shards/);
    assert.match(r.stdout, /--bind/);
  }
});

test('--version prints the package version and exits 0', () => {
  const r = runCli(['--version']);
  assert.is(r.status, 0);
  assert.match(r.stdout, /^kevy-ts v=\d+\.\d+\.\d+/);
});

test('an unknown flag exits 1 with usage on stderr', () => {
  const r = runCli(['--bogus']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /unknown option '--bogus'/);
  assert.match(r.stderr, /Usage: kevy-ts/);
  assert.is(r.stdout, '');
});

test('a flag without its value, or with a bad one, exits 1 with usage', () => {
  for (const args of [['--port'], ['--port', 'abc'], ['--port', '70000'], ['--shards', '0'], ['--shards', '-1'],
    ['--port=6380'], ['--bind']]) {
    const r = runCli(args);
    assert.is(r.status, 1, args.join(' '));
    assert.match(r.stderr, /Usage: kevy-ts/, args.join(' '));
  }
});

test('the server logs Redis-style, answers redis-cli, and SIGTERM exits 0', async () => {
  const running = await startCli(['--shards', '1']);
  try {
    assert.match(running.output(),
      /^\d+:M \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}\.\d{3} \* Ready to accept connections tcp$/m);
    assert.match(running.output(), /shards=1/);
    assert.is(redisCli(running.port, 'ping'), 'PONG');
    assert.is(redisCli(running.port, 'set', 'cli:k', 'hello world'), 'OK');
    assert.is(redisCli(running.port, 'get', 'cli:k'), 'hello world');
    running.child.kill('SIGTERM');
    assert.equal(await exitWithin(running, 5000), { code: 0, signal: null });
  } finally {
    running.child.kill('SIGKILL');
  }
});

test('SIGINT exits 0 even with a client connected', async () => {
  const running = await startCli(['--shards', '1', '--bind', '127.0.0.1']);
  const idle = spawn('redis-cli', ['-p', String(running.port)], { stdio: ['pipe', 'ignore', 'ignore'] });
  try {
    await new Promise((r) => setTimeout(r, 200));
    running.child.kill('SIGINT');
    assert.equal(await exitWithin(running, 5000), { code: 0, signal: null });
  } finally {
    idle.kill('SIGKILL');
    running.child.kill('SIGKILL');
  }
});

test.run();
