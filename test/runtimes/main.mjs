// The smoke on the ESM build, for any runtime that runs a module file: Node, Deno, Bun.
// Prints one line per step and `SMOKE PASS <runtime> (<backend>)`; exits 1 on failure. Also
// prints the file this runtime resolves the package's `#key-derive` import to (this file is
// inside the package, so the package.json "imports" apply): Node gets the node:crypto
// derivation, Deno and Bun the @noble one (scripts/runtimes/run.mjs checks which).
import { lib } from './esm.mjs';
import { smoke } from './smoke.mjs';

const runtime = process.argv[2] ?? 'esm';
try {
  const { backend } = await smoke(lib, (s) => console.log(`  ok  ${s}`));
  console.log(`#key-derive → ${import.meta.resolve('#key-derive').split('/').pop()}`);
  console.log(`SMOKE PASS ${runtime} (${backend} backend)`);
} catch (e) {
  console.log(`SMOKE FAIL ${runtime}: ${e?.stack ?? e}`);
  process.exitCode = 1;
}
