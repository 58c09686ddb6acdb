/**
 * The responder side of OCSP, RFC 6960 §4.2.1: building a signed BasicOCSPResponse (for
 * tests, demos, and anyone running their own responder) and the unsigned error responses
 * (`malformedRequest`, `tryLater`…). The ResponderID is byKey (the SHA-1 of the responder's
 * subjectPublicKey, §4.2.2.3) unless byName is asked for; a request nonce is echoed when
 * given (RFC 9654).
 */
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions } from '../crypto/types.js';
import { type CertificateSigner, sign, signerAlgorithm } from './build.js';
import type { Certificate } from './certificate.js';
import { contextTag, encodeBitString, encodeOctetString, encodeOid, encodeSequence, encodeTime, encodeTlv, encodeTlvOf, Tag } from './der.js';
import { encodeExtension } from './extensions.js';
import { OcspOid, type OcspCertId, type OcspCertStatus, OcspResponseStatus } from './ocsp.js';
import { encodeSignatureAlgorithm } from './signature.js';

/** One SingleResponse to build. */
export interface OcspResponseEntryInput {
  /** The CertID as the request carried it (`decodeOcspRequest(...).certIds[i]`). */
  readonly certId: OcspCertId;
  readonly certStatus: OcspCertStatus;
  readonly thisUpdate: Date;
  /** Omitted when null or undefined. */
  readonly nextUpdate?: Date | null;
}

/** Options of {@link buildOcspResponse}. */
export interface BuildOcspResponseOptions extends BackendOptions {
  readonly responses: readonly OcspResponseEntryInput[];
  /** The certificate of the key that signs: the issuing CA, or a delegated responder. */
  readonly responderCertificate: Certificate;
  /** Its private key, or an external signer. */
  readonly signer: CertificateSigner;
  readonly signatureAlgorithm?: 'ES256' | 'ES384' | 'ES512';
  /** ResponderID form (default byKey). */
  readonly responderId?: 'byName' | 'byKey';
  readonly producedAt: Date;
  /** The nonce to echo (the request's), or null for none. */
  readonly nonce?: Uint8Array | null;
  /** Certificates to send with the response (a delegated responder's own certificate). */
  readonly certs?: readonly Certificate[];
}

/** GeneralizedTime always (§4.2.1: producedAt, thisUpdate, nextUpdate and revocationTime are GeneralizedTime). */
function generalizedTime(date: Date): Uint8Array {
  const utc = encodeTime(date);
  if (utc[0] === Tag.GENERALIZED_TIME) return utc;
  const text = String.fromCharCode(...utc.subarray(2));
  const century = Number(text.slice(0, 2)) >= 50 ? '19' : '20';
  return encodeTlv(Tag.GENERALIZED_TIME, Uint8Array.from([...`${century}${text}`].map((c) => c.charCodeAt(0))));
}

function certStatus(s: OcspCertStatus): Uint8Array {
  switch (s.status) {
    case 'good':
      return Uint8Array.of(contextTag(0, false), 0);
    case 'unknown':
      return Uint8Array.of(contextTag(2, false), 0);
    case 'revoked': {
      const reason = s.reason === null ? [] : [encodeTlv(contextTag(0, true), encodeTlv(Tag.ENUMERATED, Uint8Array.of(s.reason)))];
      return encodeTlv(contextTag(1, true), generalizedTime(s.revocationTime), ...reason);
    }
    default:
      throw new TypeError('certStatus.status must be good, revoked or unknown');
  }
}

/**
 * Build and sign a successful OCSPResponse (DER) of type id-pkix-ocsp-basic.
 * @throws TypeError / RangeError for bad options; whatever an external signer throws.
 */
export async function buildOcspResponse(options: BuildOcspResponseOptions): Promise<Uint8Array> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const backend = resolveBackend(options);
  if (!Array.isArray(options.responses) || options.responses.length === 0) throw new TypeError('options.responses must be a non-empty array');
  const alg = signerAlgorithm(options.signer, options.signatureAlgorithm);
  const algId = encodeSignatureAlgorithm(alg);
  const responder = options.responderCertificate;
  const responderId =
    options.responderId === 'byName'
      ? encodeTlv(contextTag(1, true), responder.subject.der)
      : encodeTlv(contextTag(2, true), encodeOctetString(await backend.digest('SHA-1', responder.subjectPublicKey)));
  const singles = options.responses.map((r) => {
    if (r.certStatus.status === 'revoked' && r.certStatus.reason !== null && (!Number.isInteger(r.certStatus.reason) || r.certStatus.reason < 0 || r.certStatus.reason > 10)) {
      throw new RangeError('revocation reason must be a CRLReason code');
    }
    return encodeSequence(
      r.certId.der,
      certStatus(r.certStatus),
      generalizedTime(r.thisUpdate),
      ...(r.nextUpdate ? [encodeTlv(contextTag(0, true), generalizedTime(r.nextUpdate))] : []),
    );
  });
  const nonce = options.nonce ?? null;
  const extensions = nonce === null ? [] : [encodeTlv(contextTag(1, true), encodeSequence(encodeExtension(OcspOid.nonce, false, encodeOctetString(nonce))))];
  const tbs = encodeSequence(responderId, generalizedTime(options.producedAt), encodeTlvOf(Tag.SEQUENCE, singles), ...extensions);
  const signature = await sign(options.signer, alg, tbs, backend);
  const certs = options.certs === undefined || options.certs.length === 0 ? [] : [encodeTlv(contextTag(0, true), encodeSequence(...options.certs.map((c) => c.der)))];
  const basic = encodeSequence(tbs, algId, encodeBitString(signature), ...certs);
  return encodeSequence(
    encodeTlv(Tag.ENUMERATED, Uint8Array.of(OcspResponseStatus.successful)),
    encodeTlv(contextTag(0, true), encodeSequence(encodeOid(OcspOid.basic), encodeOctetString(basic))),
  );
}

/** An unsuccessful OCSPResponse (no responseBytes): `malformedRequest`, `internalError`, `tryLater`, `sigRequired` or `unauthorized`. */
export function encodeOcspErrorResponse(status: Exclude<keyof typeof OcspResponseStatus, 'successful'>): Uint8Array {
  const code: number | undefined = Object.hasOwn(OcspResponseStatus, status) ? OcspResponseStatus[status] : undefined;
  if (code === undefined || code === OcspResponseStatus.successful) throw new RangeError(`not an OCSP error status: ${String(status)}`);
  return encodeSequence(encodeTlv(Tag.ENUMERATED, Uint8Array.of(code)));
}

