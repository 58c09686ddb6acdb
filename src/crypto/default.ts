/**
 * The backend used when a call names none: node:crypto, WebCrypto or noble, by what the
 * runtime has. Apart from `index.ts` (which re-exports it) so that the other layers import
 * this and not the whole crypto entry point: a bundler then leaves out what a call never
 * runs (the noble backend and the private-key helpers are loaded by `import()` when needed).
 */
import { lazyNobleBackend } from './lazy.js';
import { nodeCryptoBackend } from './node.js';
import type { BackendOptions, CryptoBackend } from './types.js';
import { webCryptoBackend } from './webcrypto.js';

/**
 * The backend used when none is given, chosen at each call: the `node:crypto` backend where
 * the runtime has `node:crypto` (Node, Deno, Bun: synchronous, no thread-pool round trips),
 * else the WebCrypto backend where `globalThis.crypto.subtle` exists (browsers, workers),
 * else noble (React Native's Hermes, QuickJS), loaded with a dynamic `import()` on its first
 * operation (so bundles that never need it can leave it out; same answers as `nobleBackend`).
 */
export function defaultBackend(): CryptoBackend {
  return nodeCryptoBackend() ?? (globalThis.crypto?.subtle ? webCryptoBackend : lazyNobleBackend);
}

/** The backend named in `options`, or {@link defaultBackend}. For the other layers' options objects. */
export function resolveBackend(options?: BackendOptions): CryptoBackend {
  return options?.backend ?? defaultBackend();
}
