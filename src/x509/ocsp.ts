/**
 * Online Certificate Status Protocol, RFC 6960: building an OCSPRequest (§4.1) for a
 * certificate and its issuer, decoding an OCSPResponse (§4.2), and verifying it (§3.2,
 * §4.2.2.2: the responder is the issuing CA, or a responder certificate the CA issued with
 * id-kp-OCSPSigning), with the nonce extension of RFC 9654 (1 to 128 octets; 32 sent by default).
 *
 * ```asn1
 * OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
 * TBSRequest ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
 *   requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
 * Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
 * CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
 *   issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
 * OCSPResponse ::= SEQUENCE { responseStatus OCSPResponseStatus, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
 * ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
 * BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm AlgorithmIdentifier,
 *   signature BIT STRING, certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
 * ResponseData ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, responderID ResponderID,
 *   producedAt GeneralizedTime, responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT Extensions OPTIONAL }
 * ResponderID ::= CHOICE { byName [1] Name, byKey [2] KeyHash }
 * SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
 *   nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL, singleExtensions [1] EXPLICIT Extensions OPTIONAL }
 * CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL }
 * RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
 * ```
 *
 * shomei never opens a socket: `checkOcsp` (ocsp-check.ts) hands the request to the
 * caller's transport. The response signature is checked over the received ResponseData bytes.
 */
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions, CryptoBackend, } from '../crypto/types.js';
import { X509Error } from '../errors.js';
import { constantTimeEqual, equalBytes, } from '../internal/bytes.js';
import { type Certificate, parseCertificate, toCertificate } from './certificate.js';
import {
  contextTag,
  DER_NULL,
  DerReader,
  decodeOctetAlignedBitString,
  decodeOid,
  decodeSmallInteger,
  decodeTime,
  encodeOctetString,
  encodeOid,
  encodeSequence,
  encodeTlv,
  integerBytes,
  integerHex,
  parseError,
  readSingleTagged,
  Tag,
  type Tlv,
} from './der.js';
import { type Extension, parseExtensionList, } from './extensions.js';
import { ignoreFindings } from './findings.js';
import { parseNameTlv, type X509Name } from './name.js';
import { ExtKeyUsageOid } from './oids.js';
import { parseAlgorithmIdentifier, parseSignatureAlgorithm, type SignatureAlgorithm, verifySignedData } from './signature.js';

/** OCSP object identifiers (RFC 6960 §4.4, Appendix B; RFC 5280 §4.2.2.1). */
export const OcspOid = {
  /** id-pkix-ocsp-basic: the one response type. */
  basic: '1.3.6.1.5.5.7.48.1.1',
  /** id-pkix-ocsp-nonce (RFC 9654). */
  nonce: '1.3.6.1.5.5.7.48.1.2',
  /** id-pkix-ocsp-nocheck: a responder certificate the client need not check for revocation. */
  noCheck: '1.3.6.1.5.5.7.48.1.5',
  /** id-ad-ocsp, the accessMethod of an OCSP URL in authorityInfoAccess. */
  adOcsp: '1.3.6.1.5.5.7.48.1',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;

/** OCSPResponseStatus (§4.2.1); 4 is not used. */
export const OcspResponseStatus = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;
export type OcspResponseStatus = (typeof OcspResponseStatus)[keyof typeof OcspResponseStatus];
const STATUS_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(OcspResponseStatus).map(([k, v]) => [v, k]));

/** Why a response cannot be used: the `check` of an `ERR_X509_OCSP` error. */
export const OcspProblem = {
  /** responseStatus is not successful, or no responseBytes. */
  RESPONSE_STATUS: 'RESPONSE_STATUS',
  /** responseType is not id-pkix-ocsp-basic. */
  RESPONSE_TYPE: 'RESPONSE_TYPE',
  /** No SingleResponse for the certificate asked about. */
  CERT_ID: 'CERT_ID',
  /** The responder is neither the issuing CA nor a responder certificate it authorised. */
  RESPONDER: 'RESPONDER',
  /** The signature does not verify with the responder's key. */
  SIGNATURE: 'SIGNATURE',
  /** thisUpdate in the future, nextUpdate past, or (without nextUpdate) older than the maximum age. */
  FRESHNESS: 'FRESHNESS',
  /** The nonce sent is not echoed back. */
  NONCE: 'NONCE',
  /** A critical response or single extension shomei does not process. */
  CRITICAL_EXTENSION: 'CRITICAL_EXTENSION',
} as const;
export type OcspProblem = (typeof OcspProblem)[keyof typeof OcspProblem];

/** The hashes a CertID can use here (SHA-1 is what most responders index by; RFC 6960 allows others). */
export type OcspHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
const HASH_OID: Readonly<Record<OcspHash, string>> = {
  'SHA-1': '1.3.14.3.2.26',
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};
const OID_HASH: ReadonlyMap<string, OcspHash> = new Map(Object.entries(HASH_OID).map(([k, v]) => [v, k as OcspHash]));

/** Largest OCSP response accepted, in bytes. */
export const MAX_OCSP_RESPONSE_SIZE = 256 * 1024;
/** Most SingleResponses, responder certificates and extensions read from one response. */
const MAX_ITEMS = 64;
/** Most certificates matching the ResponderID that are checked as a delegated responder. */
const MAX_RESPONDER_CANDIDATES = 4;
/** RFC 9654 §2.1 (which raised RFC 8954's 32): a nonce has 1 to 128 octets; shomei sends 32. */
export const MAX_OCSP_NONCE_LENGTH = 128;
/** The length of the nonce shomei makes: RFC 9654 §2.1 has requesters use 32 octets. */
const OCSP_NONCE_SENT_LENGTH = 32;

/** CertID (§4.1.1). */
export interface OcspCertId {
  readonly hashAlgorithm: string;
  /** The hash, when shomei knows its OID. */
  readonly hash: OcspHash | null;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  /** Serial number, lower-case hex of its magnitude, as {@link Certificate.serialNumber}. */
  readonly serialNumber: string;
  /** The CertID DER as received or built. */
  readonly der: Uint8Array;
}

/** A built request: its DER and what the response must match. */
export interface OcspRequest {
  readonly der: Uint8Array;
  readonly certId: OcspCertId;
  /** The nonce sent, or null. */
  readonly nonce: Uint8Array | null;
}

/** CertStatus (§4.2.1), with RevokedInfo. */
export type OcspCertStatus =
  | { readonly status: 'good' }
  | { readonly status: 'revoked'; readonly revocationTime: Date; readonly reason: number | null }
  | { readonly status: 'unknown' };

/** One SingleResponse. */
export interface OcspSingleResponse {
  readonly certId: OcspCertId;
  readonly certStatus: OcspCertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  readonly extensions: readonly Extension[];
}

/** ResponderID (§4.2.2.3). */
export type OcspResponderId = { readonly type: 'byName'; readonly name: X509Name } | { readonly type: 'byKey'; readonly keyHash: Uint8Array };

/** A decoded OCSPResponse; the basic fields are null when the status is not successful. */
export interface OcspResponse {
  /** The response DER exactly as received. */
  readonly der: Uint8Array;
  readonly responseStatus: number;
  /** The responseStatus by name (`successful`, `tryLater`…), or `status <n>`. */
  readonly responseStatusName: string;
  readonly responseType: string | null;
  readonly basic: BasicOcspResponse | null;
}

/** BasicOCSPResponse (§4.2.1). */
export interface BasicOcspResponse {
  /** The ResponseData DER: the signed bytes. */
  readonly tbs: Uint8Array;
  readonly version: number;
  readonly responderId: OcspResponderId;
  readonly producedAt: Date;
  readonly responses: readonly OcspSingleResponse[];
  readonly extensions: readonly Extension[];
  /** The nonce extension's value (the inner OCTET STRING content), or null. */
  readonly nonce: Uint8Array | null;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  /** The certificates sent with the response (a delegated responder's, perhaps its chain). */
  readonly certs: readonly Certificate[];
}

// ---------------------------------------------------------------------------------------
// Request

export function checkCertAndIssuer(certificate: Certificate | Uint8Array, issuer: Certificate | Uint8Array): { cert: Certificate; ca: Certificate } {
  return { cert: toCertificate(certificate, 'certificate'), ca: toCertificate(issuer, 'issuer') };
}

function serialTlv(cert: Certificate): Uint8Array {
  const r = DerReader.inside(readSingleTagged(cert.tbs, Tag.SEQUENCE, 'TBSCertificate'), 'TBSCertificate');
  if (r.peekTag() === contextTag(0, true)) r.next('version');
  return r.expect(Tag.INTEGER, 'serialNumber').der;
}

/**
 * The CertID of `certificate` (§4.1.1): the hash of the issuer's subject name DER and of
 * its subjectPublicKey BIT STRING value, and the certificate's serial number.
 */
export async function buildOcspCertId(certificate: Certificate | Uint8Array, issuer: Certificate | Uint8Array, hash: OcspHash = 'SHA-1', options: BackendOptions = {}): Promise<OcspCertId> {
  const { cert, ca } = checkCertAndIssuer(certificate, issuer);
  if (!Object.hasOwn(HASH_OID, hash)) throw new RangeError('hash must be SHA-1, SHA-256, SHA-384 or SHA-512');
  const backend = resolveBackend(options);
  const issuerNameHash = await backend.digest(hash, cert.issuer.der);
  const issuerKeyHash = await backend.digest(hash, ca.subjectPublicKey);
  const der = encodeSequence(encodeSequence(encodeOid(HASH_OID[hash]), DER_NULL), encodeOctetString(issuerNameHash), encodeOctetString(issuerKeyHash), serialTlv(cert));
  return Object.freeze({ hashAlgorithm: HASH_OID[hash], hash, issuerNameHash, issuerKeyHash, serialNumber: cert.serialNumber, der });
}

/** Options of {@link buildOcspRequest}. */
export interface BuildOcspRequestOptions extends BackendOptions {
  /** CertID hash (default SHA-1, which every responder indexes by; SHA-256 where the responder supports it). */
  readonly hash?: OcspHash;
  /** A nonce (1–128 octets, RFC 9654), `true` for 32 random octets (the default), or `false` for none. */
  readonly nonce?: Uint8Array | boolean;
}

/**
 * Build an unsigned OCSPRequest for one certificate.
 * @throws TypeError / RangeError for bad arguments (a nonce outside 1–128 octets);
 *   X509Error `ERR_X509_PARSE` when a certificate given as bytes does not parse.
 */
export async function buildOcspRequest(certificate: Certificate | Uint8Array, issuer: Certificate | Uint8Array, options: BuildOcspRequestOptions = {}): Promise<OcspRequest> {
  const backend = resolveBackend(options);
  const certId = await buildOcspCertId(certificate, issuer, options.hash ?? 'SHA-1', { backend });
  let nonce: Uint8Array | null = null;
  const n = options.nonce ?? true;
  if (n instanceof Uint8Array) {
    if (n.length < 1 || n.length > MAX_OCSP_NONCE_LENGTH) throw new RangeError(`options.nonce must be 1 to ${MAX_OCSP_NONCE_LENGTH} octets (RFC 9654)`);
    nonce = n.slice();
  } else if (n === true) {
    nonce = backend.randomBytes(OCSP_NONCE_SENT_LENGTH);
  } else if (n !== false) {
    throw new TypeError('options.nonce must be bytes or a boolean');
  }
  const extensions =
    nonce === null ? [] : [encodeTlv(contextTag(2, true), encodeSequence(encodeSequence(encodeOid(OcspOid.nonce), encodeOctetString(encodeOctetString(nonce)))))];
  const der = encodeSequence(encodeSequence(encodeSequence(encodeSequence(certId.der)), ...extensions));
  return Object.freeze({ der, certId, nonce });
}

function parseCertId(t: Tlv): OcspCertId {
  const r = DerReader.inside(t, 'CertID');
  const { oid, parameters } = parseAlgorithmIdentifier(r.expect(Tag.SEQUENCE, 'hashAlgorithm'), 'hashAlgorithm');
  if (parameters !== undefined && !(parameters.tag === Tag.NULL && parameters.content.length === 0)) parseError('CertID hashAlgorithm: unexpected parameters', parameters.offset);
  const issuerNameHash = r.expect(Tag.OCTET_STRING, 'issuerNameHash').content;
  const issuerKeyHash = r.expect(Tag.OCTET_STRING, 'issuerKeyHash').content;
  const serialNumber = integerHex(integerBytes(r.expect(Tag.INTEGER, 'serialNumber'), 'serialNumber'));
  r.finish('CertID');
  return Object.freeze({ hashAlgorithm: oid, hash: OID_HASH.get(oid) ?? null, issuerNameHash, issuerKeyHash, serialNumber, der: t.der });
}

function parseExplicitExtensions(r: DerReader, n: number, what: string): Extension[] {
  const wrap = r.optional(contextTag(n, true), what);
  if (wrap === undefined) return [];
  const inner = DerReader.inside(wrap, what);
  const list = parseExtensionList(inner.expect(Tag.SEQUENCE, 'Extensions'), () => ignoreFindings);
  inner.finish(what);
  if (list.extensions.length > MAX_ITEMS) parseError(`${what}: more than ${MAX_ITEMS} extensions`, wrap.offset);
  return list.extensions;
}

function nonceOf(extensions: readonly Extension[], offset: number): Uint8Array | null {
  const ext = extensions.find((e) => e.oid === OcspOid.nonce);
  if (ext === undefined) return null;
  // RFC 9654 §2.1: extnValue holds Nonce ::= OCTET STRING (1..128).
  return readSingleTagged(ext.value, Tag.OCTET_STRING, 'nonce', offset).content;
}

/** A decoded OCSPRequest: the CertIDs and the nonce (what a responder needs). */
export interface DecodedOcspRequest {
  readonly der: Uint8Array;
  readonly certIds: readonly OcspCertId[];
  readonly nonce: Uint8Array | null;
  /** True when the request carries optionalSignature (not verified here). */
  readonly signed: boolean;
}

/**
 * Decode an OCSPRequest (for responders and tests). A nonce longer than 128 octets is read
 * as given; a responder decides whether to refuse it (RFC 9654 §2.1).
 * @throws X509Error `ERR_X509_PARSE` for anything that is not one well-formed request.
 */
export function decodeOcspRequest(der: Uint8Array): DecodedOcspRequest {
  if (!(der instanceof Uint8Array)) throw new TypeError('request must be a Uint8Array');
  return guarded('OCSP request', () => {
    if (der.length > MAX_OCSP_RESPONSE_SIZE) parseError('OCSP request too large', 0);
    const copy = der.slice();
    const top = DerReader.inside(readSingleTagged(copy, Tag.SEQUENCE, 'OCSPRequest'), 'OCSPRequest');
    const tbs = DerReader.inside(top.expect(Tag.SEQUENCE, 'TBSRequest'), 'TBSRequest');
    const signed = top.optional(contextTag(0, true), 'optionalSignature') !== undefined;
    top.finish('OCSPRequest');
    const v = tbs.optional(contextTag(0, true), 'version');
    if (v !== undefined) {
      const vr = DerReader.inside(v, 'version');
      if (decodeSmallInteger(vr.expect(Tag.INTEGER, 'version'), 'version') !== 0) parseError('OCSP request version must be v1', v.offset);
      vr.finish('version');
    }
    tbs.optional(contextTag(1, true), 'requestorName');
    const list = DerReader.inside(tbs.expect(Tag.SEQUENCE, 'requestList'), 'requestList');
    const certIds: OcspCertId[] = [];
    while (!list.atEnd()) {
      if (certIds.length >= MAX_ITEMS) parseError(`more than ${MAX_ITEMS} requests`, list.offset);
      const req = DerReader.inside(list.expect(Tag.SEQUENCE, 'Request'), 'Request');
      certIds.push(parseCertId(req.expect(Tag.SEQUENCE, 'reqCert')));
      parseExplicitExtensions(req, 0, 'singleRequestExtensions');
      req.finish('Request');
    }
    if (certIds.length === 0) parseError('requestList is empty', 0);
    const extOffset = tbs.offset;
    const extensions = parseExplicitExtensions(tbs, 2, 'requestExtensions');
    tbs.finish('TBSRequest');
    return Object.freeze({ der: copy, certIds: Object.freeze(certIds), nonce: nonceOf(extensions, extOffset), signed });
  });
}

// ---------------------------------------------------------------------------------------
// Response decoding

function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof X509Error) throw e;
    throw new X509Error('ERR_X509_PARSE', `malformed ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function generalizedTime(t: Tlv, what: string): Date {
  if (t.tag !== Tag.GENERALIZED_TIME) parseError(`${what}: expected a GeneralizedTime`, t.offset);
  return decodeTime(t, what);
}

function parseCertStatus(t: Tlv): OcspCertStatus {
  if (t.tag === contextTag(0, false)) {
    if (t.content.length !== 0) parseError('certStatus good: must be an empty NULL', t.offset);
    return { status: 'good' };
  }
  if (t.tag === contextTag(2, false)) {
    if (t.content.length !== 0) parseError('certStatus unknown: must be an empty NULL', t.offset);
    return { status: 'unknown' };
  }
  if (t.tag === contextTag(1, true)) {
    const r = DerReader.inside(t, 'RevokedInfo');
    const revocationTime = generalizedTime(r.next('revocationTime'), 'revocationTime');
    let reason: number | null = null;
    const wrap = r.optional(contextTag(0, true), 'revocationReason');
    if (wrap !== undefined) {
      const rr = DerReader.inside(wrap, 'revocationReason');
      reason = decodeSmallInteger(rr.expect(Tag.ENUMERATED, 'revocationReason'), 'revocationReason', Tag.ENUMERATED);
      rr.finish('revocationReason');
    }
    r.finish('RevokedInfo');
    return { status: 'revoked', revocationTime, reason };
  }
  return parseError('certStatus: not good [0], revoked [1] or unknown [2]', t.offset);
}

function parseSingleResponse(t: Tlv): OcspSingleResponse {
  const r = DerReader.inside(t, 'SingleResponse');
  const certId = parseCertId(r.expect(Tag.SEQUENCE, 'certID'));
  const certStatus = parseCertStatus(r.next('certStatus'));
  const thisUpdate = generalizedTime(r.next('thisUpdate'), 'thisUpdate');
  let nextUpdate: Date | null = null;
  const nu = r.optional(contextTag(0, true), 'nextUpdate');
  if (nu !== undefined) {
    const nr = DerReader.inside(nu, 'nextUpdate');
    nextUpdate = generalizedTime(nr.next('nextUpdate'), 'nextUpdate');
    nr.finish('nextUpdate');
  }
  const extensions = parseExplicitExtensions(r, 1, 'singleExtensions');
  r.finish('SingleResponse');
  return Object.freeze({ certId, certStatus: Object.freeze(certStatus), thisUpdate, nextUpdate, extensions: Object.freeze(extensions) });
}

function parseResponderId(t: Tlv): OcspResponderId {
  if (t.tag === contextTag(1, true)) {
    const r = DerReader.inside(t, 'byName');
    const name = parseNameTlv(r.expect(Tag.SEQUENCE, 'byName'));
    r.finish('byName');
    return { type: 'byName', name };
  }
  if (t.tag === contextTag(2, true)) {
    const r = DerReader.inside(t, 'byKey');
    const keyHash = r.expect(Tag.OCTET_STRING, 'byKey').content;
    r.finish('byKey');
    if (keyHash.length !== 20) parseError('ResponderID byKey: KeyHash must be a 20-octet SHA-1 hash', t.offset);
    return { type: 'byKey', keyHash };
  }
  return parseError('ResponderID: not byName [1] or byKey [2]', t.offset);
}

function parseBasic(bytes: Uint8Array, base: number): BasicOcspResponse {
  const top = DerReader.inside(readSingleTagged(bytes, Tag.SEQUENCE, 'BasicOCSPResponse', base), 'BasicOCSPResponse');
  const tbsTlv = top.expect(Tag.SEQUENCE, 'tbsResponseData');
  const signatureAlgorithm = parseSignatureAlgorithm(top.expect(Tag.SEQUENCE, 'signatureAlgorithm'), 'signatureAlgorithm');
  const signature = decodeOctetAlignedBitString(top.expect(Tag.BIT_STRING, 'signature'), 'signature');
  const certs: Certificate[] = [];
  const certsWrap = top.optional(contextTag(0, true), 'certs');
  top.finish('BasicOCSPResponse');
  if (certsWrap !== undefined) {
    const w = DerReader.inside(certsWrap, 'certs');
    const seq = DerReader.inside(w.expect(Tag.SEQUENCE, 'certs'), 'certs');
    w.finish('certs');
    while (!seq.atEnd()) {
      if (certs.length >= MAX_ITEMS) parseError(`more than ${MAX_ITEMS} certificates`, seq.offset);
      const c = seq.expect(Tag.SEQUENCE, 'certificate');
      try {
        certs.push(parseCertificate(c.der));
      } catch (e) {
        if (e instanceof X509Error) parseError(`responder certificate does not parse: ${e.message}`, c.offset);
        throw e;
      }
    }
  }
  const r = DerReader.inside(tbsTlv, 'ResponseData');
  let version = 0;
  const v = r.optional(contextTag(0, true), 'version');
  if (v !== undefined) {
    const vr = DerReader.inside(v, 'version');
    version = decodeSmallInteger(vr.expect(Tag.INTEGER, 'version'), 'version');
    vr.finish('version');
    if (version !== 0) parseError('ResponseData version must be v1', v.offset);
  }
  const responderId = parseResponderId(r.next('responderID'));
  const producedAt = generalizedTime(r.next('producedAt'), 'producedAt');
  const list = DerReader.inside(r.expect(Tag.SEQUENCE, 'responses'), 'responses');
  const responses: OcspSingleResponse[] = [];
  while (!list.atEnd()) {
    if (responses.length >= MAX_ITEMS) parseError(`more than ${MAX_ITEMS} SingleResponses`, list.offset);
    responses.push(parseSingleResponse(list.expect(Tag.SEQUENCE, 'SingleResponse')));
  }
  const extOffset = r.offset;
  const extensions = parseExplicitExtensions(r, 1, 'responseExtensions');
  r.finish('ResponseData');
  return Object.freeze({
    tbs: tbsTlv.der,
    version,
    responderId: Object.freeze(responderId),
    producedAt,
    responses: Object.freeze(responses),
    extensions: Object.freeze(extensions),
    nonce: nonceOf(extensions, extOffset),
    signatureAlgorithm,
    signature,
    certs: Object.freeze(certs),
  });
}

/**
 * Decode an OCSPResponse (parse only: nothing is verified).
 * @throws X509Error `ERR_X509_PARSE` for anything that is not one well-formed response
 *   (strict DER, at most {@link MAX_OCSP_RESPONSE_SIZE} bytes).
 * @throws TypeError when `der` is not a Uint8Array.
 */
export function decodeOcspResponse(der: Uint8Array): OcspResponse {
  if (!(der instanceof Uint8Array)) throw new TypeError('response must be a Uint8Array');
  return guarded('OCSP response', () => {
    if (der.length === 0) parseError('empty OCSP response', 0);
    if (der.length > MAX_OCSP_RESPONSE_SIZE) parseError(`OCSP response larger than ${MAX_OCSP_RESPONSE_SIZE} bytes`, 0);
    const copy = der.slice();
    const top = DerReader.inside(readSingleTagged(copy, Tag.SEQUENCE, 'OCSPResponse'), 'OCSPResponse');
    const responseStatus = decodeSmallInteger(top.expect(Tag.ENUMERATED, 'responseStatus'), 'responseStatus', Tag.ENUMERATED);
    const wrap = top.optional(contextTag(0, true), 'responseBytes');
    top.finish('OCSPResponse');
    const responseStatusName = STATUS_NAMES.get(responseStatus) ?? `status ${responseStatus}`;
    if (wrap === undefined) return Object.freeze({ der: copy, responseStatus, responseStatusName, responseType: null, basic: null });
    const w = DerReader.inside(wrap, 'responseBytes');
    const rb = DerReader.inside(w.expect(Tag.SEQUENCE, 'ResponseBytes'), 'ResponseBytes');
    w.finish('responseBytes');
    const responseType = decodeOid(rb.expect(Tag.OID, 'responseType'), 'responseType');
    const response = rb.expect(Tag.OCTET_STRING, 'response');
    rb.finish('ResponseBytes');
    const basic = responseType === OcspOid.basic ? parseBasic(response.content, response.contentOffset) : null;
    return Object.freeze({ der: copy, responseStatus, responseStatusName, responseType, basic });
  });
}

// ---------------------------------------------------------------------------------------
// Verification

/** Options of {@link verifyOcspResponse}. */
export interface VerifyOcspResponseOptions extends BackendOptions {
  /** The certificate asked about. */
  readonly certificate: Certificate | Uint8Array;
  /** Its issuer (the CA whose key, or whose delegated responder, must sign). */
  readonly issuer: Certificate | Uint8Array;
  /** The nonce sent: the response must echo it (RFC 9654). Omit when none was sent. */
  readonly nonce?: Uint8Array | null;
  /** Validation time (default now). */
  readonly now?: Date;
  /** Tolerance for thisUpdate / nextUpdate, in seconds (default 0). */
  readonly clockSkewSeconds?: number;
  /** For a response without nextUpdate: the most seconds since thisUpdate (default 86400). */
  readonly maxAgeSeconds?: number;
}

/** A response that verified: what it says about the certificate. */
export interface OcspVerified {
  readonly certStatus: OcspCertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  readonly producedAt: Date;
  /** `issuer`: the CA signed the response; `delegated`: a responder certificate the CA issued. */
  readonly responder: 'issuer' | 'delegated';
  /** The delegated responder certificate, when one signed. */
  readonly responderCertificate: Certificate | null;
  /**
   * For a delegated responder: true when it carries id-pkix-ocsp-nocheck (RFC 6960
   * §4.2.2.2.1), so its own revocation is not checked; false when it does not (shomei does
   * not check a responder certificate's revocation either way: the caller's policy decides).
   */
  readonly responderNoCheck: boolean;
  /** True when a nonce was sent and echoed. */
  readonly nonceMatched: boolean;
}

function fail(check: OcspProblem, message: string): never {
  throw new X509Error('ERR_X509_OCSP', `OCSP ${check}: ${message}`, { check });
}

/** True when `responderId` names `cert` (by subject name, or by the SHA-1 of its key). */
async function identifies(responderId: OcspResponderId, cert: Certificate, backend: CryptoBackend): Promise<boolean> {
  if (responderId.type === 'byName') return equalBytes(responderId.name.der, cert.subject.der);
  return equalBytes(responderId.keyHash, await backend.digest('SHA-1', cert.subjectPublicKey));
}

async function matchesCert(id: OcspCertId, cert: Certificate, ca: Certificate, backend: CryptoBackend): Promise<boolean> {
  if (id.hash === null || id.serialNumber !== cert.serialNumber) return false;
  const nameHash = await backend.digest(id.hash, cert.issuer.der);
  const keyHash = await backend.digest(id.hash, ca.subjectPublicKey);
  return equalBytes(nameHash, id.issuerNameHash) && equalBytes(keyHash, id.issuerKeyHash);
}

/** Non-negative finite seconds, or the default. */
export function seconds(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`options.${name} must be a non-negative number of seconds`);
  return value;
}

/**
 * Verify an OCSP response about `options.certificate` (RFC 6960 §3.2): the status is
 * successful and the type basic; a SingleResponse matches the certificate's CertID (of
 * several, one that says revoked, else the first); the responder is the issuer itself or a
 * certificate the issuer signed with id-kp-OCSPSigning (valid at `now`, digitalSignature when
 * it has a keyUsage); the signature verifies over the received ResponseData, with an algorithm
 * shomei supports; thisUpdate ≤ nextUpdate, and thisUpdate ≤ now ≤ nextUpdate (with the
 * skew); the nonce sent is echoed; no critical extension is left unprocessed. Returns what
 * the response says (good, revoked, unknown).
 * @throws X509Error `ERR_X509_OCSP` with `check` an {@link OcspProblem} when the response
 *   cannot be used; `ERR_X509_PARSE` when the bytes do not decode.
 */
export async function verifyOcspResponse(response: OcspResponse | Uint8Array, options: VerifyOcspResponseOptions): Promise<OcspVerified> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const backend = resolveBackend(options);
  const { cert, ca } = checkCertAndIssuer(options.certificate, options.issuer);
  const now = options.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('options.now must be a valid Date');
  const skewMs = seconds(options.clockSkewSeconds, 'clockSkewSeconds', 0) * 1000;
  const maxAgeMs = seconds(options.maxAgeSeconds, 'maxAgeSeconds', 86400) * 1000;
  if (options.nonce !== undefined && options.nonce !== null && !(options.nonce instanceof Uint8Array)) throw new TypeError('options.nonce must be bytes');
  const decoded = response instanceof Uint8Array ? decodeOcspResponse(response) : response;
  if (decoded.responseStatus !== OcspResponseStatus.successful) fail(OcspProblem.RESPONSE_STATUS, `the responder answered ${decoded.responseStatusName}`);
  if (decoded.responseType === null) fail(OcspProblem.RESPONSE_STATUS, 'a successful response without responseBytes');
  const basic = decoded.basic;
  if (basic === null) fail(OcspProblem.RESPONSE_TYPE, `response type ${decoded.responseType} is not id-pkix-ocsp-basic`);

  // The first SingleResponse for the certificate, unless a later one says revoked: RFC 6960
  // does not say which of two answers counts, and revoked is the one that fails safe (as a
  // serial listed twice on a CRL is revoked if any entry revokes it).
  let single: OcspSingleResponse | undefined;
  for (const s of basic.responses) {
    if ((single === undefined || s.certStatus.status === 'revoked') && (await matchesCert(s.certId, cert, ca, backend))) {
      single = s;
      if (s.certStatus.status === 'revoked') break;
    }
  }
  if (single === undefined) fail(OcspProblem.CERT_ID, `no SingleResponse for serial ${cert.serialNumber} of ${ca.subject.text}`);

  // The responder (§4.2.2.2): the CA itself, or a certificate the CA issued for OCSP signing.
  let responderCertificate: Certificate | null = null;
  let signer: Certificate | null = null;
  if (await identifies(basic.responderId, ca, backend)) {
    signer = ca;
  } else {
    const problems: string[] = [];
    let tried = 0;
    for (const c of basic.certs) {
      if (!(await identifies(basic.responderId, c, backend))) continue;
      // A hostile response can send many certificates that all match the ResponderID: each costs a signature check.
      if (++tried > MAX_RESPONDER_CANDIDATES) break;
      if (!equalBytes(c.issuer.der, ca.subject.der)) problems.push(`${c.subject.text} was not issued by ${ca.subject.text}`);
      else if (!equalBytes(c.signatureAlgorithm.der, c.tbsSignatureAlgorithm.der) || !(await verifySignedData(c.signatureAlgorithm, c.tbs, c.signature, ca.publicKey, backend))) {
        problems.push(`${c.subject.text} is not signed by the issuing CA's key`);
      } else if (!(c.extKeyUsage?.oids.includes(ExtKeyUsageOid.ocspSigning) ?? false)) problems.push(`${c.subject.text} lacks extKeyUsage id-kp-OCSPSigning`);
      else if (c.keyUsage !== null && !c.keyUsage.usages.includes('digitalSignature')) problems.push(`${c.subject.text} keyUsage lacks digitalSignature`);
      else if (c.notBefore.getTime() - skewMs > now.getTime() || c.notAfter.getTime() + skewMs < now.getTime()) problems.push(`${c.subject.text} is not valid at ${now.toISOString()}`);
      else {
        signer = c;
        responderCertificate = c;
        break;
      }
    }
    if (signer === null) fail(OcspProblem.RESPONDER, problems.length > 0 ? problems.join('; ') : 'the responder is neither the issuing CA nor a certificate sent with the response');
  }
  if (basic.signatureAlgorithm.name === null) fail(OcspProblem.SIGNATURE, `the response is signed with ${basic.signatureAlgorithm.oid}, which shomei does not verify`);
  if (!(await verifySignedData(basic.signatureAlgorithm, basic.tbs, basic.signature, signer.publicKey, backend))) {
    fail(OcspProblem.SIGNATURE, `the response signature does not verify with the key of ${signer.subject.text}`);
  }
  for (const ext of [...basic.extensions, ...single.extensions]) {
    if (ext.critical && ext.oid !== OcspOid.nonce) fail(OcspProblem.CRITICAL_EXTENSION, `unsupported critical extension ${ext.oid}`);
  }
  const t = now.getTime();
  if (single.thisUpdate.getTime() - skewMs > t) fail(OcspProblem.FRESHNESS, `thisUpdate ${single.thisUpdate.toISOString()} is in the future`);
  if (single.nextUpdate !== null && single.nextUpdate < single.thisUpdate) fail(OcspProblem.FRESHNESS, `nextUpdate ${single.nextUpdate.toISOString()} is before thisUpdate`);
  if (single.nextUpdate !== null && single.nextUpdate.getTime() + skewMs < t) fail(OcspProblem.FRESHNESS, `the response is stale: nextUpdate ${single.nextUpdate.toISOString()}`);
  if (single.nextUpdate === null && single.thisUpdate.getTime() + maxAgeMs + skewMs < t) {
    fail(OcspProblem.FRESHNESS, `no nextUpdate, and thisUpdate ${single.thisUpdate.toISOString()} is older than ${maxAgeMs / 1000} s`);
  }
  const sent = options.nonce ?? null;
  if (sent !== null) {
    if (basic.nonce === null) fail(OcspProblem.NONCE, 'the nonce sent is not in the response');
    if (!constantTimeEqual(basic.nonce, sent)) fail(OcspProblem.NONCE, 'the response nonce differs from the one sent');
  }
  return Object.freeze({
    certStatus: single.certStatus,
    thisUpdate: single.thisUpdate,
    nextUpdate: single.nextUpdate,
    producedAt: basic.producedAt,
    responder: responderCertificate === null ? 'issuer' : 'delegated',
    responderCertificate,
    responderNoCheck: responderCertificate?.extensions.some((e) => e.oid === OcspOid.noCheck) ?? false,
    nonceMatched: sent !== null,
  });
}
