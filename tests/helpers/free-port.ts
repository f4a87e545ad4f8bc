/**
 * free-port — asks the OS for a TCP port that is free right now on 127.0.0.1.
 *
 * The port is released before it is returned, so another process may take it in between; callers that
 * start servers on it retry with a new port when the server fails to bind (see child-server.ts).
 */
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('free-port: listening socket has no port'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}
