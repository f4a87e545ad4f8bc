// Server commands: the introspection and administration families, registered here with Redis 7.0's
// arity, flags and ACL categories — CLIENT (client.ts), INFO (info.ts), CONFIG (config.ts), COMMAND
// (command-info.ts), CLUSTER (cluster.ts) — plus the two small ones that live in this file: TIME (the
// shard's clock, which the host sets on every call) and LASTSAVE (this server never saves, so like a
// Redis with `save ""` it answers the time it started).
import { Conn } from "../shard/conn";
import { nowMs } from "../shard/clock";
import { defineCommand, F_LOADING, F_STALE, F_FAST } from "./table";
import { replyArrayLen, replyBulkI64, replyInt } from "../resp/writer";
import { startMs } from "../store/keyspace";
import { registerClientCommands } from "./client";
import { registerInfoCommand } from "./info";
import { infoStart } from "./info-sections";
import { registerConfigCommands } from "./config";
import { registerCommandCommand } from "./command-info";
import { registerClusterCommand } from "./cluster";
import { statsStart } from "./server-stats";

/** TIME: seconds and microseconds (the clock has millisecond resolution). */
function time(c: Conn): void {
  replyArrayLen(2);
  replyBulkI64(nowMs / 1000);
  replyBulkI64((nowMs % 1000) * 1000);
}

function lastsave(c: Conn): void {
  replyInt(startMs / 1000);
}

export function registerServerCommands(): void {
  defineCommand("time", 1, F_LOADING | F_STALE | F_FAST, 0, 0, 0, "fast", time);
  defineCommand("lastsave", 1, F_LOADING | F_STALE | F_FAST, 0, 0, 0, "admin fast dangerous", lastsave);
  registerClientCommands();
  registerInfoCommand();
  registerConfigCommands();
  registerCommandCommand();
  registerClusterCommand();
  infoStart();
  statsStart();
}
