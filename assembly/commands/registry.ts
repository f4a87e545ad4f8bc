// Fills the command table: every command family registers its commands here, once, at init.
import { registerConnectionCommands } from "./connection";
import { registerStringCommands } from "./strings";
import { registerListCommands } from "./lists";
import { registerSetCommands } from "./sets";
import { registerHashCommands } from "./hashes";
import { registerKeyCommands } from "./keys";
import { registerServerCommands } from "./server";
import { registerMultiCommands } from "./multi";
import { registerCrossShard } from "./cross-shard";
import { registerPubsubCommands } from "./pubsub";
import { registerMeshViews } from "./mesh-views";
import { registerZsetCommands } from "./zsets";
import { registerStreamCommands } from "./streams";

export function registerAllCommands(): void {
  registerConnectionCommands();
  registerStringCommands();
  registerListCommands();
  registerSetCommands();
  registerHashCommands();
  registerZsetCommands();
  registerStreamCommands();
  registerKeyCommands();
  registerServerCommands();
  registerMultiCommands();
  registerPubsubCommands();
  registerCrossShard();
  registerMeshViews();
}
