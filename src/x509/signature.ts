/**
 * Signature and public-key algorithms of X.509: RFC 5758 §3.2 (ecdsa-with-SHA256/384/512),
 * RFC 4055 / RFC 8017 (sha*WithRSAEncryption, PKCS#1 v1.5), RFC 8410 (Ed25519), RFC 5480
 * (id-ecPublicKey with named curves), RFC 3279 §2.2.3 (ECDSA-Sig-Value).
 *
 * Signatures are verified with a CryptoBackend over the exact signed bytes received
 * (TBSCertificate, TBSCertList), never over a re-encoding.
 *
 * ```asn1
 * AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
 * SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 * ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
 * RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
 * ```
 */
import { parseEcdsaDer } from '../crypto/ecdsa-der.js';
import { checkOkpPublicKey, curveFieldSize, ecPublicKeyFromRaw } from '../crypto/keys.js';
import { checkRsaPublicKey } from '../crypto/rsa-key.js';
import type { CryptoBackend, EcCurve, EcPublicKey, HashAlg, OkpPublicKey, RsaPublicKey } from '../crypto/types.js';
import { X509Error } from '../errors.js';
import { concat } from '../internal/bytes.js';
import {
  DER_NULL,
  DerReader,
  decodeOctetAlignedBitString,
  encodeBitString,
  decodeOid,
  encodeInteger,
  encodeOid,
  encodeSequence,
  integerBytes,
  parseError,
  readSingleTagged,
  Tag,
  type Tlv,
} from './der.js';
import { AlgorithmOid } from './oids.js';

/** A public key shomei can use: EC (P-256/384/521), Ed25519 or RSA. */
export type X509PublicKey = EcPublicKey | OkpPublicKey | RsaPublicKey;

/** Signature algorithm names: JOSE style, plus `RS1` for sha1WithRSAEncryption (verification only). */
export type SignatureAlgorithmName = 'ES256' | 'ES384' | 'ES512' | 'RS1' | 'RS256' | 'RS384' | 'RS512' | 'EdDSA';

/** A parsed AlgorithmIdentifier of a signature. `name` is null for algorithms shomei cannot verify. */
export interface SignatureAlgorithm {
  readonly oid: string;
  readonly name: SignatureAlgorithmName | null;
  /** The parameters' DER, or null when absent. */
  readonly parameters: Uint8Array | null;
  /** The whole AlgorithmIdentifier DER as received. */
  readonly der: Uint8Array;
}

interface AlgInfo {
  readonly name: SignatureAlgorithmName;
  readonly hash: HashAlg | null;
  readonly kind: 'ecdsa' | 'rsa' | 'eddsa';
}

const SIG_ALGS: ReadonlyMap<string, AlgInfo> = new Map([
  [AlgorithmOid.ecdsaWithSha256, { name: 'ES256', hash: 'SHA-256', kind: 'ecdsa' }],
  [AlgorithmOid.ecdsaWithSha384, { name: 'ES384', hash: 'SHA-384', kind: 'ecdsa' }],
  [AlgorithmOid.ecdsaWithSha512, { name: 'ES512', hash: 'SHA-512', kind: 'ecdsa' }],
  [AlgorithmOid.sha1WithRsa, { name: 'RS1', hash: 'SHA-1', kind: 'rsa' }],
  [AlgorithmOid.sha256WithRsa, { name: 'RS256', hash: 'SHA-256', kind: 'rsa' }],
  [AlgorithmOid.sha384WithRsa, { name: 'RS384', hash: 'SHA-384', kind: 'rsa' }],
  [AlgorithmOid.sha512WithRsa, { name: 'RS512', hash: 'SHA-512', kind: 'rsa' }],
  [AlgorithmOid.ed25519, { name: 'EdDSA', hash: null, kind: 'eddsa' }],
]);

const NAME_TO_OID: ReadonlyMap<SignatureAlgorithmName, string> = new Map([...SIG_ALGS].map(([oid, info]) => [info.name, oid]));

const CURVES: ReadonlyMap<string, EcCurve> = new Map([
  [AlgorithmOid.p256, 'P-256'],
  [AlgorithmOid.p384, 'P-384'],
  [AlgorithmOid.p521, 'P-521'],
]);

const CURVE_OIDS: Readonly<Record<EcCurve, string>> = { 'P-256': AlgorithmOid.p256, 'P-384': AlgorithmOid.p384, 'P-521': AlgorithmOid.p521 };

/** Parse an AlgorithmIdentifier TLV (internal). */
export function parseAlgorithmIdentifier(t: Tlv, what: string): { oid: string; parameters: Tlv | undefined } {
  if (t.tag !== Tag.SEQUENCE) parseError(`${what}: expected an AlgorithmIdentifier`, t.offset);
  const r = DerReader.inside(t, what);
  const oid = decodeOid(r.expect(Tag.OID, `${what} algorithm`), `${what} algorithm`);
  const parameters = r.atEnd() ? undefined : r.next(`${what} parameters`);
  r.finish(what);
  return { oid, parameters };
}

/** Parse a signature AlgorithmIdentifier (internal). RSA parameters must be NULL or absent, others absent. */
export function parseSignatureAlgorithm(t: Tlv, what: string): SignatureAlgorithm {
  const { oid, parameters } = parseAlgorithmIdentifier(t, what);
  const info = SIG_ALGS.get(oid);
  if (info !== undefined && parameters !== undefined && !(info.kind === 'rsa' && parameters.tag === Tag.NULL && parameters.content.length === 0)) {
    parseError(`${what}: unexpected parameters for ${info.name}`, parameters.offset);
  }
  return Object.freeze({ oid, name: info?.name ?? null, parameters: parameters?.der ?? null, der: t.der });
}

/** The public key of a SubjectPublicKeyInfo, or null when its algorithm or curve is not supported. */
export interface ParsedSpki {
  readonly algorithm: string;
  /** The namedCurve OID for EC keys, else null. */
  readonly curveOid: string | null;
  /** The subjectPublicKey BIT STRING content (the key bytes). */
  readonly subjectPublicKey: Uint8Array;
  readonly publicKey: X509PublicKey | null;
}

/**
 * The envelope RFC 5280 gives certificates and CRLs alike: SEQUENCE { tbs, signatureAlgorithm,
 * signatureValue } and nothing after it. `der` is a private copy of the input, at most `maxSize`
 * bytes; `tbs` is the to-be-signed TLV inside it.
 */
export function parseSignedEnvelope(
  input: Uint8Array,
  maxSize: number,
  label: string,
  outer: string,
  tbsName: string,
): { der: Uint8Array; tbs: Tlv; signatureAlgorithm: SignatureAlgorithm; signature: Uint8Array } {
  if (input.length > maxSize) throw new X509Error('ERR_X509_PARSE', `${label} larger than ${maxSize} bytes`);
  const der = input.slice();
  const top = DerReader.inside(readSingleTagged(der, Tag.SEQUENCE, outer), outer);
  const tbs = top.expect(Tag.SEQUENCE, tbsName);
  const signatureAlgorithm = parseSignatureAlgorithm(top.expect(Tag.SEQUENCE, 'signatureAlgorithm'), 'signatureAlgorithm');
  const signature = decodeOctetAlignedBitString(top.expect(Tag.BIT_STRING, 'signatureValue'), 'signatureValue');
  top.finish(outer);
  return { der, tbs, signatureAlgorithm, signature };
}

function stripZeros(bytes: Uint8Array): Uint8Array {
  let s = 0;
  while (s < bytes.length - 1 && bytes[s] === 0) s++;
  return bytes.slice(s);
}

/**
 * Parse a SubjectPublicKeyInfo TLV (internal). An EC point that is not on its curve throws
 * `ERR_X509_PARSE`; unsupported algorithms, curves and RSA keys outside the crypto layer's
 * policy give `publicKey: null`.
 */
export function parseSpki(t: Tlv): ParsedSpki {
  if (t.tag !== Tag.SEQUENCE) parseError('SubjectPublicKeyInfo: expected a SEQUENCE', t.offset);
  const r = DerReader.inside(t, 'SubjectPublicKeyInfo');
  const { oid, parameters } = parseAlgorithmIdentifier(r.expect(Tag.SEQUENCE, 'SubjectPublicKeyInfo algorithm'), 'SubjectPublicKeyInfo algorithm');
  const keyTlv = r.expect(Tag.BIT_STRING, 'subjectPublicKey');
  r.finish('SubjectPublicKeyInfo');
  const key = decodeOctetAlignedBitString(keyTlv, 'subjectPublicKey');
  let publicKey: X509PublicKey | null = null;
  let curveOid: string | null = null;
  if (oid === AlgorithmOid.ecPublicKey) {
    if (parameters?.tag === Tag.OID) {
      curveOid = decodeOid(parameters, 'namedCurve');
      const crv = CURVES.get(curveOid);
      if (crv !== undefined) {
        try {
          publicKey = ecPublicKeyFromRaw(crv, key);
        } catch (e) {
          throw new X509Error('ERR_X509_PARSE', `subjectPublicKey is not a ${crv} point (at byte ${keyTlv.offset})`, { offset: keyTlv.offset, cause: e });
        }
      }
    }
  } else if (oid === AlgorithmOid.ed25519) {
    if (parameters !== undefined) parseError('Ed25519 key must have no parameters', parameters.offset);
    if (key.length !== 32) parseError('Ed25519 key must be 32 bytes', keyTlv.offset);
    publicKey = { kty: 'OKP', crv: 'Ed25519', x: key.slice() };
    try {
      checkOkpPublicKey(publicKey, 'Ed25519');
    } catch (e) {
      throw new X509Error('ERR_X509_PARSE', `subjectPublicKey: ${(e as Error).message} (at byte ${keyTlv.offset})`, { offset: keyTlv.offset, cause: e });
    }
  } else if (oid === AlgorithmOid.rsaEncryption) {
    // RFC 3279 §2.3.1: the parameters MUST be NULL. Absent is read too (some encoders
    // leave them out); anything else is not an RSA key.
    if (parameters !== undefined && (parameters.tag !== Tag.NULL || parameters.content.length !== 0)) parseError('rsaEncryption key parameters must be NULL', parameters.offset);
    const rsa = DerReader.inside(readSingleTagged(key, Tag.SEQUENCE, 'RSAPublicKey', keyTlv.contentOffset + 1), 'RSAPublicKey');
    const n = integerBytes(rsa.expect(Tag.INTEGER, 'modulus'), 'modulus');
    const e = integerBytes(rsa.expect(Tag.INTEGER, 'publicExponent'), 'publicExponent');
    rsa.finish('RSAPublicKey');
    if (n[0]! >= 0x80 || e[0]! >= 0x80) parseError('RSAPublicKey: negative integer', keyTlv.offset);
    const candidate: RsaPublicKey = { kty: 'RSA', n: stripZeros(n), e: stripZeros(e) };
    try {
      checkRsaPublicKey(candidate);
      publicKey = candidate;
    } catch {
      publicKey = null; // outside the crypto layer's RSA key policy
    }
  }
  return { algorithm: oid, curveOid, subjectPublicKey: key, publicKey };
}

export { ecdsaDerToRaw, ecdsaRawToDer } from '../crypto/ecdsa-der.js';

/**
 * Verify `signature` over `data` with `key` for the algorithm `alg`. False for any
 * signature that does not verify, an algorithm shomei cannot verify, or a key of the wrong
 * type; never throws for bad data.
 */
export async function verifySignedData(
  alg: SignatureAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
  key: X509PublicKey | null,
  backend: CryptoBackend,
): Promise<boolean> {
  try {
    return await verifySignedDataOrThrow(alg, data, signature, key, backend);
  } catch {
    return false;
  }
}

/**
 * {@link verifySignedData}, but what the backend throws is passed on (internal): a caller that
 * caches results must not remember a backend failure as an invalid signature.
 */
export async function verifySignedDataOrThrow(
  alg: SignatureAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
  key: X509PublicKey | null,
  backend: CryptoBackend,
): Promise<boolean> {
  const info = SIG_ALGS.get(alg.oid);
  if (info === undefined || key === null) return false;
  if (info.kind === 'ecdsa' && key.kty === 'EC') {
    const raw = parseEcdsaDer(signature, curveFieldSize(key.crv));
    return raw !== null && (await backend.ecdsaVerify(key, info.hash!, data, raw));
  }
  if (info.kind === 'rsa' && key.kty === 'RSA') return await backend.rsaPkcs1Verify(key, info.hash!, data, signature);
  if (info.kind === 'eddsa' && key.kty === 'OKP' && key.crv === 'Ed25519') return await backend.ed25519Verify(key, data, signature);
  return false;
}

/** The DER AlgorithmIdentifier for a signature algorithm name (RSA with NULL parameters). */
export function encodeSignatureAlgorithm(name: SignatureAlgorithmName): Uint8Array {
  const oid = NAME_TO_OID.get(name);
  if (oid === undefined) throw new TypeError(`unsupported signature algorithm ${String(name)}`);
  return SIG_ALGS.get(oid)!.kind === 'rsa' ? encodeSequence(encodeOid(oid), DER_NULL) : encodeSequence(encodeOid(oid));
}

/** The DER SubjectPublicKeyInfo of a public key (EC keys uncompressed). */
export function encodeSpki(key: X509PublicKey): Uint8Array {
  switch (key?.kty) {
    case 'EC': {
      const oid = CURVE_OIDS[key.crv];
      if (oid === undefined) throw new TypeError(`unsupported curve ${String(key.crv)}`);
      const point = concat(Uint8Array.of(4), key.x, key.y);
      ecPublicKeyFromRaw(key.crv, point);
      return encodeSequence(encodeSequence(encodeOid(AlgorithmOid.ecPublicKey), encodeOid(oid)), encodeBitString(point));
    }
    case 'OKP':
      if (key.crv !== 'Ed25519' || !(key.x instanceof Uint8Array) || key.x.length !== 32) throw new TypeError('only Ed25519 OKP keys can be put in a certificate');
      return encodeSequence(encodeSequence(encodeOid(AlgorithmOid.ed25519)), encodeBitString(key.x));
    case 'RSA': {
      checkRsaPublicKey(key);
      const rsa = encodeSequence(encodeInteger(key.n), encodeInteger(key.e));
      return encodeSequence(encodeSequence(encodeOid(AlgorithmOid.rsaEncryption), DER_NULL), encodeBitString(rsa));
    }
    default:
      throw new TypeError('publicKey must be an EC, Ed25519 or RSA public key');
  }
}

/** The default signature algorithm for a key: ES256/ES384/ES512 by curve, EdDSA for Ed25519. */
export function defaultSignatureAlgorithm(key: EcPublicKey | OkpPublicKey): SignatureAlgorithmName {
  if (key.kty === 'OKP') return 'EdDSA';
  return key.crv === 'P-256' ? 'ES256' : key.crv === 'P-384' ? 'ES384' : 'ES512';
}

/** Hash of an ECDSA signature algorithm name (internal). */
export function hashOfName(name: SignatureAlgorithmName): HashAlg | null {
  const oid = NAME_TO_OID.get(name);
  return oid === undefined ? null : (SIG_ALGS.get(oid)?.hash ?? null);
}
