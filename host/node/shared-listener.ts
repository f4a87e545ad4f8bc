/**
 * shared-listener — one listening TCP socket, accepted on by every shard worker (the `worker-listen`
 * host design). Node 20 has no SO_REUSEPORT, but several threads may accept on one listening socket:
 * the kernel hands each new connection to one of them. Each thread must own its own descriptor of it
 * (a Node handle closes its descriptor when closed, and a number closed twice may by then belong to
 * another socket), so:
 *   - shard 0's worker listens on the port (`listenOnPort`) and reports its descriptor number;
 *   - every other worker gets a duplicate of that descriptor (`listenOnDuplicate`): it starts
 *     listener-relay.js with the descriptor as the child's fd 4, and the child sends it back over the
 *     IPC channel — which duplicates it into this process — then exits.
 * Either way the result is a net.Server accepting in the calling thread; closing it closes only that
 * thread's descriptor.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const RELAY = fileURLToPath(new URL('./listener-relay.js', import.meta.url));
const RELAY_TIMEOUT_MS = 10_000;

export type ConnectionHandler = (socket: net.Socket) => void;

/** The descriptor number of a listening server (Unix). */
export function listenerFd(server: net.Server): number {
  const fd = (server as unknown as { _handle?: { fd?: number } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) throw new Error('shared-listener: the listening socket has no descriptor');
  return fd;
}

function newServer(onConnection: ConnectionHandler): net.Server {
  // Half-open: when a client hangs up, replies the engine made before it learned so still reach it.
  return net.createServer({ allowHalfOpen: true }, onConnection);
}

/** Listens on `bind:port` (0: a free port). Rejects with the listen error (EADDRINUSE, …). */
export function listenOnPort(port: number, bind: string, onConnection: ConnectionHandler): Promise<net.Server> {
  const server = newServer(onConnection);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bind, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Receives this thread's own duplicate of listening descriptor `fd` and accepts on it. */
export function listenOnDuplicate(fd: number, onConnection: ConnectionHandler): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RELAY], { stdio: ['ignore', 'ignore', 'inherit', 'ipc', fd] });
    const timer = setTimeout(() => fail(new Error('shared-listener: the relay did not answer')), RELAY_TIMEOUT_MS);
    let settled = false;
    function fail(err: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill();
      reject(err);
    }
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`shared-listener: the relay exited (code ${code}) without a listener`)));
    child.once('message', (_message, handle) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (typeof handle !== 'object' || handle === null) {
        reject(new Error('shared-listener: the relay sent no socket'));
        return;
      }
      const server = newServer(onConnection);
      server.once('error', reject);
      server.listen(handle as net.ListenOptions, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  });
}
