/**
 * What `default.ts` sees of the node:crypto backend in a bundle for the browser: none. The
 * package maps `default.ts`'s import of `node.ts` through `#crypto-node-backend` (package.json
 * "imports"), whose `browser` condition is this module, so a browser bundle carries no
 * node:crypto code: `defaultBackend()` there is WebCrypto (or noble), as it would be anyway,
 * since a browser has no `node:crypto`. `shomei/crypto` still exports the real backend.
 */
import type { CryptoBackend } from './types.js';

/** No node:crypto backend in a browser build: always undefined (same signature as `node.ts`'s). */
export function nodeCryptoBackend(): CryptoBackend | undefined {
  return undefined;
}
