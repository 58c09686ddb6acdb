/**
 * Client Identifier Prefixes of OpenID4VP 1.0 §5.9: how a wallet authenticates the
 * verifier behind a `client_id`.
 *
 * - `x509_san_dns:<dns>`: the Request Object is signed with the key of the leaf
 *   certificate of its `x5c` header, whose subjectAltName holds the dNSName `<dns>`; the
 *   `response_uri` / `redirect_uri` host must be that name (§5.9.3).
 * - `x509_hash:<b64url>`: likewise, and `<b64url>` is the base64url SHA-256 of the DER of
 *   that leaf certificate (§5.9.3).
 * - `redirect_uri:<uri>`: the request is not signed; `<uri>` is the `redirect_uri` (or
 *   `response_uri`), and nothing about the verifier is authenticated (§5.9.3).
 * - `verifier_attestation:<sub>`: the Request Object carries, in its `jwt` header, a
 *   Verifier Attestation JWT (§12, `typ` `verifier-attestation+jwt`) whose `sub` is
 *   `<sub>` and whose `cnf.jwk` is the key that signed the Request Object.
 * - `origin:` is reserved for the Digital Credentials API and must not be sent (A.2);
 *   `decentralized_identifier:` and `openid_federation:` are recognised but not supported.
 * - No prefix: a pre-registered client, known to the wallet by other means.
 */

import { resolveBackend } from '../../crypto/index.js';
import { ecPublicKeyFromRaw } from '../../crypto/keys.js';
import type { BackendOptions, EcPublicKey, OkpPublicKey } from '../../crypto/types.js';
import { isShomeiError, OnlineError } from '../../errors.js';
import { concat, toBase64Url } from '../../internal/bytes.js';
import { type Certificate, type ChainReport, parseCertificate, verifyChain } from '../../x509/index.js';
import { fromBase64UrlStrict } from '../jwe.js';
import { isObject } from '../json.js';
import { decodeJws, type JwsSignature, jwtTimeProblem, typIs, verifyJwsSignature } from './jws.js';

/** The Client Identifier Prefixes of §5.9.3. */
export const ClientIdPrefix = {
  X509_SAN_DNS: 'x509_san_dns',
  X509_HASH: 'x509_hash',
  REDIRECT_URI: 'redirect_uri',
  VERIFIER_ATTESTATION: 'verifier_attestation',
  DECENTRALIZED_IDENTIFIER: 'decentralized_identifier',
  OPENID_FEDERATION: 'openid_federation',
  ORIGIN: 'origin',
  /** No prefix: a client the wallet knows by pre-registration (§5.9.2). */
  PRE_REGISTERED: 'pre-registered',
} as const;
export type ClientIdPrefix = (typeof ClientIdPrefix)[keyof typeof ClientIdPrefix];

const PREFIXES: ReadonlySet<string> = new Set(Object.values(ClientIdPrefix).filter((p) => p !== 'pre-registered'));

/** A `client_id` split into its prefix and value. */
export interface ClientId {
  /** The full `client_id`, as sent (what the OpenID4VPHandover hashes). */
  readonly clientId: string;
  readonly prefix: ClientIdPrefix;
  /** The part after `<prefix>:` (the whole `client_id` for a pre-registered client). */
  readonly value: string;
}

/**
 * Split a `client_id` into prefix and value (§5.9.1: the prefix is the part before the
 * first `:`, when it is a known prefix; anything else is a pre-registered client id).
 * @throws OnlineError `ERR_ONLINE_MESSAGE` for an empty client id or a prefix without a value.
 */
export function parseClientId(clientId: unknown): ClientId {
  if (typeof clientId !== 'string' || clientId === '' || clientId.length > 4096) throw new OnlineError('ERR_ONLINE_MESSAGE', 'client_id must be a non-empty string');
  const colon = clientId.indexOf(':');
  const head = colon < 0 ? '' : clientId.slice(0, colon);
  if (!PREFIXES.has(head)) return { clientId, prefix: ClientIdPrefix.PRE_REGISTERED, value: clientId };
  const value = clientId.slice(colon + 1);
  if (value === '') throw new OnlineError('ERR_ONLINE_MESSAGE', `client_id ${JSON.stringify(clientId)} has a prefix and no value`);
  return { clientId, prefix: head as ClientIdPrefix, value };
}

/** The `x509_hash` value of a certificate: base64url (no padding) of the SHA-256 of its DER. */
export async function x509Hash(certificate: Certificate | Uint8Array, options: BackendOptions = {}): Promise<string> {
  const der = certificate instanceof Uint8Array ? certificate : certificate.der;
  return toBase64Url(await resolveBackend(options).digest('SHA-256', der));
}

/** The dNSName entries of a certificate's subjectAltName. */
export function dnsNamesOf(certificate: Certificate): string[] {
  return (certificate.subjectAltName?.names ?? []).flatMap((n) => (n.type === 'dNSName' ? [n.value] : []));
}

/** The host of an https URL, lower case, or undefined. */
export function hostOf(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    return u.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function clientIdError(message: string): never {
  throw new OnlineError('ERR_OID4VP_CLIENT_ID', message);
}

/** A public key from a JWK (EC P-256/384/521 or OKP Ed25519), or undefined when it is not one. */
export function publicKeyFromJwk(value: unknown): EcPublicKey | OkpPublicKey | undefined {
  if (!isObject(value)) return undefined;
  const jwk: Record<string, unknown> = Object.assign(Object.create(null), value);
  if (Object.hasOwn(jwk, 'd')) return undefined;
  const x = fromBase64UrlStrict(jwk.x);
  if (x === undefined) return undefined;
  try {
    if (jwk.kty === 'EC' && (jwk.crv === 'P-256' || jwk.crv === 'P-384' || jwk.crv === 'P-521')) {
      const y = fromBase64UrlStrict(jwk.y);
      const size = jwk.crv === 'P-256' ? 32 : jwk.crv === 'P-384' ? 48 : 66;
      if (y === undefined || x.length !== size || y.length !== size) return undefined;
      return ecPublicKeyFromRaw(jwk.crv, concat(Uint8Array.of(4), x, y));
    }
    if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && x.length === 32) return { kty: 'OKP', crv: 'Ed25519', x } as OkpPublicKey;
  } catch (e) {
    if (isShomeiError(e)) return undefined;
    throw e;
  }
  return undefined;
}

/** What the wallet learned about the verifier from its client identifier. */
export interface ClientAuthentication {
  readonly clientId: ClientId;
  /** True when the request was signed and its key chains to the caller's trust anchors. */
  readonly trusted: boolean;
  /** The leaf certificate of `x5c` (x509 prefixes) or of the attestation issuer. */
  readonly certificate?: Certificate;
  /** The path validation report, when trust anchors were given. */
  readonly chain?: ChainReport;
  /** The Verifier Attestation JWT's claims (`verifier_attestation`). */
  readonly attestation?: Readonly<Record<string, unknown>>;
}

/** Options of {@link authenticateClient}. */
export interface AuthenticateClientOptions extends BackendOptions {
  /** The verifier trust anchors (reader / access certificate roots, attestation issuers). */
  readonly trustAnchors?: readonly (Certificate | Uint8Array)[];
  readonly now?: Date;
  /** Allowed clock skew for `exp` / `nbf` and certificate validity, in seconds (default 60). */
  readonly clockSkewSeconds?: number;
  /** The key of a pre-registered client (no prefix), to verify its signed requests. */
  readonly preRegisteredKey?: (clientId: string) => EcPublicKey | OkpPublicKey | undefined;
}

function certificatesOf(x5c: unknown, where: string): Certificate[] {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > 10) clientIdError(`${where}: x5c must be a non-empty array of at most 10 certificates`);
  return x5c.map((item, i) => {
    // x5c is standard base64 (RFC 7515 §4.1.6), not base64url.
    if (typeof item !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(item) || item.length % 4 !== 0) clientIdError(`${where}: x5c[${i}] is not base64 DER`);
    try {
      return parseCertificate(Uint8Array.from(atob(item), (c) => c.charCodeAt(0)));
    } catch (e) {
      if (isShomeiError(e)) throw new OnlineError('ERR_OID4VP_CLIENT_ID', `${where}: x5c[${i}] is not a certificate: ${e.message}`, { cause: e });
      throw e;
    }
  });
}

async function chainOf(certs: Certificate[], options: AuthenticateClientOptions, what: string): Promise<ChainReport | undefined> {
  if (options.trustAnchors === undefined) return undefined;
  const chain = await verifyChain(certs[0]!, {
    anchors: options.trustAnchors,
    intermediates: certs.slice(1),
    ...(options.now === undefined ? {} : { now: options.now }),
    clockSkewSeconds: options.clockSkewSeconds ?? 60,
    ...(options.backend === undefined ? {} : { backend: options.backend }),
  });
  if (!chain.valid) {
    const failed = chain.checks.filter((c) => c.status === 'failed').map((c) => `${c.id}${c.detail ? ` (${c.detail})` : ''}`);
    throw new OnlineError('ERR_OID4VP_UNTRUSTED', `${what} does not chain to the trust anchors: ${failed.join('; ')}`);
  }
  return chain;
}

async function verifyWith(signature: JwsSignature, key: EcPublicKey | OkpPublicKey | null | { kty: string }, options: BackendOptions, what: string): Promise<void> {
  if (key === null || !(await verifyJwsSignature(signature, key, options))) {
    throw new OnlineError('ERR_OID4VP_SIGNATURE', `the ${what} signature does not verify with the ${signature.alg} key given for it`);
  }
}

function timeOk(claims: Readonly<Record<string, unknown>>, now: Date, skew: number, what: string): void {
  const problem = jwtTimeProblem(claims, now, skew);
  if (problem !== undefined) clientIdError(`the ${what} ${problem}`);
}

/**
 * Wallet side: authenticate the verifier of a Request Object by its client identifier
 * prefix (§5.9.3) and verify the Request Object's signature. `signature` is the Request
 * Object's (already decoded) signature, `claims` its payload, `responseUri` the
 * `response_uri` or `redirect_uri` it names.
 * @throws OnlineError `ERR_OID4VP_SIGNATURE` when the signature does not verify;
 *   `ERR_OID4VP_CLIENT_ID` when a prefix rule is broken (no `x5c`, a DNS name or hash that
 *   does not match, an unsupported or forbidden prefix); `ERR_OID4VP_UNTRUSTED` when
 *   trust anchors were given and the certificate or attestation does not chain to them.
 */
export async function authenticateClient(
  clientId: ClientId,
  signature: JwsSignature | undefined,
  responseUri: string | undefined,
  options: AuthenticateClientOptions = {},
): Promise<ClientAuthentication> {
  const now = options.now ?? new Date();
  const skew = options.clockSkewSeconds ?? 60;
  switch (clientId.prefix) {
    case 'redirect_uri': {
      if (signature !== undefined) clientIdError('a redirect_uri client identifier must not be used with a signed request (§5.9.3)');
      if (responseUri !== clientId.value) clientIdError(`the redirect_uri client identifier ${clientId.value} is not the request's response_uri / redirect_uri ${String(responseUri)}`);
      return { clientId, trusted: false };
    }
    case 'x509_san_dns':
    case 'x509_hash': {
      if (signature === undefined) clientIdError(`a ${clientId.prefix} client identifier needs a signed request`);
      const certs = certificatesOf(signature.header.x5c, 'the Request Object header');
      const leaf = certs[0]!;
      if (clientId.prefix === 'x509_san_dns') {
        const names = dnsNamesOf(leaf).map((n) => n.toLowerCase());
        if (!names.includes(clientId.value.toLowerCase())) clientIdError(`the certificate's DNS names [${names.join(', ')}] do not include the client identifier ${clientId.value}`);
        if (responseUri !== undefined && hostOf(responseUri) !== clientId.value.toLowerCase()) {
          clientIdError(`the response_uri / redirect_uri host ${String(hostOf(responseUri))} is not the client identifier ${clientId.value} (§5.9.3)`);
        }
      } else {
        const hash = await x509Hash(leaf, options);
        if (hash !== clientId.value) clientIdError(`the certificate's SHA-256 hash ${hash} is not the client identifier ${clientId.value}`);
      }
      await verifyWith(signature, leaf.publicKey, options, 'Request Object');
      const chain = await chainOf(certs, options, 'the verifier certificate');
      return { clientId, trusted: chain !== undefined, certificate: leaf, ...(chain === undefined ? {} : { chain }) };
    }
    case 'verifier_attestation': {
      if (signature === undefined) clientIdError('a verifier_attestation client identifier needs a signed request');
      const jwt = signature.header.jwt;
      const attestation = (() => {
        try {
          return decodeJws(jwt);
        } catch (e) {
          if (isShomeiError(e)) throw new OnlineError('ERR_OID4VP_CLIENT_ID', `the Verifier Attestation (jwt header) is not a JWT: ${e.message}`, { cause: e });
          throw e;
        }
      })();
      const att = attestation.signatures[0]!;
      if (!typIs(att.header.typ, 'verifier-attestation+jwt')) clientIdError(`the Verifier Attestation typ must be verifier-attestation+jwt (got ${JSON.stringify(att.header.typ)})`);
      const claims = attestation.payload;
      if (typeof claims.iss !== 'string') clientIdError('the Verifier Attestation has no iss');
      if (claims.sub !== clientId.value) clientIdError(`the Verifier Attestation sub ${JSON.stringify(claims.sub)} is not the client identifier ${clientId.value}`);
      if (typeof claims.exp !== 'number') clientIdError('the Verifier Attestation has no exp');
      timeOk(claims, now, skew, 'Verifier Attestation');
      const cnf = isObject(claims.cnf) ? (Object.assign(Object.create(null), claims.cnf) as Record<string, unknown>) : undefined;
      const key = publicKeyFromJwk(cnf?.jwk);
      if (key === undefined) clientIdError('the Verifier Attestation has no usable cnf.jwk');
      if (claims.redirect_uris !== undefined) {
        if (!Array.isArray(claims.redirect_uris) || (responseUri !== undefined && !claims.redirect_uris.includes(responseUri))) {
          clientIdError(`the response_uri / redirect_uri ${String(responseUri)} is not among the attested redirect_uris`);
        }
      }
      await verifyWith(signature, key, options, 'Request Object');
      // The attestation issuer: an x5c chain to the trust anchors, when given. Other key
      // resolution (federation, a pinned issuer key) is the caller's, from `attestation`.
      let certificate: Certificate | undefined;
      let chain: ChainReport | undefined;
      if (att.header.x5c !== undefined) {
        const certs = certificatesOf(att.header.x5c, 'the Verifier Attestation header');
        certificate = certs[0]!;
        await verifyWith(att, certificate.publicKey, options, 'Verifier Attestation');
        chain = await chainOf(certs, options, 'the Verifier Attestation issuer');
      } else if (options.trustAnchors !== undefined) {
        throw new OnlineError('ERR_OID4VP_UNTRUSTED', 'the Verifier Attestation has no x5c to chain to the trust anchors');
      }
      return { clientId, trusted: chain !== undefined, attestation: claims, ...(certificate === undefined ? {} : { certificate }), ...(chain === undefined ? {} : { chain }) };
    }
    case 'pre-registered': {
      // Known to the wallet by other means: its key, if it signs, comes from the caller.
      if (signature === undefined) return { clientId, trusted: false };
      const key = options.preRegisteredKey?.(clientId.clientId);
      if (key === undefined) clientIdError(`no key is known for the pre-registered client ${clientId.clientId}: its signed request cannot be verified`);
      await verifyWith(signature, key, options, 'Request Object');
      return { clientId, trusted: true };
    }
    default:
      clientIdError(`the client identifier prefix ${clientId.prefix} is not supported`);
  }
}
