/**
 * listener-relay — a tiny child process that hands a listening socket back to the thread that started
 * it, as a file descriptor of that thread's own (shared-listener.ts).
 *
 * Why: every Node handle closes its descriptor when it is closed, so two threads must never wrap the same
 * descriptor number (the second close would hit whatever reused the number). Node has no dup(); sending
 * a socket over the IPC channel (SCM_RIGHTS) is how a descriptor is duplicated. The socket arrives here
 * as fd 4, is wrapped without reading (so this process never accepts a connection), sent back once as
 * the bare handle (the receiver listens on it; wrapped as a net.Socket it would first be read from), and
 * the process exits.
 */
import net from 'node:net';

const LISTENER_FD = 4;

if (process.send === undefined) {
  process.stderr.write('listener-relay: start me with an IPC channel (stdio[3]) and the listener as stdio[4]\n');
  process.exit(2);
}

const listener = new net.Socket({ fd: LISTENER_FD, readable: false, writable: false });
const handle = (listener as unknown as { _handle: object })._handle;
process.send('listener', handle as net.Socket, (err: Error | null) => process.exit(err ? 1 : 0));
