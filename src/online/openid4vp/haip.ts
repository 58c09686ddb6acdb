/**
 * The OpenID4VC High Assurance Interoperability Profile 1.0 (HAIP) for ISO mdoc
 * presentations with OpenID4VP 1.0, as a preset (`profile: 'haip'`) both ends apply:
 *
 * - the request is a signed Request Object (JAR, RFC 9101), `typ` `oauth-authz-req+jwt`,
 *   signed with ES256, with the `x509_hash` Client Identifier Prefix and an `x5c` header
 *   that does not include the trust anchor; for redirect flows it is passed by reference
 *   (`request_uri`);
 * - `response_type` `vp_token`, and the response is encrypted: `direct_post.jwt` for
 *   redirect flows, `dc_api.jwt` over the Digital Credentials API, with ECDH-ES on P-256
 *   and A128GCM / A256GCM (RFC 7518);
 * - the query is DCQL (no `scope`, no Presentation Exchange), and every mdoc claim states
 *   `intent_to_retain`;
 * - the wallet validates the verifier certificate chain against its trust anchors.
 *
 * Each requirement has a stable id ({@link HaipCheck}); {@link haipFindings} names every one
 * a request breaks.
 */

import type { Certificate } from '../../x509/index.js';
import { MSO_MDOC_FORMAT } from '../dcql.js';
import { isObject } from '../json.js';

/** Ids of the HAIP requirements checked on a request. */
export const HaipCheck = {
  /** The request is a signed Request Object. */
  SIGNED_REQUEST: 'HAIP_SIGNED_REQUEST',
  /** Redirect flows pass the Request Object by reference (`request_uri`). */
  REQUEST_URI: 'HAIP_REQUEST_URI',
  /** The Client Identifier Prefix is `x509_hash`. */
  CLIENT_ID_PREFIX: 'HAIP_CLIENT_ID_PREFIX',
  /** The Request Object is signed with ES256. */
  SIGNING_ALG: 'HAIP_SIGNING_ALG',
  /** The `x5c` header is present and does not include the trust anchor (a self-signed certificate). */
  X5C: 'HAIP_X5C',
  /** `response_type` is `vp_token`. */
  RESPONSE_TYPE: 'HAIP_RESPONSE_TYPE',
  /** The response is encrypted: `direct_post.jwt` (redirect) or `dc_api.jwt` (DC API). */
  RESPONSE_MODE: 'HAIP_RESPONSE_MODE',
  /** `client_metadata.jwks` has a P-256 ECDH-ES key, and the `enc` values are A128GCM / A256GCM. */
  ENCRYPTION: 'HAIP_ENCRYPTION',
  /** The query is DCQL (`dcql_query`), without `scope` or `presentation_definition`. */
  DCQL: 'HAIP_DCQL',
  /** Every `mso_mdoc` claim query has `intent_to_retain`. */
  INTENT_TO_RETAIN: 'HAIP_INTENT_TO_RETAIN',
} as const;
export type HaipCheck = (typeof HaipCheck)[keyof typeof HaipCheck];

/** One requirement a request breaks. */
export interface HaipFinding {
  readonly id: HaipCheck;
  readonly detail: string;
}

/** What is known about a request, signed or not. */
export interface HaipRequestFacts {
  readonly flow: 'redirect' | 'dc_api';
  readonly signed: boolean;
  /** Redirect flows: passed by reference (`request_uri`). */
  readonly byReference?: boolean;
  /** The signing `alg`, when signed. */
  readonly alg?: string;
  /** The `x5c` certificates, when signed with one. */
  readonly x5c?: readonly Certificate[];
  /** The request parameters (the Request Object claims). */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A self-issued certificate (subject = issuer) in x5c: a root, which x5c must leave out. */
function selfSigned(c: Certificate): boolean {
  return c.selfIssued;
}

/** Every HAIP requirement the request breaks (empty when it conforms). */
export function haipFindings(facts: HaipRequestFacts): HaipFinding[] {
  const out: HaipFinding[] = [];
  const f = (id: HaipCheck, detail: string) => out.push({ id, detail });
  const c = facts.claims;
  if (!facts.signed) f(HaipCheck.SIGNED_REQUEST, 'the request is not a signed Request Object');
  if (facts.flow === 'redirect' && facts.byReference !== true) f(HaipCheck.REQUEST_URI, 'the Request Object is not passed by reference (request_uri)');
  const clientId = typeof c.client_id === 'string' ? c.client_id : '';
  if (!clientId.startsWith('x509_hash:')) f(HaipCheck.CLIENT_ID_PREFIX, `the client_id ${JSON.stringify(clientId)} does not use the x509_hash prefix`);
  if (facts.signed && facts.alg !== 'ES256') f(HaipCheck.SIGNING_ALG, `the Request Object is signed with ${String(facts.alg)}, not ES256`);
  if (facts.signed) {
    if (facts.x5c === undefined || facts.x5c.length === 0) f(HaipCheck.X5C, 'the Request Object has no x5c header');
    else if (facts.x5c.some(selfSigned)) f(HaipCheck.X5C, 'the x5c header includes a self-signed (trust anchor) certificate');
  }
  if (c.response_type !== 'vp_token') f(HaipCheck.RESPONSE_TYPE, `response_type is ${JSON.stringify(c.response_type)}, not vp_token`);
  const mode = facts.flow === 'redirect' ? 'direct_post.jwt' : 'dc_api.jwt';
  if (c.response_mode !== mode) f(HaipCheck.RESPONSE_MODE, `response_mode is ${JSON.stringify(c.response_mode)}, not ${mode}`);
  const meta = isObject(c.client_metadata) ? c.client_metadata : {};
  const keys = isObject(meta.jwks) && Array.isArray(meta.jwks.keys) ? meta.jwks.keys : [];
  const p256 = keys.some((k) => isObject(k) && k.kty === 'EC' && k.crv === 'P-256' && (k.alg === undefined || k.alg === 'ECDH-ES'));
  const encs = Array.isArray(meta.encrypted_response_enc_values_supported) ? meta.encrypted_response_enc_values_supported : ['A128GCM'];
  if (!p256) f(HaipCheck.ENCRYPTION, 'client_metadata.jwks has no P-256 ECDH-ES key');
  else if (encs.length === 0 || !encs.every((e) => e === 'A128GCM' || e === 'A256GCM')) f(HaipCheck.ENCRYPTION, `the enc values ${JSON.stringify(encs)} are not A128GCM / A256GCM`);
  if (!isObject(c.dcql_query) || c.scope !== undefined || c.presentation_definition !== undefined) f(HaipCheck.DCQL, 'the query is not a DCQL dcql_query alone');
  else {
    const creds = Array.isArray(c.dcql_query.credentials) ? c.dcql_query.credentials : [];
    const missing = creds.some(
      (q) => isObject(q) && q.format === MSO_MDOC_FORMAT && Array.isArray(q.claims) && q.claims.some((cl) => !isObject(cl) || typeof cl.intent_to_retain !== 'boolean'),
    );
    if (missing) f(HaipCheck.INTENT_TO_RETAIN, 'an mso_mdoc claim query has no intent_to_retain');
  }
  return out;
}
