/**
 * `shomei/cose`: COSE (RFC 9052/9053) as ISO/IEC 18013-5 uses it — COSE_Sign1, COSE_Mac0,
 * COSE_Key and JWK conversion, strict header checks, external signers.
 */

export { CoseAlg, type CoseFullySpecifiedSignAlg, CoseHeader, type CoseMacAlg, type CoseSignAlg, isFullySpecifiedSignAlg, macAlgInfo, signAlgForCurve, signAlgInfo } from './algorithms.js';
export {
  checkHeaders,
  decodeProtectedHeaders,
  encodeProtectedHeaders,
  getHeader,
  getX5Chain,
  type HeaderMap,
  x5chainValue,
} from './headers.js';
export {
  type CoseKeyParams,
  decodeCoseKey,
  encodeCoseKey,
  type Jwk,
  keyFromJwk,
  keyToJwk,
} from './key.js';
export { CoseCurve, type CoseKeyInfo, CoseKeyLabel, CoseKty, decodeCosePublicKey } from './public-key.js';
export {
  buildMacStructure,
  COSE_MAC0_TAG,
  type CoseMac0,
  type CreateCoseMac0Options,
  coseMac0Value,
  createCoseMac0,
  decodeCoseMac0,
  encodeCoseMac0,
  type VerifyCoseMac0Options,
  verifyCoseMac0,
} from './mac0.js';
export {
  buildSigStructure,
  COSE_SIGN1_TAG,
  type CoseSign1,
  coseSign1Value,
  decodeCoseSign1,
  encodeCoseSign1,
  type VerifyCoseSign1Options,
  verifyCoseSign1,
} from './sign1.js';
export { type SignCoseSign1Options, signCoseSign1 } from './sign1-sign.js';
export { ecdsaDerToRaw } from '../crypto/ecdsa-der.js';
export { type ExternalSigner, type Signer, signerAlg } from './signer.js';
export { CoseError } from '../errors.js';
