/**
 * `shomei/crypto`: the CryptoBackend interface and its three implementations, `node:crypto`
 * (Node, Deno, Bun), WebCrypto (`crypto.subtle`) and pure TypeScript (@noble/*), plus key helpers and RSASSA-PKCS1-v1_5
 * verification (RFC 8017) for JPKI.
 *
 * @example
 * ```ts
 * import { defaultBackend, ecPrivateKeyFromScalar } from 'shomei/crypto';
 * const backend = defaultBackend();
 * const key = await backend.generateKeyPair('P-256');
 * const sig = await backend.ecdsaSign(key, 'SHA-256', data);
 * ```
 */
import { nodeCryptoBackend } from './node.js';
import { nobleBackend } from './noble.js';
import type { BackendOptions, CryptoBackend } from './types.js';
import { webCryptoBackend } from './webcrypto.js';

export type * from './types.js';
export {
  curveFieldSize,
  ecPrivateKeyFromScalar,
  ecPublicKeyFromRaw,
  ecPublicKeyToRaw,
  isEcCurve,
  isOkpCurve,
  okpPrivateKeyFromSeed,
  publicKeyOf,
} from './keys.js';
export { nobleBackend } from './noble.js';
export { createNodeCryptoBackend, nodeCryptoBackend } from './node.js';
export { DIGEST_INFO_PREFIX, encodeDigestInfo, rsaPkcs1Verify, rsaPkcs1VerifyDigest } from './rsa.js';
export { createWebCryptoBackend, webCryptoBackend } from './webcrypto.js';

/**
 * The backend used when none is given, chosen at each call: the `node:crypto` backend where
 * the runtime has `node:crypto` (Node, Deno, Bun: synchronous, no thread-pool round trips),
 * else the WebCrypto backend where `globalThis.crypto.subtle` exists (browsers, workers),
 * else noble (React Native's Hermes, QuickJS).
 */
export function defaultBackend(): CryptoBackend {
  return nodeCryptoBackend() ?? (globalThis.crypto?.subtle ? webCryptoBackend : nobleBackend);
}

/** The backend named in `options`, or {@link defaultBackend}. For the other layers' options objects. */
export function resolveBackend(options?: BackendOptions): CryptoBackend {
  return options?.backend ?? defaultBackend();
}
