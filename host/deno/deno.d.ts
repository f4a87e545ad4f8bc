/**
 * deno.d.ts — the few Deno runtime APIs the Deno host uses, declared for tsc (the project compiles with
 * Node's types; Deno runs the emitted JavaScript). Signatures follow Deno 2's `Deno` namespace.
 */

declare namespace Deno {
  interface NetAddr {
    transport: 'tcp' | 'udp';
    hostname: string;
    port: number;
  }
  interface Conn {
    readonly localAddr: NetAddr;
    readonly remoteAddr: NetAddr;
    read(p: Uint8Array): Promise<number | null>;
    write(p: Uint8Array): Promise<number>;
    close(): void;
    closeWrite(): Promise<void>;
  }
  interface TcpConn extends Conn {
    setNoDelay(noDelay?: boolean): void;
  }
  interface TcpListener extends AsyncIterable<TcpConn> {
    readonly addr: NetAddr;
    accept(): Promise<TcpConn>;
    close(): void;
  }
  interface ListenOptions {
    port: number;
    hostname?: string;
    reusePort?: boolean;
  }
  function listen(options: ListenOptions & { transport?: 'tcp' }): TcpListener;
  function readFile(path: string | URL): Promise<Uint8Array<ArrayBuffer>>;
  function exit(code?: number): never;
  function addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  const args: string[];
  const pid: number;
  const build: { os: string; arch: string };
  const version: { deno: string; v8: string; typescript: string };
  const mainModule: string;
  namespace errors {
    class BadResource extends Error {}
    class Interrupted extends Error {}
    class ConnectionReset extends Error {}
    class BrokenPipe extends Error {}
  }
}
