/**
 * message-names — the one place the demo decodes the engine's cross-shard messages for people: type
 * numbers to names and sentences, the 20-byte header, and a short summary of the body (the command of a
 * REQ, the first line of a REP's reply).
 *
 * The format is the engine's (assembly/shard/messages.ts): [type u8][flags u8][pad u16][op u32]
 * [part u32][conn u32][holder u32], then the body; a REQ's body is argv: [argc u32] ([len u32][bytes])*.
 * When the engine gains a message type, add it to MESSAGE_TYPES here and nowhere else.
 */

export interface MessageType {
  readonly name: string;
  /** One sentence for the legend and the arrow's tooltip. */
  readonly meaning: string;
  /** Part of the blocking protocol (the arbiter), drawn in its own colour. */
  readonly blocking?: boolean;
}

export const MESSAGE_TYPES: Readonly<Record<number, MessageType>> = {
  1: { name: 'REQ', meaning: 'run this command here (the key lives here)' },
  2: { name: 'REP', meaning: 'the reply to a REQ, back to the client\'s shard' },
  3: { name: 'LOCK', meaning: 'take this shard\'s lock for a multi-shard step' },
  4: { name: 'LOCKED', meaning: 'the lock is yours' },
  5: { name: 'UNLOCK', meaning: 'release the lock' },
  6: { name: 'DIRTY', meaning: 'a key your client WATCHes was modified' },
  7: { name: 'UNWATCH', meaning: 'forget the keys this client watches here' },
  8: { name: 'ARM', meaning: 'a client blocks on a key here: queue it as a waiter', blocking: true },
  9: { name: 'READY', meaning: 'the key has data: the waiter at the head may take it', blocking: true },
  10: { name: 'SERVE', meaning: 'the client still waits: pop for it', blocking: true },
  11: { name: 'SERVED', meaning: 'here is the element for your client', blocking: true },
  12: { name: 'DELIVERED', meaning: 'the client got it: the serve is complete', blocking: true },
  13: { name: 'RESTORE', meaning: 'the client is gone: put the element back', blocking: true },
  14: { name: 'DISARM', meaning: 'the client no longer waits here: remove it from the queue', blocking: true },
};

export const MESSAGE_HEADER = 20;
const T_REQ = 1;
/** REQ flag: several commands in one message (assembly/shard/messages.ts MF_BATCH). */
const MF_BATCH = 8;
/** The first bytes a RESP2/RESP3 reply can start with. */
const RESP_TYPES = [...'+-:$*_,#!=(%~|>'].map((c) => c.charCodeAt(0));
const T_REP = 2;

/** What the message view shows of one message (structured-clone friendly: it travels from a worker). */
export interface MessageInfo {
  type: number;
  name: string;
  flags: number;
  op: number;
  part: number;
  conn: number;
  holder: number;
  /** Whole message size in bytes. */
  bytes: number;
  /** A REQ's command, the first arguments (each cut to a readable length). */
  args?: string[];
  /** Arguments in the REQ in all. */
  argc?: number;
  /** A REP's reply, its first line. */
  reply?: string;
}

export function typeName(type: number): string {
  return MESSAGE_TYPES[type]?.name ?? `type ${type}`;
}

const MAX_ARGS = 4;
const MAX_ARG_CHARS = 24;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Bytes as text a person can read: UTF-8, control characters escaped, cut to `max` characters. */
export function printable(bytes: Uint8Array, max = MAX_ARG_CHARS): string {
  let text = utf8.decode(bytes.length > max * 4 ? bytes.subarray(0, max * 4) : bytes);
  text = text.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The argv of a REQ body, the first `MAX_ARGS` of them; undefined if the body is not argv. */
function readArgv(m: Uint8Array, view: DataView): { args: string[]; argc: number } | undefined {
  if (m.length < MESSAGE_HEADER + 4) return undefined;
  const argc = view.getUint32(MESSAGE_HEADER, true);
  const args: string[] = [];
  let p = MESSAGE_HEADER + 4;
  for (let i = 0; i < argc && i < MAX_ARGS; i++) {
    if (p + 4 > m.length) return undefined;
    const len = view.getUint32(p, true);
    if (p + 4 + len > m.length) return undefined;
    const bytes = m.subarray(p + 4, p + 4 + len);
    // Shard-to-shard commands start with a NUL byte (`\0take`); show them as `·take`.
    args.push(i === 0 && bytes[0] === 0 ? `·${printable(bytes.subarray(1))}` : printable(bytes));
    p += 4 + len;
  }
  return { args, argc };
}

/** The first line of a RESP reply, as it reads (`+OK` → OK, `$3 foo` → "foo", `*2` → [2 items]). */
function replyLine(body: Uint8Array): string {
  if (body.length === 0) return '';
  const first = body[0];
  // A batch's replies start with a length, not a RESP type byte.
  if (!RESP_TYPES.includes(first)) return 'replies';
  let end = body.indexOf(13);
  if (end < 0) end = body.length;
  const head = printable(body.subarray(1, end), 40);
  switch (first) {
    case 0x2b: return head; // +
    case 0x2d: return `(error) ${head}`; // -
    case 0x3a: return `(integer) ${head}`; // :
    case 0x5f: return '(nil)';
    case 0x24: { // $
      if (head === '-1') return '(nil)';
      const len = Number(head);
      return `"${printable(body.subarray(end + 2, end + 2 + Math.min(len, 64)), 24)}"`;
    }
    case 0x2a: return head === '-1' ? '(nil)' : `[${head} items]`; // *
    case 0x25: return `{${head} pairs}`; // %
    case 0x7e: return `set of ${head}`; // ~
    default: return printable(body.subarray(0, end), 40);
  }
}

export function describeMessage(m: Uint8Array): MessageInfo {
  const view = new DataView(m.buffer, m.byteOffset, m.byteLength);
  const type = m.length > 0 ? m[0] : 0;
  const info: MessageInfo = {
    type,
    name: typeName(type),
    flags: m.length > 1 ? m[1] : 0,
    op: m.length >= 8 ? view.getUint32(4, true) : 0,
    part: m.length >= 12 ? view.getUint32(8, true) : 0,
    conn: m.length >= 16 ? view.getUint32(12, true) : 0,
    holder: m.length >= 20 ? view.getUint32(16, true) : 0,
    bytes: m.length,
  };
  if (type === T_REQ && (info.flags & MF_BATCH) !== 0) {
    // A batch (assembly/shard/forward-batch.ts): [count u32], then per command [index u32][argc u32] argv.
    const count = m.length >= MESSAGE_HEADER + 4 ? view.getUint32(MESSAGE_HEADER, true) : 0;
    info.args = [`batch of ${count}`];
    info.argc = 1;
  } else if (type === T_REQ) {
    const argv = readArgv(m, view);
    if (argv !== undefined) {
      info.args = argv.args;
      info.argc = argv.argc;
    }
  } else if (type === T_REP) {
    info.reply = replyLine(m.subarray(MESSAGE_HEADER));
  }
  return info;
}

/** The arrow's label: `REQ GET k`, `REP "v"`, `LOCK`. */
export function messageLabel(info: MessageInfo): string {
  if (info.args !== undefined && info.args.length > 0) {
    const more = (info.argc ?? 0) > info.args.length ? ' …' : '';
    return `${info.name} ${info.args.join(' ')}${more}`;
  }
  if (info.reply !== undefined) return `${info.name} ${info.reply}`;
  return info.name;
}
