// Fills the command table: every command family registers its commands here, once, at init.
import { registerConnectionCommands } from "./connection";
import { registerStringCommands } from "./strings";
import { registerKeyCommands } from "./keys";
import { registerServerCommands } from "./server";

export function registerAllCommands(): void {
  registerConnectionCommands();
  registerStringCommands();
  registerKeyCommands();
  registerServerCommands();
}
