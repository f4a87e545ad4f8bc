// The argument vector of the command being executed: pointers into the connection's input buffer (or the
// inline-split scratch buffer), valid only during that command. Handlers read arguments here, never copy
// them unless they keep them.

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
