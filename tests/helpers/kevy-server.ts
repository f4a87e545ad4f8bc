/**
 * kevy-server — kevy-ts as a child process, exactly as a user runs it.
 *
 * Spawns `node bin/kevy-ts.js --port P --shards N` from the repository root (the CLI contract in
 * DESIGN.md) and waits until it answers PING. If the bin is missing, crashes, or never answers, this
 * throws with the command line and the server's output, so the calling test fails loudly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type ServerHandle } from './child-server.js';

/** The repository root: this file runs from dist/tests/helpers/. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export async function startKevyServer(shards = 1, extraArgs: string[] = []): Promise<ServerHandle> {
  const bin = join(repoRoot, 'bin', 'kevy-ts.js');
  if (!existsSync(bin)) throw new Error(`kevy-ts cannot start: ${bin} does not exist`);
  return startServer({
    label: `kevy-ts (${shards} shard${shards === 1 ? '' : 's'})`,
    command: process.execPath,
    args: (port) => ['bin/kevy-ts.js', '--port', String(port), '--shards', String(shards), ...extraArgs],
    cwd: repoRoot,
    startTimeoutMs: 20000,
  });
}

/**
 * The `deno` script of package.json as argv, its `deno` being the npm package's executable itself (its
 * install API answers the path, installing it if npm skipped the postinstall): not the Node wrapper,
 * which would not pass our SIGTERM on.
 */
export function denoCommand(): { command: string; args: string[] } {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [bin, ...args] = pkg.scripts.deno.split(/\s+/);
  if (bin !== 'deno') throw new Error(`the package's deno script does not run deno: ${pkg.scripts.deno}`);
  const require = createRequire(join(repoRoot, 'package.json'));
  const installer = require('deno/install_api.cjs') as { runInstall(): string };
  return { command: installer.runInstall(), args };
}

/** kevy-ts's Deno host as a child process, as `npm run deno -- --port P --shards N` runs it. */
export async function startKevyDenoServer(shards: number): Promise<ServerHandle> {
  const { command, args } = denoCommand();
  return startServer({
    label: `kevy-ts deno (${shards} shard${shards === 1 ? '' : 's'})`,
    command,
    args: (port) => [...args, '--port', String(port), '--shards', String(shards)],
    cwd: repoRoot,
    startTimeoutMs: 30_000,
  });
}
