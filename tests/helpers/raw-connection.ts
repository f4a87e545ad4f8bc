/**
 * raw-connection — a byte-level client connection for tests that compare servers.
 *
 * Owns one TCP socket and its receive buffer. It sends arbitrary bytes (well-formed commands or not)
 * and hands back each reply *frame* as the exact bytes the server sent, framed by the host's RESP
 * reader. It never interprets replies: that is the caller's business. A server that closes the
 * connection, stays silent, or sends bytes that are not RESP is reported as an outcome, not thrown.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { frameEnd } from '../../host/core/resp-reader.js';

/** One awaited reply: the frame's bytes, or why there is none. */
export type ReplyOutcome =
  | { readonly kind: 'reply'; readonly bytes: Buffer }
  | { readonly kind: 'closed'; readonly pending: Buffer }
  | { readonly kind: 'timeout'; readonly pending: Buffer }
  | { readonly kind: 'malformed'; readonly pending: Buffer; readonly reason: string };

export interface RawConnection {
  /** Writes bytes; false when the connection is already closed. */
  send(bytes: Buffer): boolean;
  /** The next complete reply frame (in arrival order), or the reason none came within `timeoutMs`. */
  nextReply(timeoutMs: number): Promise<ReplyOutcome>;
  /** Resolves true once the server has closed the connection, false if it is still open after `timeoutMs`. */
  waitClosed(timeoutMs: number): Promise<boolean>;
  /** True once the peer closed or the socket failed. */
  isClosed(): boolean;
  /** Closes our side and discards everything unread. */
  destroy(): void;
}

export function openRawConnection(port: number, host = '127.0.0.1', connectTimeoutMs = 2000): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket: Socket = netConnect({ port, host });
    socket.setNoDelay(true);
    let buffer: Buffer = Buffer.alloc(0);
    let closed = false;
    let connected = false;
    let wake: (() => void) | null = null;
    const notify = (): void => {
      const w = wake;
      wake = null;
      if (w) w();
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, connectTimeoutMs);

    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      notify();
    });
    socket.on('close', () => {
      closed = true;
      notify();
    });
    socket.on('error', (err) => {
      closed = true;
      if (!connected) {
        clearTimeout(timer);
        reject(err);
      }
      notify();
    });

    /** Waits until new bytes arrive, the socket closes, or the deadline passes. */
    const waitForEvent = (deadline: number): Promise<boolean> =>
      new Promise((res) => {
        const left = deadline - Date.now();
        if (left <= 0) {
          res(false);
          return;
        }
        const t = setTimeout(() => {
          wake = null;
          res(false);
        }, left);
        wake = () => {
          clearTimeout(t);
          res(true);
        };
      });

    const connection: RawConnection = {
      send(bytes) {
        if (closed || socket.destroyed) return false;
        socket.write(bytes);
        return true;
      },
      async nextReply(timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          let end: number;
          try {
            end = buffer.length === 0 ? -1 : frameEnd(buffer, 0);
          } catch (err) {
            const pending = buffer;
            buffer = Buffer.alloc(0);
            socket.destroy();
            return { kind: 'malformed', pending, reason: (err as Error).message };
          }
          if (end !== -1) {
            const bytes = buffer.subarray(0, end);
            buffer = buffer.subarray(end);
            return { kind: 'reply', bytes };
          }
          if (closed) return { kind: 'closed', pending: buffer };
          if (!(await waitForEvent(deadline))) return { kind: 'timeout', pending: buffer };
        }
      },
      async waitClosed(timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        while (!closed) {
          if (!(await waitForEvent(deadline))) return closed;
        }
        return true;
      },
      isClosed: () => closed,
      destroy() {
        closed = true;
        socket.destroy();
        notify();
      },
    };

    socket.once('connect', () => {
      connected = true;
      clearTimeout(timer);
      resolve(connection);
    });
  });
}
