/**
 * blocking-commands — which commands may block their client, and for how long, read from the argv the
 * client sends: what a console needs to show "blocked" with a countdown before any reply. The engine
 * decides; this only predicts what the client asked for (Redis 7.0's argument positions).
 *
 * Timeouts: BLPOP/BRPOP/BZPOPMIN/BZPOPMAX/BLMOVE/BRPOPLPUSH take seconds as the last argument,
 * BLMPOP/BZMPOP as the first; XREAD/XREADGROUP take `BLOCK ms`. 0 means forever. Inside MULTI nothing
 * blocks (the console does not ask).
 */

export interface BlockingCall {
  /** The timeout in ms; 0 = forever. */
  timeoutMs: number;
}

const TIMEOUT_LAST = new Set(['blpop', 'brpop', 'bzpopmin', 'bzpopmax', 'blmove', 'brpoplpush']);
const TIMEOUT_FIRST = new Set(['blmpop', 'bzmpop']);

function seconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*[0-9.eE+]+\s*$/.test(text)) return undefined;
  const s = Number(text);
  return Number.isFinite(s) && s >= 0 ? Math.round(s * 1000) : undefined;
}

/** The blocking this command asks for, or undefined if it cannot block. */
export function blockingCall(args: readonly string[]): BlockingCall | undefined {
  if (args.length < 2) return undefined;
  const name = args[0].toLowerCase();
  let ms: number | undefined;
  if (TIMEOUT_LAST.has(name)) ms = seconds(args[args.length - 1]);
  else if (TIMEOUT_FIRST.has(name)) ms = seconds(args[1]);
  else if (name === 'xread' || name === 'xreadgroup') {
    const at = args.findIndex((a, i) => i > 0 && a.toLowerCase() === 'block');
    if (at > 0 && /^\d+$/.test(args[at + 1] ?? '')) ms = Number(args[at + 1]);
  }
  return ms === undefined ? undefined : { timeoutMs: ms };
}
