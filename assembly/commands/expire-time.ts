// The "invalid expire time in '<command>' command" error, shared by SET, GETEX, SETEX and the EXPIRE family.
import { Lit, ByteBuf } from "../util/mem";
import { replyError } from "../resp/writer";

const text = new ByteBuf();

export function replyExpireTimeError(command: Lit): void {
  text.len = 0;
  text.append(PREFIX.ptr, PREFIX.len);
  text.append(command.ptr, command.len);
  text.append(SUFFIX.ptr, SUFFIX.len);
  replyError(text.ptr, text.len);
}

const PREFIX = new Lit("ERR invalid expire time in '");
const SUFFIX = new Lit("' command");
