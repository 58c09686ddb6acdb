/**
 * `shomei/crypto`: the CryptoBackend interface and its two implementations, WebCrypto
 * (`crypto.subtle`) and pure TypeScript (@noble/*), plus key helpers and RSASSA-PKCS1-v1_5
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
export { DIGEST_INFO_PREFIX, encodeDigestInfo, rsaPkcs1Verify, rsaPkcs1VerifyDigest } from './rsa.js';
export { createWebCryptoBackend, webCryptoBackend } from './webcrypto.js';

/** The WebCrypto backend when `globalThis.crypto.subtle` exists (checked at each call), else noble. */
export function defaultBackend(): CryptoBackend {
  return globalThis.crypto?.subtle ? webCryptoBackend : nobleBackend;
}

/** The backend named in `options`, or {@link defaultBackend}. For the other layers' options objects. */
export function resolveBackend(options?: BackendOptions): CryptoBackend {
  return options?.backend ?? defaultBackend();
}
