/**
 * Signed OpenID4VP requests over the W3C Digital Credentials API (OpenID4VP 1.0 Appendix
 * A.3): `openid4vp-v1-signed`, a Request Object in JWS compact serialization in
 * `data.request`, and `openid4vp-v1-multisigned`, the same claims signed by several
 * verifier identities in JWS general JSON serialization (A.3.2). The Request Object
 * carries `client_id` (for the multi-signed form, each signature's protected header does)
 * and `expected_origins`, the origins the wallet must see the request come from.
 *
 * ```
 * { "protocol": "openid4vp-v1-signed", "data": { "request": "<JWS compact>" } }
 * { "protocol": "openid4vp-v1-multisigned", "data": { "request": { "payload": b64url, "signatures": [+ { "protected": b64url, "signature": b64url }] } } }
 * ```
 *
 * The answer is what an unsigned request gets (`dc_api` / `dc_api.jwt`, OpenID4VPDCAPIHandover):
 * the verifier opens it with `openOpenId4VpDcApiResponse` and the state of the request.
 */

import { toBase64, toBase64Url, utf8Encode } from '../../internal/bytes.js';
import type { BackendOptions } from '../../crypto/types.js';
import { type Signer, signWith } from '../../cose/signer.js';
import { isShomeiError, OnlineError } from '../../errors.js';
import { type Certificate, parseCertificate } from '../../x509/index.js';
import { isObject, jsonObject } from '../json.js';
import { checkOrigin, type OpenId4VpDcApiRequest, type OpenId4VpDcApiWalletRequest, readOpenId4VpDcApiRequest } from '../openid4vp.js';
import { type AuthenticateClientOptions, authenticateClient, type ClientAuthentication, parseClientId, x509Hash } from './client-id.js';
import { OpenId4VpErrorCode } from './errors.js';
import { haipFindings } from './haip.js';
import { decodeJws, decodeJwsJson, type DecodedJws, jwsAlgOf, type JwsSignature, jwtTimeProblem, signJws, typIs } from './jws.js';
import { REQUEST_OBJECT_TYP } from './request.js';
import type { TransactionDataType } from '../transaction-data.js';

/** The DC API protocol identifiers of signed OpenID4VP 1.0 requests (A.1). */
export const OPENID4VP_DC_API_SIGNED_PROTOCOL = 'openid4vp-v1-signed';
export const OPENID4VP_DC_API_MULTISIGNED_PROTOCOL = 'openid4vp-v1-multisigned';

/** A signed request to hand to `navigator.credentials.get`. */
export interface OpenId4VpDcApiSignedRequest {
  readonly protocol: typeof OPENID4VP_DC_API_SIGNED_PROTOCOL | typeof OPENID4VP_DC_API_MULTISIGNED_PROTOCOL;
  readonly data: { readonly request: string | { readonly payload: string; readonly signatures: readonly { readonly protected: string; readonly signature: string }[] } };
}

/** One verifier identity that signs: its key or external signer and its x5c chain (leaf first). */
export interface OpenId4VpDcApiSigner {
  readonly signer: Signer;
  readonly certificates: readonly (Certificate | Uint8Array)[];
  /** `x509_hash` (default) or `x509_san_dns` (then `dnsName`, default the leaf's first). */
  readonly clientIdPrefix?: 'x509_hash' | 'x509_san_dns';
  readonly dnsName?: string;
}

async function clientIdOf(s: OpenId4VpDcApiSigner, leaf: Certificate, options: BackendOptions): Promise<string> {
  if ((s.clientIdPrefix ?? 'x509_hash') === 'x509_hash') return `x509_hash:${await x509Hash(leaf, options)}`;
  const names = (leaf.subjectAltName?.names ?? []).flatMap((n) => (n.type === 'dNSName' ? [n.value] : []));
  const name = s.dnsName ?? names[0];
  if (name === undefined || !names.includes(name)) throw new TypeError('dnsName must be a DNS name of the leaf certificate');
  return `x509_san_dns:${name}`;
}

/**
 * Verifier side: sign an unsigned DC API request (from `createOpenId4VpDcApiRequest`, whose
 * state stays as it is) for `expectedOrigins`: one signer gives `openid4vp-v1-signed`,
 * several `openid4vp-v1-multisigned`.
 * @throws TypeError for no signer, empty expected origins, or a signer without certificates.
 */
export async function signOpenId4VpDcApiRequest(
  request: OpenId4VpDcApiRequest,
  options: BackendOptions & { readonly signers: readonly OpenId4VpDcApiSigner[]; readonly expectedOrigins: readonly string[] },
): Promise<OpenId4VpDcApiSignedRequest> {
  if (!Array.isArray(options.signers) || options.signers.length === 0) throw new TypeError('signers must be a non-empty array');
  if (!Array.isArray(options.expectedOrigins) || options.expectedOrigins.length === 0) throw new TypeError('expectedOrigins must be a non-empty array');
  for (const o of options.expectedOrigins) checkOrigin(o);
  const identities = await Promise.all(
    options.signers.map(async (s: OpenId4VpDcApiSigner) => {
      const certs: Certificate[] = s.certificates.map((c) => (c instanceof Uint8Array ? parseCertificate(c) : c));
      if (certs.length === 0) throw new TypeError('each signer needs its certificates');
      return { s, certs, clientId: await clientIdOf(s, certs[0]!, options) };
    }),
  );
  const backend = options.backend === undefined ? {} : { backend: options.backend };
  const base = { ...request.data, expected_origins: [...options.expectedOrigins] };
  if (identities.length === 1) {
    const { s, certs, clientId } = identities[0]!;
    const header = { typ: REQUEST_OBJECT_TYP, x5c: certs.map((c) => toBase64(c.der)) };
    return { protocol: OPENID4VP_DC_API_SIGNED_PROTOCOL, data: { request: await signJws({ signer: s.signer, header, payload: { ...base, client_id: clientId }, ...backend }) } };
  }
  const payload = toBase64Url(utf8Encode(JSON.stringify(base)));
  const signatures = [];
  for (const { s, certs, clientId } of identities) {
    const protectedHeader = toBase64Url(utf8Encode(JSON.stringify({ alg: jwsAlgOf(s.signer), typ: REQUEST_OBJECT_TYP, x5c: certs.map((c) => toBase64(c.der)), client_id: clientId })));
    const signature = await signWith(s.signer, utf8Encode(`${protectedHeader}.${payload}`), backend);
    signatures.push({ protected: protectedHeader, signature: toBase64Url(signature) });
  }
  return { protocol: OPENID4VP_DC_API_MULTISIGNED_PROTOCOL, data: { request: { payload, signatures } } };
}

/** What a wallet reads from a signed DC API request: the unsigned view, and the verifier as authenticated. */
export interface OpenId4VpDcApiSignedWalletRequest extends OpenId4VpDcApiWalletRequest {
  readonly client: ClientAuthentication;
  readonly clientId: string;
}

/**
 * Wallet side: read a signed DC API request (`openid4vp-v1-signed` or `-multisigned`):
 * verify a signature and its client identifier (§5.9.3, with the caller's trust anchors),
 * check that the platform-reported `origin` is one of `expected_origins` (A.3), then read
 * the claims as an unsigned request. With several signatures, the first that
 * authenticates is used. `transactionDataTypes` are the `transaction_data` types this wallet
 * processes, as for {@link readOpenId4VpDcApiRequest}: without them a request carrying
 * `transaction_data` is refused.
 * @throws OnlineError `ERR_OID4VP_SIGNATURE`, `ERR_OID4VP_CLIENT_ID`, `ERR_OID4VP_UNTRUSTED`
 *   (the last failure, when no signature authenticates); `ERR_ONLINE_MESSAGE` for a
 *   malformed request or an origin not expected; `ERR_OID4VP_PROFILE` for a HAIP violation;
 *   `ERR_TRANSACTION_DATA` for a `transaction_data` entry the types do not accept.
 */
export async function readOpenId4VpDcApiSignedRequest(
  protocol: string,
  data: unknown,
  origin: string,
  options: AuthenticateClientOptions & { readonly profile?: 'haip'; readonly transactionDataTypes?: readonly TransactionDataType[] } = {},
): Promise<OpenId4VpDcApiSignedWalletRequest> {
  checkOrigin(origin);
  if (options.profile === 'haip' && options.trustAnchors === undefined) throw new TypeError('the HAIP profile needs trustAnchors to validate the verifier certificate');
  const d = jsonObject(data, 'the request');
  let decoded: DecodedJws;
  try {
    if (protocol === OPENID4VP_DC_API_SIGNED_PROTOCOL) decoded = decodeJws(d.request);
    else if (protocol === OPENID4VP_DC_API_MULTISIGNED_PROTOCOL) decoded = decodeJwsJson(isObject(d.request) ? d.request : d);
    else throw new TypeError(`protocol must be ${OPENID4VP_DC_API_SIGNED_PROTOCOL} or ${OPENID4VP_DC_API_MULTISIGNED_PROTOCOL}`);
  } catch (e) {
    if (isShomeiError(e)) throw new OnlineError('ERR_OID4VP_SIGNATURE', `the Request Object is not a signed JWT: ${e.message}`, { cause: e, check: OpenId4VpErrorCode.INVALID_REQUEST_OBJECT });
    throw e;
  }
  const claims = decoded.payload;
  const expected = claims.expected_origins;
  if (!Array.isArray(expected) || expected.length === 0) throw new OnlineError('ERR_ONLINE_MESSAGE', 'a signed DC API request needs expected_origins (A.3)', { check: OpenId4VpErrorCode.INVALID_REQUEST });
  if (!expected.includes(origin)) throw new OnlineError('ERR_ONLINE_MESSAGE', `the request came from ${origin}, which is not among its expected_origins`, { check: OpenId4VpErrorCode.INVALID_REQUEST });
  let chosen: { signature: JwsSignature; client: ClientAuthentication } | undefined;
  let failure: unknown;
  for (const signature of decoded.signatures) {
    try {
      if (!typIs(signature.header.typ, REQUEST_OBJECT_TYP)) throw new OnlineError('ERR_OID4VP_SIGNATURE', `the Request Object typ is ${JSON.stringify(signature.header.typ)}, not ${REQUEST_OBJECT_TYP}`);
      const clientId = parseClientId(decoded.signatures.length > 1 ? signature.header.client_id : claims.client_id);
      if (clientId.prefix === 'redirect_uri' || clientId.prefix === 'origin') throw new OnlineError('ERR_OID4VP_CLIENT_ID', `the ${clientId.prefix} prefix cannot sign a DC API request`);
      chosen = { signature, client: await authenticateClient(clientId, signature, undefined, options) };
      break;
    } catch (e) {
      if (!isShomeiError(e)) throw e;
      failure = e;
    }
  }
  if (chosen === undefined) throw failure;
  // The time claims, once a signature is known to cover them (RFC 7519 §4.1.4–§4.1.6).
  const late = jwtTimeProblem(claims, options.now ?? new Date(), options.clockSkewSeconds ?? 60);
  if (late !== undefined) throw new OnlineError('ERR_ONLINE_MESSAGE', `the Request Object ${late}`, { check: OpenId4VpErrorCode.INVALID_REQUEST_OBJECT });
  if (options.profile === 'haip') {
    const x5c = Array.isArray(chosen.signature.header.x5c) ? chosen.signature.header.x5c.map((c) => parseCertificate(Uint8Array.from(atob(String(c)), (ch) => ch.charCodeAt(0)))) : [];
    const findings = haipFindings({ flow: 'dc_api', signed: true, alg: chosen.signature.alg, x5c, claims: { ...claims, client_id: chosen.client.clientId.clientId } });
    if (findings.length > 0) throw new OnlineError('ERR_OID4VP_PROFILE', `the request breaks HAIP: ${findings.map((f) => `${f.id} (${f.detail})`).join('; ')}`, { check: findings[0]!.id });
  }
  const { client_id: _c, expected_origins: _e, aud: _a, iat: _i, exp: _x, iss: _s, ...rest } = claims;
  const read = await readOpenId4VpDcApiRequest(rest, origin, {
    ...(options.backend === undefined ? {} : { backend: options.backend }),
    ...(options.transactionDataTypes === undefined ? {} : { transactionDataTypes: options.transactionDataTypes }),
  });
  return { ...read, client: chosen.client, clientId: chosen.client.clientId.clientId };
}
