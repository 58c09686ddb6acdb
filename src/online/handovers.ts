/**
 * Handovers for online presentation, each giving a SessionTranscript
 * `[null, null, Handover]`:
 *
 * - OpenID4VP 1.0 Appendix B.2.6.1 (redirect / direct_post): `OpenID4VPHandover`;
 * - OpenID4VP 1.0 Appendix B.2.6.2 (W3C Digital Credentials API): `OpenID4VPDCAPIHandover`,
 *   and the draft-24 form still seen in deployed wallets;
 * - ISO/IEC TS 18013-7:2024 Annex B: `OID4VPHandover` with the mdocGeneratedNonce;
 * - ISO/IEC TS 18013-7 Annex C (`org-iso-mdoc` over the DC API): `["dcapi", dcapiInfoHash]`;
 * - Apple Verify with Wallet (in app): `AppleIdentityPresentment_1.0`.
 *
 * ```cddl
 * OpenID4VPHandover = [ "OpenID4VPHandover", bstr ]   ; SHA-256(CBOR([clientId, nonce, jwkThumbprint / null, responseUri]))
 * OpenID4VPDCAPIHandover = [ "OpenID4VPDCAPIHandover", bstr ] ; SHA-256(CBOR([origin, nonce, jwkThumbprint / null]))
 *   ; draft 24: SHA-256(CBOR([origin, clientId, nonce]))
 * OID4VPHandover = [ clientIdHash, responseUriHash, nonce ]
 *   ; clientIdHash = SHA-256(CBOR([clientId, mdocGeneratedNonce])), responseUriHash likewise with responseUri
 * DCAPIHandover = [ "dcapi", bstr ]   ; SHA-256(CBOR([Base64EncryptionInfo, SerializedOrigin]))
 * AppleHandover = [ "AppleIdentityPresentment_1.0", nonce : bstr, merchantId : tstr, teamId : tstr, pkRHash : bstr ]
 * ```
 */

import { type CborValue, EncodedCbor, encode } from '../cbor/index.js';
import { resolveBackend } from '../crypto/index.js';
import type { BackendOptions, EcPublicKey } from '../crypto/types.js';
import { toBase64Url, utf8Encode } from '../internal/bytes.js';
import { readSessionTranscript, type SessionTranscriptBytes } from '../mdoc/index.js';

/** A handover and the SessionTranscript `[null, null, handover]` it makes. */
export interface OnlineTranscript {
  /** The encoded handover. */
  readonly handover: Uint8Array;
  /** The SessionTranscript (`tagged` for DeviceAuthentication, `transcript` as HPKE info). */
  readonly sessionTranscript: SessionTranscriptBytes;
}

async function sha256(data: Uint8Array, options: BackendOptions): Promise<Uint8Array> {
  return resolveBackend(options).digest('SHA-256', data);
}

function transcriptOf(handover: CborValue): OnlineTranscript {
  const encoded = encode(handover);
  const transcript = encode([null, null, handover]);
  return { handover: encoded, sessionTranscript: readSessionTranscript(EncodedCbor.wrap(transcript, null).tagged) };
}

/**
 * RFC 7638 JWK thumbprint (SHA-256) of an EC public key: the SHA-256 of
 * `{"crv":…,"kty":"EC","x":…,"y":…}` with no whitespace.
 */
export async function jwkThumbprint(key: EcPublicKey, options: BackendOptions = {}): Promise<Uint8Array> {
  if (key?.kty !== 'EC') throw new TypeError('jwkThumbprint takes an EC public key');
  const json = `{"crv":"${key.crv}","kty":"EC","x":"${toBase64Url(key.x)}","y":"${toBase64Url(key.y)}"}`;
  return sha256(utf8Encode(json), options);
}

/** OpenID4VP 1.0 B.2.6.1 (redirect). `jwkThumbprint` is null when the response is not encrypted. */
export async function openId4VpHandover(
  input: { readonly clientId: string; readonly nonce: string; readonly jwkThumbprint: Uint8Array | null; readonly responseUri: string },
  options: BackendOptions = {},
): Promise<OnlineTranscript> {
  const info = encode([input.clientId, input.nonce, input.jwkThumbprint, input.responseUri]);
  return transcriptOf(['OpenID4VPHandover', await sha256(info, options)]);
}

/** OpenID4VP 1.0 B.2.6.2 (DC API). `origin` without an `origin:` prefix; thumbprint null for `dc_api`. */
export async function openId4VpDcApiHandover(
  input: { readonly origin: string; readonly nonce: string; readonly jwkThumbprint: Uint8Array | null },
  options: BackendOptions = {},
): Promise<OnlineTranscript> {
  const info = encode([input.origin, input.nonce, input.jwkThumbprint]);
  return transcriptOf(['OpenID4VPDCAPIHandover', await sha256(info, options)]);
}

/** The OpenID4VP draft-24 DC API handover (`[origin, clientId, nonce]`), for wallets that still use it. */
export async function openId4VpDcApiDraft24Handover(
  input: { readonly origin: string; readonly clientId: string; readonly nonce: string },
  options: BackendOptions = {},
): Promise<OnlineTranscript> {
  const info = encode([input.origin, input.clientId, input.nonce]);
  return transcriptOf(['OpenID4VPDCAPIHandover', await sha256(info, options)]);
}

/** ISO/IEC TS 18013-7:2024 Annex B OID4VPHandover (with the wallet's mdocGeneratedNonce). */
export async function iso18013_7AnnexBHandover(
  input: { readonly clientId: string; readonly responseUri: string; readonly nonce: string; readonly mdocGeneratedNonce: string },
  options: BackendOptions = {},
): Promise<OnlineTranscript> {
  const clientIdHash = await sha256(encode([input.clientId, input.mdocGeneratedNonce]), options);
  const responseUriHash = await sha256(encode([input.responseUri, input.mdocGeneratedNonce]), options);
  return transcriptOf([clientIdHash, responseUriHash, input.nonce]);
}

/**
 * ISO/IEC TS 18013-7 Annex C (`org-iso-mdoc`): `encryptionInfo` is the exact base64url
 * string sent in the request; `origin` the page's serialized origin (no trailing slash).
 */
export async function dcApiHandover(input: { readonly encryptionInfo: string; readonly origin: string }, options: BackendOptions = {}): Promise<OnlineTranscript> {
  const info = encode([input.encryptionInfo, input.origin]);
  return transcriptOf(['dcapi', await sha256(info, options)]);
}

/** Apple Verify with Wallet (in app): `AppleIdentityPresentment_1.0`. */
export function appleHandover(input: { readonly nonce: Uint8Array; readonly merchantId: string; readonly teamId: string; readonly pkRHash: Uint8Array }): OnlineTranscript {
  return transcriptOf(['AppleIdentityPresentment_1.0', input.nonce, input.merchantId, input.teamId, input.pkRHash]);
}
