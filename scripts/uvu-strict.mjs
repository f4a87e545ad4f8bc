#!/usr/bin/env node
/**
 * uvu-strict — runs the uvu CLI and fails the run when not every test it counted has passed.
 *
 * Why: uvu 0.5.6 runs a suite's `before` hooks inside a try whose `finally` returns, so an error thrown
 * by a `before` hook (or by an `after.each` hook) is swallowed: the suite prints "(0 / N)" and no error,
 * and uvu exits 0 with a "Passed" count below its "Total". A test that cannot start its servers would
 * then pass by running nothing. Test files guard their own hooks (they keep the setup error and rethrow
 * it in `before.each`); this is the net under all of them, present and future.
 *
 * Contract: `node scripts/uvu-strict.mjs <uvu arguments…>`. uvu's output passes through unchanged. The
 * exit status is uvu's when it failed; otherwise it is 1 unless the summary says Total > 0 and
 * Passed = Total (tests skipped with `.skip`/`.only` are not in Total, so they do not trip it).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// uvu's package exports do not list its CLI; it sits beside dist/ (the main entry is dist/index.js).
const uvuBin = join(dirname(createRequire(import.meta.url).resolve('uvu')), '..', 'bin.js');
const child = spawn(process.execPath, [uvuBin, ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'inherit'] });

let output = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  output += chunk.toString('utf8');
});

child.on('close', (code, signal) => {
  if (code !== 0) {
    process.exitCode = code ?? 1;
    if (signal) console.error(`uvu-strict: uvu was killed by ${signal}`);
    return;
  }
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const total = /^\s*Total:\s+(\d+)\s*$/m.exec(plain);
  const passed = /^\s*Passed:\s+(\d+)\s*$/m.exec(plain);
  if (!total || !passed) {
    console.error('uvu-strict: uvu exited 0 without its Total/Passed summary; failing the run');
    process.exitCode = 1;
  } else if (Number(total[1]) === 0) {
    console.error('uvu-strict: uvu ran no tests; failing the run');
    process.exitCode = 1;
  } else if (Number(passed[1]) !== Number(total[1])) {
    console.error(`uvu-strict: ${passed[1]} of ${total[1]} tests passed yet uvu exited 0 — a suite's before ` +
      'hook (or after.each hook) threw and uvu swallowed the error; see the suite that reports (0 / N) above');
    process.exitCode = 1;
  } else {
    // The plain closing line CI reads: N passed, N failed.
    console.log(`${passed[1]} passed, 0 failed`);
  }
});
