// The argument vector of the command being executed: pointers into the connection's input buffer (or the
// inline-split scratch buffer), valid only during that command. Handlers read arguments here, never copy
// them unless they keep them (argvSave / argvLoad).
import { ByteBuf } from "../util/mem";

export let argc: i32 = 0;
let ptrs = new StaticArray<usize>(64);
let lens = new StaticArray<u32>(64);

export function argsReset(): void { argc = 0; }

export function argsPush(ptr: usize, len: u32): void {
  if (argc == ptrs.length) {
    const next = argc << 1;
    const p = new StaticArray<usize>(next);
    const l = new StaticArray<u32>(next);
    for (let i = 0; i < argc; i++) { unchecked(p[i] = ptrs[i]); unchecked(l[i] = lens[i]); }
    ptrs = p; lens = l;
  }
  unchecked(ptrs[argc] = ptr);
  unchecked(lens[argc] = len);
  argc++;
}

// @ts-ignore: decorator
@inline export function argPtr(i: i32): usize { return unchecked(ptrs[i]); }
// @ts-ignore: decorator
@inline export function argLen(i: i32): u32 { return unchecked(lens[i]); }

/** Moves every argument pointer by `delta` bytes (the buffer they point into was moved). */
export function argsRebase(from: usize, to: usize): void {
  for (let i = 0; i < argc; i++) unchecked(ptrs[i] = ptrs[i] - from + to);
}

/** The argument vector as owned bytes `[len u32][bytes]…`, to run the command again later. */
export function argvSave(out: ByteBuf): void {
  out.len = 0;
  for (let i = 0; i < argc; i++) {
    const len = unchecked(lens[i]);
    out.reserve(4 + len);
    store<u32>(out.ptr + out.len, len);
    memory.copy(out.ptr + out.len + 4, unchecked(ptrs[i]), len);
    out.len += 4 + len;
  }
}

/** Makes saved bytes (argvSave) the current argument vector; they must outlive the command. */
export function argvLoad(saved: ByteBuf): void {
  argsReset();
  let at: u32 = 0;
  while (at < saved.len) {
    const len = load<u32>(saved.ptr + at);
    argsPush(saved.ptr + at + 4, len);
    at += 4 + len;
  }
}
