/**
 * shomei (証明): mobile identity documents in pure TypeScript.
 *
 * The everyday API; each layer has its own subpath with everything it offers:
 * `shomei/cbor`, `shomei/cose`, `shomei/crypto`, `shomei/errors`.
 */

export { decode, diagnose, EncodedCbor, encode, encodeEmbedded, FullDate, TDate } from './cbor/index.js';
export {
  CoseAlg,
  decodeCoseKey,
  decodeCoseMac0,
  decodeCoseSign1,
  encodeCoseKey,
  encodeCoseSign1,
  keyFromJwk,
  keyToJwk,
  signCoseSign1,
  verifyCoseMac0,
  verifyCoseSign1,
} from './cose/index.js';
export { defaultBackend, nobleBackend, webCryptoBackend } from './crypto/index.js';
export type { CryptoBackend, PrivateKey, PublicKey } from './crypto/types.js';
export { isShomeiError, ShomeiError, type ShomeiErrorCode } from './errors.js';
export {
  assertValid,
  type BuildDeviceResponseOptions,
  buildDeviceRequest,
  buildDeviceResponse,
  decodeDeviceResponse,
  type IssueMdocOptions,
  issueMdoc,
  MdocDeviation,
  type VerifyDeviceResponseOptions,
  verifyDeviceResponse,
  verifyIssuerSigned,
  type VerifyIssuerSignedOptions,
  type VerifyIssuerSignedResult,
} from './mdoc/index.js';
export { HolderSession, type HolderSessionOptions, ReaderSession, type ReaderSessionOptions } from './session/index.js';
