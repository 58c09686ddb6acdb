#!/usr/bin/env node
/** The `shomei` executable: runs the CLI with the process arguments. */

import { printable } from './io.js';
import { main } from './run.js';

// A reader that stops early (`shomei inspect … | head`) closes the pipe: the remaining
// output has nowhere to go, which is not an error of ours. Drop it quietly instead of
// dying on an unhandled EPIPE with a stack trace; the exit code stays the command's own.
let stdoutClosed = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE' || stdoutClosed) {
    stdoutClosed = true;
    return;
  }
  process.stderr.write(`shomei: cannot write to standard output: ${e.code ?? e.message}\n`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`shomei: internal error: ${printable(e instanceof Error ? e.message : String(e))}\n`);
    process.exitCode = 1;
  },
);
