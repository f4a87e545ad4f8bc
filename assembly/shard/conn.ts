// One client connection as the shard sees it: its input buffer and the parser's place in it, its
// protocol version, name and the figures CLIENT LIST shows. Connections live in `conns` by the id the
// host gave them; the host owns the socket, the shard owns everything else about the client.
import { ByteBuf } from "../util/mem";

export class Conn {
  readonly id: u32;
  /** Bytes read from the socket and not yet consumed by a complete frame. */
  readonly input: ByteBuf = new ByteBuf();
  /** Parser state of the frame in progress (resp/parser.ts). */
  pos: u32 = 0;
  frameStart: u32 = 0;
  multibulkLeft: i32 = -1;
  bulkLen: i32 = -1;
  partOffsets: Array<u32> = new Array<u32>();
  partLengths: Array<u32> = new Array<u32>();

  resp3: bool = false;
  /** Set by QUIT, protocol errors and CLIENT KILL: no more commands are read; the host closes it. */
  closing: bool = false;
  name: ByteBuf = new ByteBuf();
  libName: ByteBuf = new ByteBuf();
  libVersion: ByteBuf = new ByteBuf();
  addr: ByteBuf = new ByteBuf();
  laddr: ByteBuf = new ByteBuf();
  createdMs: i64 = 0;
  lastInteractionMs: i64 = 0;
  /** Full name of the last command run (`client|list`), for CLIENT LIST's cmd=. */
  lastCommand: string = "NULL";

  constructor(id: u32, nowMs: i64) {
    this.id = id;
    this.createdMs = nowMs;
    this.lastInteractionMs = nowMs;
  }

  release(): void {
    this.input.release();
    this.name.release();
    this.libName.release();
    this.libVersion.release();
    this.addr.release();
    this.laddr.release();
  }
}

export const conns = new Map<u32, Conn>();
