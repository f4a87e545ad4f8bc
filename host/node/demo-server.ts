/**
 * demo-server — `npm run demo -- --port P [--host H]`: serves the browser demo (demo/, issue 5) and the
 * files it loads (the compiled browser host in dist/host/, the engine build/shard.wasm) with the
 * headers that make the page cross-origin isolated, which SharedArrayBuffer requires:
 * `Cross-Origin-Opener-Policy: same-origin`, `Cross-Origin-Embedder-Policy: require-corp` (and
 * `Cross-Origin-Resource-Policy: same-origin` on everything, for the workers and the wasm). Prints the
 * URL. Nothing else: a static server on node:http with an allow-list of folders.
 *
 * `startDemoServer` is also what the browser tests and scripts/demo-screenshot.mjs start.
 */
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file runs from dist/host/node/). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** What the server may read: the page, the compiled hosts (and their sources, for source maps), the engine. */
const ALLOWED = ['demo', 'dist/host', 'host', 'build/shard.wasm', 'docs/demo.png'];

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface DemoServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The file for a URL path, or undefined when it is outside the allow-list. */
function fileFor(urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path === '/' || path === '/index.html') path = '/demo/index.html';
  const rel = normalize(path).replace(/^[/\\]+/, '');
  if (rel.split(sep).includes('..')) return undefined;
  const posix = rel.split(sep).join('/');
  if (!ALLOWED.some((a) => posix === a || posix.startsWith(`${a}/`))) return undefined;
  return join(ROOT, rel);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const file = fileFor(url.pathname);
  const send = (code: number, type: string, body: string | Buffer): void => {
    res.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-cache', ...ISOLATION });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
  if (file === undefined) return send(404, 'text/plain', 'not found\n');
  try {
    if (!(await stat(file)).isFile()) return send(404, 'text/plain', 'not found\n');
    const body = await readFile(file);
    send(200, TYPES[extname(file)] ?? 'application/octet-stream', body);
  } catch {
    const hint = file.endsWith('.wasm') || file.includes(`${sep}dist${sep}`) ? ' (run `npm run build` first)' : '';
    send(404, 'text/plain', `not found${hint}\n`);
  }
}

export function startDemoServer(options: { port?: number; host?: string } = {}): Promise<DemoServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolvePromise({
        url: `http://${shown}:${port}/`,
        port,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

function parseArgs(argv: readonly string[]): { port: number; host: string } {
  let port = 8080;
  let host = '127.0.0.1';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--port' || a === '-p') port = Number(value());
    else if (a.startsWith('--port=')) port = Number(a.slice(7));
    else if (a === '--host') host = value();
    else if (a.startsWith('--host=')) host = a.slice(7);
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run demo -- [--port 8080] [--host 127.0.0.1]');
      process.exit(0);
    } else throw new Error(`unknown option ${a} (try --help)`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port ${port}`);
  return { port, host };
}

async function main(): Promise<void> {
  const { port, host } = parseArgs(process.argv.slice(2));
  for (const need of ['build/shard.wasm', 'dist/host/browser/app.js']) {
    try {
      await stat(join(ROOT, need));
    } catch {
      console.error(`kevy-ts demo: ${need} is missing; run \`npm run build\` first`);
      process.exit(1);
    }
  }
  const server = await startDemoServer({ port, host });
  console.log(`kevy-ts demo: ${server.url}`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(`kevy-ts demo: ${(err as Error).message}`);
    process.exit(1);
  });
}
