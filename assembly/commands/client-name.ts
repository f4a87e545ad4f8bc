// A connection's name (CLIENT SETNAME, HELLO SETNAME): Redis accepts only printable ASCII without spaces.
import { Conn } from "../shard/conn";

export function validClientName(ptr: usize, len: u32): bool {
  for (let i: u32 = 0; i < len; i++) {
    const b = load<u8>(ptr + i);
    if (b < 0x21 || b > 0x7e) return false;
  }
  return true;
}

export function setClientName(c: Conn, ptr: usize, len: u32): void {
  c.name.len = 0;
  c.name.append(ptr, len);
}
