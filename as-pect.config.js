// as-pect (AssemblyScript unit tests) configuration: one Wasm module per spec file under
// tests/assembly/, compiled with as-pect.asconfig.json (which extends the project's asconfig.json).
export default {
  entries: ["tests/assembly/**/*.spec.ts"],
  include: ["tests/assembly/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
