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
export type * from './types.js';
export { defaultBackend, resolveBackend } from './default.js';
export { curveFieldSize, ecPublicKeyFromRaw, ecPublicKeyToRaw, isEcCurve, isOkpCurve, publicKeyOf } from './keys.js';
export { ecPrivateKeyFromScalar, okpPrivateKeyFromSeed } from './key-from-secret.js';
export { lazyNobleBackend as nobleBackend } from './lazy.js';
export { createNodeCryptoBackend, nodeCryptoBackend } from './node.js';
export { DIGEST_INFO_PREFIX, encodeDigestInfo, rsaPkcs1Verify, rsaPkcs1VerifyDigest } from './rsa.js';
export { createWebCryptoBackend, webCryptoBackend } from './webcrypto.js';
