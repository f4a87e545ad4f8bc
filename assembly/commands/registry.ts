// Fills the command table: every command family registers its commands here, once, at init.
import { registerConnectionCommands } from "./connection";
import { registerStringCommands } from "./strings";
import { registerListCommands } from "./lists";
import { registerKeyCommands } from "./keys";
import { registerServerCommands } from "./server";
import { registerMultiCommands } from "./multi";
import { registerCrossShard } from "./cross-shard";
import { registerPubsubCommands } from "./pubsub";
import { registerMeshViews } from "./mesh-views";
import { registerStreamCommands } from "./streams";

export function registerAllCommands(): void {
  registerConnectionCommands();
  registerStringCommands();
  registerListCommands();
  registerStreamCommands();
  registerKeyCommands();
  registerServerCommands();
  registerMultiCommands();
  registerPubsubCommands();
  registerCrossShard();
  registerMeshViews();
}
