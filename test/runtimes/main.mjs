// The smoke on the ESM build, for any runtime that runs a module file: Node, Deno, Bun.
// Prints one line per step and `SMOKE PASS <runtime> (<backend>)`; exits 1 on failure.
import { lib } from './esm.mjs';
import { smoke } from './smoke.mjs';

const runtime = process.argv[2] ?? 'esm';
try {
  const { backend } = await smoke(lib, (s) => console.log(`  ok  ${s}`));
  console.log(`SMOKE PASS ${runtime} (${backend} backend)`);
} catch (e) {
  console.log(`SMOKE FAIL ${runtime}: ${e?.stack ?? e}`);
  process.exitCode = 1;
}
