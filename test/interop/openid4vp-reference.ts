/**
 * The crypto callbacks of the OpenID4VP reference `@openid4vc/openid4vp` (0.4.6, crypto-agnostic:
 * JWS per RFC 7515, JWE per RFC 7516 / RFC 7518 §4.6 ECDH-ES, X.509 per RFC 5280), written for the
 * interop tests over `jose` and `node:crypto` only, so that no shomei code checks shomei's output.
 * Also routed fetches: the reference's `fetch` (WHATWG Response) and shomei's `FetchLike`.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { CallbackContext, Jwk, JwtSigner } from '@openid4vc/oauth2';
import { base64url, CompactEncrypt, CompactSign, calculateJwkThumbprint, compactDecrypt, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type { EcPrivateKey, EcPublicKey } from '../../src/crypto/types.js';
import type { FetchLike } from '../../src/online/index.js';
import type { Certificate } from '../../src/x509/index.js';
import { MDL, NS } from '../online/openid4vp/fixtures.js';

/** The DCQL query both interop suites send: an mDL's family_name and age_over_18. */
export const DCQL = {
  credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: MDL }, claims: [{ path: [NS, 'family_name'], intent_to_retain: false }, { path: [NS, 'age_over_18'] }] }],
};

/** What the reference wallet tells the library it supports for JARM (§8.3 with ECDH-ES). */
export const WALLET_JARM = {
  authorization_signing_alg_values_supported: ['ES256'],
  authorization_encryption_alg_values_supported: ['ECDH-ES'],
  authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
};

/** An EC key as a JWK (public, or private with `d`). */
export function jwkOf(key: EcPublicKey | EcPrivateKey, extra: Record<string, string> = {}): JWK {
  const jwk: JWK = { kty: 'EC', crv: key.crv, x: base64url.encode(key.x), y: base64url.encode(key.y), ...extra };
  if ('d' in key) jwk.d = base64url.encode(key.d);
  return jwk;
}

/** The RFC 7638 SHA-256 thumbprint of a JWK, as bytes (computed by jose, for the transcripts). */
export async function thumbprintOf(jwk: JWK | Jwk): Promise<Uint8Array> {
  const { kty, crv, x, y } = jwk as JWK;
  return base64url.decode(await calculateJwkThumbprint({ kty: kty!, crv: crv!, x: x!, y: y! }, 'sha256'));
}

function publicOf(jwk: JWK): JWK {
  const { d: _d, ...rest } = jwk;
  return rest;
}

export interface ReferenceKeys {
  /** Signs JWTs whose signer is x5c (the leaf's key) or jwk. */
  readonly signingKey?: EcPrivateKey;
  /** Decrypts JWEs: private JWKs by kid (or the only one). */
  readonly decryptionKeys?: readonly JWK[];
  /** Trust anchors for x5c signers: the chain must end in one of them. */
  readonly trustAnchors?: readonly Certificate[];
  readonly fetch?: typeof globalThis.fetch;
}

/** Checks that x5c chains (leaf first) to one of the anchors with node:crypto, and returns the leaf. */
function chainToAnchor(x5c: readonly string[], anchors: readonly Certificate[]): X509Certificate {
  const certs = x5c.map((c) => new X509Certificate(Buffer.from(c, 'base64')));
  for (let i = 0; i + 1 < certs.length; i++) if (!certs[i]!.verify(certs[i + 1]!.publicKey)) throw new Error('x5c chain broken');
  const last = certs[certs.length - 1]!;
  const roots = anchors.map((a) => new X509Certificate(Buffer.from(a.der)));
  if (!roots.some((r) => last.checkIssued(r) && last.verify(r.publicKey))) throw new Error('x5c does not chain to a trust anchor');
  return certs[0]!;
}

/** The reference's CallbackContext (without generateRandom / clientAuthentication). */
export function referenceCallbacks(keys: ReferenceKeys): Omit<CallbackContext, 'generateRandom' | 'clientAuthentication'> {
  return {
    ...(keys.fetch === undefined ? {} : { fetch: keys.fetch }),
    hash: (data, alg) => new Uint8Array(createHash(alg.replace('-', '').toLowerCase()).update(data).digest()),
    signJwt: async (signer: JwtSigner, jwt) => {
      if (keys.signingKey === undefined) throw new Error('no signing key');
      const privateJwk = jwkOf(keys.signingKey);
      const compact = await new CompactSign(new TextEncoder().encode(JSON.stringify(jwt.payload)))
        .setProtectedHeader(JSON.parse(JSON.stringify({ ...jwt.header, alg: signer.alg })) as { alg: string })
        .sign(await importJWK(privateJwk, signer.alg));
      return { jwt: compact, signerJwk: publicOf(privateJwk) as Jwk };
    },
    verifyJwt: async (signer: JwtSigner, jwt) => {
      let key: CryptoKey | Uint8Array | import('node:crypto').KeyObject;
      let signerJwk: JWK;
      if (signer.method === 'x5c') {
        const leaf = chainToAnchor(signer.x5c, keys.trustAnchors ?? []);
        key = leaf.publicKey;
        signerJwk = leaf.publicKey.export({ format: 'jwk' }) as JWK;
      } else if (signer.method === 'jwk') {
        signerJwk = signer.publicJwk as JWK;
        key = await importJWK(signerJwk, signer.alg);
      } else {
        return { verified: false };
      }
      try {
        await compactVerify(jwt.compact, key);
        return { verified: true, signerJwk: signerJwk as Jwk };
      } catch {
        return { verified: false };
      }
    },
    encryptJwe: async (encryptor, data) => {
      const publicJwk = encryptor.publicJwk as JWK;
      const header: Record<string, string> = { alg: encryptor.alg, enc: encryptor.enc };
      if (publicJwk.kid !== undefined) header.kid = publicJwk.kid;
      const jwe = new CompactEncrypt(new TextEncoder().encode(data)).setProtectedHeader(header as { alg: string; enc: string });
      const apu = encryptor.apu === undefined ? undefined : base64url.decode(encryptor.apu);
      const apv = encryptor.apv === undefined ? undefined : base64url.decode(encryptor.apv);
      if (apu !== undefined || apv !== undefined) jwe.setKeyManagementParameters({ ...(apu ? { apu } : {}), ...(apv ? { apv } : {}) });
      return { jwe: await jwe.encrypt(await importJWK(publicJwk, encryptor.alg)), encryptionJwk: encryptor.publicJwk };
    },
    decryptJwe: async (jwe, options) => {
      const { kid, alg } = decodeProtectedHeader(jwe);
      const all = keys.decryptionKeys ?? [];
      const jwk = all.find((k) => k.kid === kid) ?? (all.length === 1 ? all[0] : undefined);
      if (jwk === undefined || (options?.jwk !== undefined && options.jwk.x !== jwk.x)) return { decrypted: false };
      try {
        const { plaintext } = await compactDecrypt(jwe, await importJWK(jwk, alg ?? 'ECDH-ES'));
        return { decrypted: true, decryptionJwk: publicOf(jwk) as Jwk, payload: new TextDecoder().decode(plaintext) };
      } catch {
        return { decrypted: false };
      }
    },
    getX509CertificateMetadata: (certificate: string) => {
      const san = new X509Certificate(Buffer.from(certificate, 'base64')).subjectAltName ?? '';
      const entries = san.split(', ');
      return {
        sanDnsNames: entries.filter((e) => e.startsWith('DNS:')).map((e) => e.slice(4)),
        sanUriNames: entries.filter((e) => e.startsWith('URI:')).map((e) => e.slice(4)),
      };
    },
  };
}

/** A route: method, URL and body in; status, headers and body out. */
export type Route = (req: { method: string; url: URL; body: string | undefined }) => Promise<{ status: number; headers?: Readonly<Record<string, string>>; body: string }>;

/** A WHATWG fetch that serves from `route` (for the reference). */
export function referenceFetch(route: Route): typeof globalThis.fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = init?.body === undefined || init.body === null ? undefined : typeof init.body === 'string' ? init.body : init.body instanceof URLSearchParams ? init.body.toString() : String(init.body);
    const reply = await route({ method: (init?.method ?? 'GET').toUpperCase(), url, body });
    return new Response(reply.body, { status: reply.status, headers: reply.headers ?? {} });
  }) as typeof globalThis.fetch;
}

/** shomei's FetchLike that serves from `route`. */
export function shomeiFetch(route: Route): FetchLike {
  return async (url, init) => {
    const reply = await route({ method: init.method, url: new URL(url), body: init.body });
    const headers = reply.headers ?? {};
    return { status: reply.status, headers: { get: (n: string) => headers[n.toLowerCase()] ?? null }, text: async () => reply.body };
  };
}
