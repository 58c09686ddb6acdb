// The smoke on the CommonJS build (require), then the dual-package check on the real
// dist/: the ESM build loaded into the same process recognises the CommonJS build's
// errors and the other way round (the Symbol.for brand of src/errors.ts). The runtime's
// name for the PASS lines is the first argument (default `node-cjs`).
const runtime = process.argv[2] ?? 'node-cjs';
const lib = {
  cbor: require('../../dist/cbor/index.cjs'),
  crypto: require('../../dist/crypto/index.cjs'),
  errors: require('../../dist/errors.cjs'),
  jpki: require('../../dist/jpki/index.cjs'),
  mdoc: require('../../dist/mdoc/index.cjs'),
  session: require('../../dist/session/index.cjs'),
  x509: require('../../dist/x509/index.cjs'),
};

function thrown(f) {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

async function main() {
  const { smoke } = await import('./smoke.mjs');
  const { backend } = await smoke(lib, (s) => console.log(`  ok  ${s}`));
  console.log(`SMOKE PASS ${runtime} (${backend} backend)`);

  const esm = await import('../../dist/index.js');
  const cjs = require('../../dist/index.cjs');
  const dup = Uint8Array.of(0xa2, 0x01, 0x01, 0x01, 0x02);
  const fromEsm = thrown(() => esm.decode(dup));
  const fromCjs = thrown(() => cjs.decode(dup));
  const results = {
    'two copies of ShomeiError': esm.ShomeiError !== cjs.ShomeiError,
    'ESM isShomeiError(CJS error)': esm.isShomeiError(fromCjs, 'ERR_CBOR_DUPLICATE_KEY'),
    'CJS isShomeiError(ESM error)': cjs.isShomeiError(fromEsm, 'ERR_CBOR_DUPLICATE_KEY'),
    'CJS error instanceof ESM ShomeiError': fromCjs instanceof esm.ShomeiError,
    'ESM error instanceof CJS ShomeiError': fromEsm instanceof cjs.ShomeiError,
    'a plain Error is not one': !esm.isShomeiError(new Error('x')) && !cjs.isShomeiError(new Error('x')),
  };
  const failed = Object.entries(results).filter(([, ok]) => !ok);
  if (failed.length > 0) throw new Error(`dual package: ${failed.map(([k]) => k).join(', ')} failed`);
  for (const k of Object.keys(results)) console.log(`  ok  ${k}`);
  console.log(`SMOKE PASS ${runtime} dual (ESM and CommonJS builds in one process)`);
}

main().catch((e) => {
  console.log(`SMOKE FAIL ${runtime}: ${e?.stack ?? e}`);
  process.exitCode = 1;
});
