// The blocking commands: for each, how to read it into a BlockSpec (its errors replied in Redis's order)
// and how to try it right now on the shard that owns its keys (true when it replied: data, or an
// error such as WRONGTYPE; false when there is nothing yet). A family registers its commands here
// (commands/lists-blocking.ts); dispatch, the `\0btry` step and EXEC find them by their table entry.
import { Conn } from "../shard/conn";
import { Command } from "../commands/table";
import { BlockSpec } from "./block-spec";

export type SpecBuilder = (c: Conn) => BlockSpec | null;
export type TryNow = (c: Conn) => bool;
/** Whether this call may wait at all (XREAD only with BLOCK); the others run as ordinary commands. */
export type WantsToBlock = (c: Conn) => bool;

export class BlockingCommand {
  constructor(readonly cmd: Command, readonly build: SpecBuilder, readonly tryNow: TryNow,
              readonly wantsToBlock: WantsToBlock) {}
}

const entries = new Array<BlockingCommand>();

function always(c: Conn): bool { return true; }

export function defineBlocking(cmd: Command, build: SpecBuilder, tryNow: TryNow,
                               wantsToBlock: WantsToBlock = always): void {
  entries.push(new BlockingCommand(cmd, build, tryNow, wantsToBlock));
}

export function blockingEntryOf(cmd: Command): BlockingCommand | null {
  for (let i = 0; i < entries.length; i++) if (unchecked(entries[i]).cmd === cmd) return unchecked(entries[i]);
  return null;
}
