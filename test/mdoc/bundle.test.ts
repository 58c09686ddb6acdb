/**
 * The verify-only browser bundle stays lean (issue 11): `import { verifyDeviceResponse } from
 * 'shomei/mdoc'` bundled with code splitting must not load, before any `import()`, the code an
 * ES256 verification with WebCrypto never runs: the doctype profiles and their checker, the
 * noble backend (AES-GCM, HKDF), the CRL code, the name constraints check (Annex B forbids
 * nameConstraints in an IACA). Asserted on module names from the
 * bundlers' output, never on sizes or times (bench/bundle.mjs measures those).
 *
 * Vite (Rollup) leaves a module out of the entry's chunks when only an `import()` needs it;
 * esbuild also loads, from the entry, a module reachable through a re-export of `shomei/mdoc`
 * (the doctype profiles, `crl.ts`), so for esbuild only what no re-export reaches is asserted.
 * No @noble package at all is loaded by an ES256 verification with WebCrypto: the MSO's device
 * key is read by `decodeCosePublicKey` (no private-key arithmetic) and digests go to WebCrypto.
 * Both bundle src/ as the package's `browser` condition resolves it (scripts/platform-imports.mjs):
 * no node:crypto backend.
 *
 * And on Node: `import('shomei/mdoc')` loads, statically, no @noble package and no fflate, and
 * `shomei`, `shomei/crypto`, `shomei/cose`, `shomei/session`, `shomei/online` and `shomei/jpki`
 * no @noble package (the static import graphs with the package's `#` imports resolved as Node
 * resolves them; `deflateZlib` requires fflate on its first call there, `nobleBackend` imports
 * noble on its first operation, private keys are derived by node:crypto).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build helper, no types
import { browserPlatformImports, nodePlatformImports, viteBrowserPlatformImports } from '../../scripts/platform-imports.mjs';

const root = resolve(__dirname, '..', '..');
const ENTRY = "import { verifyDeviceResponse } from './src/mdoc/index.ts';\n(globalThis as { verify?: unknown }).verify = verifyDeviceResponse;\n";

/** Module paths (relative to the repository, node_modules folded to the package path) of the entry's chunks and of the rest. */
interface Split {
  readonly initial: readonly string[];
  readonly lazy: readonly string[];
}

const name = (path: string): string => {
  const rel = relative(root, resolve(root, path)).replaceAll('\\', '/');
  const m = /node_modules\/(.*)$/.exec(rel);
  return m ? m[1]! : rel;
};

async function viteSplit(): Promise<Split> {
  const entry = join(root, `.bundle-test-${process.pid}.ts`);
  writeFileSync(entry, ENTRY);
  let out: Awaited<ReturnType<typeof viteBuild>>;
  try {
    out = await viteBuild({
      root,
      configFile: false,
      logLevel: 'silent',
      plugins: [viteBrowserPlatformImports()],
      build: { write: false, minify: false, target: 'es2022', modulePreload: false, rollupOptions: { input: entry, preserveEntrySignatures: 'allow-extension' } },
    });
  } finally {
    rmSync(entry);
  }
  const output = (Array.isArray(out) ? out[0] : out) as { output: { type: string; fileName: string; isEntry?: boolean; imports?: string[]; modules?: Record<string, { renderedLength: number }> }[] };
  const chunks = output.output.filter((o) => o.type === 'chunk');
  const initial = new Set<string>();
  const walk = (fileName: string): void => {
    if (initial.has(fileName)) return;
    initial.add(fileName);
    for (const i of chunks.find((c) => c.fileName === fileName)?.imports ?? []) walk(i);
  };
  walk(chunks.find((c) => c.isEntry)!.fileName);
  const modules = (keep: (fileName: string) => boolean) =>
    chunks.filter((c) => keep(c.fileName)).flatMap((c) => Object.entries(c.modules ?? {}).filter(([, m]) => m.renderedLength > 0).map(([id]) => name(id)));
  return { initial: modules((f) => initial.has(f)), lazy: modules((f) => !initial.has(f)) };
}

async function esbuildSplit(): Promise<Split> {
  const result = await esbuild({
    stdin: { contents: ENTRY, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    outdir: join(root, 'out-not-written'),
    write: false,
    metafile: true,
    absWorkingDir: root,
    nodePaths: [join(root, 'node_modules')],
    logLevel: 'error',
    plugins: [browserPlatformImports()],
  });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((k) => outputs[k]!.entryPoint === 'entry.ts')!;
  const initial = new Set<string>();
  const walk = (path: string): void => {
    if (initial.has(path)) return;
    initial.add(path);
    for (const i of outputs[path]!.imports) if (i.kind === 'import-statement') walk(i.path);
  };
  walk(entry);
  const modules = (keep: (path: string) => boolean) =>
    Object.entries(outputs)
      .filter(([path]) => keep(path))
      .flatMap(([, o]) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([p]) => name(p)));
  return { initial: modules((p) => initial.has(p)), lazy: modules((p) => !initial.has(p)) };
}

const matching = (modules: readonly string[], pattern: RegExp) => modules.filter((m) => pattern.test(m));

describe('ES256 verify-only bundle', { timeout: 120_000 }, () => {
  it('Vite (Rollup): no doctype profile, noble backend, AES, HKDF or CRL module, nor the checks of options or rare forms not met (request, constrained anchors, x5chain in both buckets, re-encoded DeviceNameSpaces), before an import()', async () => {
    const { initial, lazy } = await viteSplit();
    expect(initial).toContain('src/mdoc/verify.ts');
    expect(initial).toContain('src/crypto/webcrypto.ts');
    for (const pattern of [/^src\/mdoc\/doctypes\//, /^src\/mdoc\/status\/check\.ts$/, /^src\/crypto\/noble\.ts$/, /^src\/crypto\/node\.ts$/, /^@noble\/(ciphers|curves|hashes)\//, /^fflate\//, /^src\/x509\/(crl|revocation|name-constraints|anchor-use)\.ts$/, /^src\/mdoc\/(request-checks|device-auth-reencoded|x5chain-buckets|device-mac)\.ts$/]) {
      expect(matching(initial, pattern), String(pattern)).toEqual([]);
    }
    // …and they are there, behind an import(), for the calls that need them.
    for (const m of ['src/crypto/noble.ts', 'src/x509/crl.ts', 'src/x509/revocation.ts', 'src/x509/name-constraints.ts', 'src/x509/anchor-use.ts', 'src/mdoc/request-checks.ts', 'src/mdoc/device-auth-reencoded.ts', 'src/mdoc/x5chain-buckets.ts']) {
      expect(lazy).toContain(m);
    }
    // The doctype profiles come only with a registry the caller imports: not in this bundle at all.
    expect(matching([...initial, ...lazy], /^src\/mdoc\/doctypes\//)).toEqual([]);
  });

  it('esbuild: no doctype profile, noble backend, AES, HKDF or CRL-processing module before an import()', async () => {
    const { initial, lazy } = await esbuildSplit();
    expect(initial).toContain('src/mdoc/verify.ts');
    for (const pattern of [/^src\/mdoc\/doctypes\//, /^src\/crypto\/noble\.ts$/, /^src\/crypto\/node\.ts$/, /^@noble\/(ciphers|curves|hashes)\//, /^fflate\//, /^src\/x509\/(revocation|name-constraints|anchor-use)\.ts$/, /^src\/mdoc\/(request-checks|device-auth-reencoded|x5chain-buckets)\.ts$/]) {
      expect(matching(initial, pattern), String(pattern)).toEqual([]);
    }
    for (const m of ['src/crypto/noble.ts', 'src/x509/revocation.ts', 'src/x509/name-constraints.ts']) expect(lazy).toContain(m);
  });
});

/** The static import graph of `entry` as Node loads it (the package's `#` imports resolved by the `node` condition). */
async function nodeStaticGraph(entry: string): Promise<string[]> {
  const result = await esbuild({
    entryPoints: [join(root, entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outdir: join(root, 'out-not-written'),
    write: false,
    metafile: true,
    absWorkingDir: root,
    logLevel: 'error',
    plugins: [nodePlatformImports()],
  });
  const { inputs } = result.metafile;
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const path = stack.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const i of inputs[path]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) stack.push(i.path);
  }
  return [...seen].map(name);
}

describe('cold start on Node', { timeout: 120_000 }, () => {
  it('shomei/mdoc loads no @noble package and no fflate with the module: only what an exported function needs synchronously', async () => {
    const modules = await nodeStaticGraph('src/mdoc/index.ts');
    expect(modules).toContain('src/mdoc/verify.ts');
    expect(modules).toContain('src/mdoc/issue.ts');
    // The node:crypto backend and Node's deflateZlib come through the package's own imports.
    expect(modules).toContain('src/crypto/node.ts');
    expect(modules).toContain('src/mdoc/status/deflate-node.ts');
    expect(matching(modules, /^@noble\//)).toEqual([]);
    expect(matching(modules, /^fflate\//)).toEqual([]);
    expect(matching(modules, /^src\/crypto\/(noble|private-keys|derive-noble)\.ts$/)).toEqual([]);
  });

  it.each(['src/index.ts', 'src/crypto/index.ts', 'src/cose/index.ts', 'src/session/index.ts', 'src/online/index.ts', 'src/jpki/index.ts'])(
    '%s loads no @noble package: nobleBackend loads it on first use, private COSE keys and JWKs are derived by node:crypto',
    async (entry) => {
      const modules = await nodeStaticGraph(entry);
      expect(modules).toContain('src/crypto/lazy.ts');
      expect(matching(modules, /^@noble\//)).toEqual([]);
      expect(matching(modules, /^src\/crypto\/(noble|private-keys|derive-noble)\.ts$/)).toEqual([]);
      if (entry !== 'src/session/index.ts') expect(modules).toContain('src/crypto/derive-node.ts');
    },
  );
});
