/**
 * `deflateZlib` (`deflate.ts`) as Node, Deno and Bun load the package: the same function, but
 * fflate is `require`d on its first call instead of imported with the module, so that
 * `import('shomei/mdoc')` does not load and initialise fflate (its tables take longer to build
 * than the rest of the entry point takes to load) for an application that never compresses.
 * Same fflate `zlibSync` at level 9, so the same bytes (draft-ietf-oauth-status-list §4.1).
 *
 * The package maps `#status-deflate` (package.json "imports") here under the `node`
 * condition; bundlers (the `module` condition) and everything else get `deflate.ts`, which
 * imports fflate statically, as a bundle must.
 */

type ZlibSync = (data: Uint8Array, options: { level: 9 }) => Uint8Array;
type NodeModule = { createRequire(from: string): (id: string) => unknown };

/** fflate's `zlibSync`, once loaded. */
let zlibSync: ZlibSync | undefined;

/**
 * fflate, required from this package. `node:module` is asked for at the call through
 * `process.getBuiltinModule` (Node ≥ 20.16, Deno 2, Bun), as `crypto/node.ts` asks for
 * `node:crypto`: no static import of a Node built-in, so the module can share a chunk with code
 * a browser bundle loads.
 */
function loadZlibSync(): ZlibSync {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const mod = proc?.getBuiltinModule?.('node:module') as NodeModule | undefined;
  if (mod === undefined) throw new Error('deflateZlib: this runtime resolved the package as Node but has no process.getBuiltinModule');
  return (mod.createRequire(import.meta.url)('fflate') as { zlibSync: ZlibSync }).zlibSync;
}

/** Compress `data` as ZLIB at the highest level (draft-ietf-oauth-status-list §4.1 step 3). */
export function deflateZlib(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  zlibSync ??= loadZlibSync();
  return zlibSync(data, { level: 9 });
}
