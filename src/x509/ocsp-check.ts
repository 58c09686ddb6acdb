/**
 * Checking a certificate's status over OCSP (RFC 6960) through the caller's transport:
 * build the request, send it (shomei never opens a socket: the transport is injected,
 * Appendix A's HTTP POST is the caller's), verify the answer with `verifyOcspResponse`,
 * and keep verified answers in a bounded, single-flight cache until their nextUpdate.
 * What the network or the responder does is a result (`unavailable`, `unusable`), never
 * an exception.
 */
import { resolveBackend } from '../crypto/default.js';
import type { BackendOptions } from '../crypto/types.js';
import { X509Error } from '../errors.js';
import { toHex } from '../internal/bytes.js';
import { ExpiringCache } from '../internal/cache.js';
import { type Certificate, toCertificate } from './certificate.js';
import { DerReader, decodeOid, readSingleTagged, Tag } from './der.js';
import { parseGeneralName } from './extensions.js';
import { ignoreFindings } from './findings.js';
import { buildOcspRequest, checkCertAndIssuer, type OcspHash, OcspOid, type OcspProblem, type OcspVerified, seconds, verifyOcspResponse } from './ocsp.js';

/** Sends a DER OCSPRequest to `url` and returns the DER OCSPResponse (HTTP POST, `application/ocsp-request`, RFC 6960 Appendix A). */
export type OcspTransport = (request: Uint8Array, url: string) => Promise<Uint8Array>;

/** A cache of verified OCSP answers keyed by CertID and URL, each kept until its nextUpdate. */
export type OcspCache = ExpiringCache<string, OcspVerified>;

/**
 * A bounded, expiring, single-flight cache for {@link checkOcsp}: concurrent checks of one
 * certificate send one request, and an answer is reused until its nextUpdate (or thisUpdate
 * plus the maximum age). `now` is the cache's clock (default `Date.now`).
 */
export function createOcspCache(options: { readonly maxEntries?: number; readonly now?: () => number } = {}): OcspCache {
  return new ExpiringCache<string, OcspVerified>({ maxEntries: options.maxEntries ?? 1024, ...(options.now ? { now: options.now } : {}) });
}

/** The OCSP URLs in a certificate's authorityInfoAccess (id-ad-ocsp, URI form). */
export function ocspUrls(certificate: Certificate | Uint8Array): string[] {
  const cert = toCertificate(certificate, 'certificate');
  const ext = cert.extensions.find((e) => e.oid === OcspOid.authorityInfoAccess);
  if (ext === undefined) return [];
  try {
    const r = DerReader.inside(readSingleTagged(ext.value, Tag.SEQUENCE, 'authorityInfoAccess'), 'authorityInfoAccess');
    const urls: string[] = [];
    while (!r.atEnd()) {
      const ad = DerReader.inside(r.expect(Tag.SEQUENCE, 'AccessDescription'), 'AccessDescription');
      const method = decodeOid(ad.expect(Tag.OID, 'accessMethod'), 'accessMethod');
      const location = parseGeneralName(ad.next('accessLocation'), ignoreFindings);
      ad.finish('AccessDescription');
      if (method === OcspOid.adOcsp && location.type === 'uniformResourceIdentifier') urls.push(location.value);
    }
    return urls;
  } catch (e) {
    if (e instanceof X509Error) return [];
    throw e;
  }
}

/** Options of {@link checkOcsp}. */
export interface CheckOcspOptions extends BackendOptions {
  readonly transport: OcspTransport;
  /** The responder URL; default the certificate's authorityInfoAccess OCSP URL. */
  readonly url?: string;
  /** CertID hash (default SHA-1). */
  readonly hash?: OcspHash;
  /** Send a nonce (default true: 32 random octets), or the nonce to send. */
  readonly nonce?: Uint8Array | boolean;
  readonly now?: Date;
  readonly clockSkewSeconds?: number;
  readonly maxAgeSeconds?: number;
  /** Reuse verified answers until their nextUpdate. A cached answer is not re-checked against a new nonce. */
  readonly cache?: OcspCache;
}

/** A transport failure inside {@link checkOcsp}: reported as `unavailable`, never thrown to the caller. */
class TransportFailure extends Error {}

/** The outcome of {@link checkOcsp}. */
export type OcspCheck =
  | { readonly status: 'good' | 'revoked' | 'unknown'; readonly url: string; readonly response: OcspVerified; readonly cached: boolean }
  | { readonly status: 'unusable'; readonly url: string; readonly problem: OcspProblem | 'MALFORMED'; readonly reason: string }
  | { readonly status: 'unavailable'; readonly url: string | null; readonly reason: string };

/**
 * Ask the responder about `certificate` through `options.transport` and verify the answer.
 * Never throws for what the network or the responder does: a transport failure is
 * `unavailable`, a response that cannot be used is `unusable` with the {@link OcspProblem}.
 * @throws TypeError / RangeError for bad options.
 */
export async function checkOcsp(certificate: Certificate | Uint8Array, issuer: Certificate | Uint8Array, options: CheckOcspOptions): Promise<OcspCheck> {
  if (typeof options !== 'object' || options === null || typeof options.transport !== 'function') throw new TypeError('options.transport must be a function');
  const backend = resolveBackend(options);
  const { cert, ca } = checkCertAndIssuer(certificate, issuer);
  const url = options.url ?? ocspUrls(cert)[0];
  if (url === undefined) return { status: 'unavailable', url: null, reason: 'no responder URL given and none in the certificate' };
  if (typeof url !== 'string') throw new TypeError('options.url must be a string');
  const request = await buildOcspRequest(cert, ca, { backend, ...(options.hash ? { hash: options.hash } : {}), ...(options.nonce !== undefined ? { nonce: options.nonce } : {}) });
  const key = `${toHex(request.certId.der)} ${url}`;
  const now = options.now ?? new Date();
  const maxAgeMs = seconds(options.maxAgeSeconds, 'maxAgeSeconds', 86400) * 1000;
  const fetchAndVerify = async (): Promise<OcspVerified> => {
    let bytes: Uint8Array;
    try {
      bytes = await options.transport(request.der, url);
    } catch (e) {
      throw new TransportFailure(`the OCSP transport failed for ${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!(bytes instanceof Uint8Array)) throw new TransportFailure(`the OCSP transport returned no bytes for ${url}`);
    return verifyOcspResponse(bytes, {
      certificate: cert,
      issuer: ca,
      nonce: request.nonce,
      now,
      backend,
      ...(options.clockSkewSeconds !== undefined ? { clockSkewSeconds: options.clockSkewSeconds } : {}),
      ...(options.maxAgeSeconds !== undefined ? { maxAgeSeconds: options.maxAgeSeconds } : {}),
    });
  };
  let cached = options.cache?.get(key) !== undefined;
  try {
    const response =
      options.cache === undefined
        ? await fetchAndVerify()
        : await options.cache.load(key, async () => {
            cached = false;
            const v = await fetchAndVerify();
            return { value: v, expiresAt: v.nextUpdate?.getTime() ?? v.thisUpdate.getTime() + maxAgeMs };
          });
    return { status: response.certStatus.status, url, response, cached };
  } catch (e) {
    if (e instanceof TransportFailure) return { status: 'unavailable', url, reason: e.message };
    if (e instanceof X509Error && e.code === 'ERR_X509_OCSP') return { status: 'unusable', url, problem: e.check as OcspProblem, reason: e.message };
    if (e instanceof X509Error && e.code === 'ERR_X509_PARSE') return { status: 'unusable', url, problem: 'MALFORMED', reason: `the OCSP response does not decode: ${e.message}` };
    throw e;
  }
}
