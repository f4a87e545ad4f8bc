#!/usr/bin/env node
// kevy-ts command line: a shim over the compiled CLI (dist/host/node/cli.js; build with `npm run build`).
import { main } from '../dist/host/node/cli.js';

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exit(1);
});
