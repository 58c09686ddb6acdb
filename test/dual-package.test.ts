/**
 * The dual-package hazard: an application that loads shomei's ESM build (`import`) and its
 * CommonJS build (`require`) in one process has two copies of every class. Errors must
 * still be recognised across them (the `Symbol.for('shomei.error')` brand in
 * src/errors.ts). The package is built here, by tsup with the entries and formats of
 * tsup.config.ts, into a scratch folder (the real dist/ is checked the same way by the
 * runtime smoke, `npm run test:runtimes`), and exercised by a plain Node process.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'node_modules', '.cache', `shomei-dual-${process.pid}`);

beforeAll(async () => {
  const { build } = await import('tsup');
  mkdirSync(OUT, { recursive: true });
  // Both formats of the root entry and the errors subpath, split as the published build is.
  await build({
    config: false,
    entry: { index: join(ROOT, 'src/index.ts'), errors: join(ROOT, 'src/errors.ts') },
    format: ['esm', 'cjs'],
    splitting: true,
    treeshake: true,
    target: 'es2022',
    outDir: OUT,
    dts: false,
    silent: true,
  });
  writeFileSync(join(OUT, 'package.json'), '{"type":"module"}');
}, 120_000);

afterAll(() => rmSync(OUT, { recursive: true, force: true }));

/** Run `source` as an ES module in a fresh Node process, in OUT; returns its JSON output. */
function run(source: string): unknown {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', source], { cwd: OUT, encoding: 'utf8' });
  return JSON.parse(out);
}

describe('errors across the ESM and CommonJS builds in one process', () => {
  it('each build recognises the errors the other throws, by isShomeiError and instanceof ShomeiError', () => {
    const result = run(`
      import { createRequire } from 'node:module';
      import * as esm from './index.js';
      const cjs = createRequire(import.meta.url)('./index.cjs');
      const thrown = (lib) => { try { lib.decode(Uint8Array.of(0xa2, 0x01, 0x01, 0x01, 0x02)); } catch (e) { return e; } };
      const fromEsm = thrown(esm);
      const fromCjs = thrown(cjs);
      console.log(JSON.stringify({
        twoCopies: esm.ShomeiError !== cjs.ShomeiError,
        codes: [fromEsm.code, fromCjs.code],
        esmSeesCjs: esm.isShomeiError(fromCjs),
        cjsSeesEsm: cjs.isShomeiError(fromEsm),
        withCode: [esm.isShomeiError(fromCjs, 'ERR_CBOR_DUPLICATE_KEY'), cjs.isShomeiError(fromEsm, 'ERR_CBOR_LIMIT')],
        instanceofAcross: [fromCjs instanceof esm.ShomeiError, fromEsm instanceof cjs.ShomeiError],
        notErrors: [esm.isShomeiError(new Error('x')), cjs.isShomeiError({ code: 'ERR_CBOR_MALFORMED' }), esm.isShomeiError(null), new TypeError('t') instanceof cjs.ShomeiError],
      }));
    `);
    expect(result).toEqual({
      twoCopies: true,
      codes: ['ERR_CBOR_DUPLICATE_KEY', 'ERR_CBOR_DUPLICATE_KEY'],
      esmSeesCjs: true,
      cjsSeesEsm: true,
      withCode: [true, false],
      instanceofAcross: [true, true],
      notErrors: [false, false, false, false],
    });
  });

  it('instanceof a subclass stays the per-build check, and works within each build', () => {
    const result = run(`
      import { createRequire } from 'node:module';
      import * as esm from './errors.js';
      const cjs = createRequire(import.meta.url)('./errors.cjs');
      const e = new esm.CborError('ERR_CBOR_MALFORMED', 'm');
      const c = new cjs.CborError('ERR_CBOR_MALFORMED', 'm');
      console.log(JSON.stringify({
        within: [e instanceof esm.CborError, e instanceof esm.ShomeiError, e instanceof Error, c instanceof cjs.CborError, c instanceof cjs.ShomeiError],
        otherSubclass: [e instanceof esm.CoseError, c instanceof cjs.X509Error],
        subclassAcross: e instanceof cjs.CborError,
        name: [e.name, c.name],
      }));
    `);
    expect(result).toEqual({
      within: [true, true, true, true, true],
      otherSubclass: [false, false],
      subclassAcross: false,
      name: ['CborError', 'CborError'],
    });
  });
});
