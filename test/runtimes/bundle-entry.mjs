// The entry of the one-file bundle (scripts/runtimes/bundle.mjs) that runs in QuickJS and
// that hermesc compiles: the smoke over the ESM build, reporting through `globalThis`
// and the host's `console.log`, the only host function the script needs besides
// `crypto.getRandomValues`.
import { lib } from './esm.mjs';
import { smoke } from './smoke.mjs';

globalThis.__shomeiSmoke = { done: false, error: undefined, backend: undefined };
smoke(lib, (s) => console.log(`  ok  ${s}`)).then(
  (r) => {
    globalThis.__shomeiSmoke = { done: true, error: undefined, backend: r.backend };
  },
  (e) => {
    globalThis.__shomeiSmoke = { done: true, error: String(e?.stack ?? e), backend: undefined };
  },
);
