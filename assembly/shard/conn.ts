// One client connection as the shard sees it: its input buffer and the parser's place in it, its
// protocol version, name and the figures CLIENT LIST shows. Connections live in `conns` by the id the
// host gave them; the host owns the socket, the shard owns everything else about the client.
import { ByteBuf } from "../util/mem";
import { ReplySlot } from "./replies";

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

  /** Replies not yet written, in command order (shard/replies.ts); the live ones start at slotHead. */
  slots: Array<ReplySlot> = new Array<ReplySlot>();
  slotHead: i32 = 0;
  /** Outstanding barrier slots: while > 0 the connection's next command waits. */
  barriers: i32 = 0;
  /** Parsing is paused (barrier or shard lock) and resumes from `input` when it lifts. */
  stalled: bool = false;
  /** Inside connFeed/resume for this connection (guards against resuming it re-entrantly). */
  running: bool = false;

  resp3: bool = false;
  /** Who this client is in the mesh: its origin shard and connection id there (a forwarded command
   *  runs for a remote client; a local connection is its own origin). */
  originShard: u32 = 0;
  originConn: u32 = 0;
  /** A key this connection WATCHes was modified: EXEC will abort. */
  watchDirty: bool = false;
  /** Increases at every UNWATCH so a late DIRTY for an older WATCH is ignored. */
  watchEpoch: u32 = 1;
  /** Other shards where this connection has watched keys (each gets UNWATCH). */
  watchShards: Array<u32> = new Array<u32>();
  /** Inside MULTI: commands are queued (their argv, encoded), not run. */
  inMulti: bool = false;
  /** A command failed to queue (unknown, wrong arity): EXEC answers EXECABORT. */
  multiAborted: bool = false;
  queued: Array<ByteBuf> = new Array<ByteBuf>();
  /** Pub/sub subscriptions (commands/pubsub.ts keeps the shard-wide index). */
  channels: Array<ByteBuf> = new Array<ByteBuf>();
  patterns: Array<ByteBuf> = new Array<ByteBuf>();
  /** Set by QUIT, protocol errors and CLIENT KILL: no more commands are read; the host closes it. */
  closing: bool = false;
  /** False once the connection is gone (ops still holding it drop their replies). */
  open: bool = true;
  /** Closing, but replies owed by other shards must go out first (shard/replies.ts closes it then). */
  closeWhenFlushed: bool = false;
  name: ByteBuf = new ByteBuf();
  libName: ByteBuf = new ByteBuf();
  libVersion: ByteBuf = new ByteBuf();
  addr: ByteBuf = new ByteBuf();
  laddr: ByteBuf = new ByteBuf();
  createdMs: i64 = 0;
  lastInteractionMs: i64 = 0;
  /** Full name of the last command run (`client|list`), for CLIENT LIST's cmd=. */
  lastCommand: string = "NULL";
  /** CLIENT NO-EVICT ON: shown as flag `e` by CLIENT LIST (this server never evicts clients anyway). */
  noEvict: bool = false;
  /** The socket's file descriptor when the host tells it, else -1 (CLIENT LIST's fd=). */
  fd: i32 = -1;
  /** Connections ever opened in this shard (INFO's total_connections_received); counted on creation. */
  static opened: u64 = 0;
  readonly openedNth: u64 = ++Conn.opened;

  constructor(id: u32, nowMs: i64) {
    this.id = id;
    this.originConn = id;
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
