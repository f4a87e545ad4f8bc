/**
 * kevy-server — kevy-ts as a child process, exactly as a user runs it.
 *
 * Spawns `node bin/kevy-ts.js --port P --shards N` from the repository root (the CLI contract in
 * DESIGN.md) and waits until it answers PING. If the bin is missing, crashes, or never answers, this
 * throws with the command line and the server's output, so the calling test fails loudly.
 */
import { existsSync } from 'node:fs';
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
