/**
 * Cases distilled from the seeded differential campaign of shomei's OpenID4VP 1.0 against the
 * reference `@openid4vc/openid4vp` 0.4.6 (requests the reference verifier creates, read by
 * shomei's wallet; mutations of them re-signed with the same key). Each expected verdict
 * follows the OpenID4VP 1.0 text named in the case, not the reference's verdict: where the
 * two differ, the case says so.
 */
import type { Jwk } from '@openid4vc/oauth2';
import { createOpenid4vpAuthorizationRequest, resolveOpenid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toBase64 } from '../../src/internal/bytes.js';
import { readOpenId4VpDcApiSignedRequest, resolveOpenId4VpRequest } from '../../src/online/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { BASE, HOST, NOW, type VerifierPki, verifierPki } from '../online/openid4vp/fixtures.js';
import { DCQL, jwkOf, referenceCallbacks } from './openid4vp-reference.js';

const [, backend] = BACKENDS[0]!;
const ORIGIN = `https://${HOST}`;
let pki: VerifierPki;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  pki = await verifierPki(backend);
});
afterAll(() => {
  vi.useRealTimers();
});

async function refuse(p: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  return p.then(
    () => ({ code: 'accepted' }),
    (e: unknown) => e as { code?: string; message?: string },
  );
}

/** A `transaction_data` entry (§5.1: base64url of a JSON object with `type` and `credential_ids`). */
const TX = base64url.encode(JSON.stringify({ type: 'payment', credential_ids: ['mdl'], amount: '10' }));

describe('signed DC API request with transaction_data (A.3.1, §5.1)', () => {
  async function signedDcApi() {
    const callbacks = referenceCallbacks({ signingKey: pki.key });
    const created = await createOpenid4vpAuthorizationRequest({
      authorizationRequestPayload: {
        response_type: 'vp_token',
        response_mode: 'dc_api',
        nonce: base64url.encode(backend.randomBytes(32)),
        dcql_query: DCQL,
        client_metadata: { vp_formats_supported: { mso_mdoc: {} } },
        client_id: `x509_san_dns:${HOST}`,
        expected_origins: [ORIGIN],
        transaction_data: [TX],
      },
      jar: { jwtSigner: { method: 'x5c', x5c: [toBase64(pki.leaf.der)], alg: 'ES256' }, expiresInSeconds: 300 },
      callbacks,
      now: NOW,
    });
    return created.authorizationRequestObject as Record<string, unknown>;
  }

  it('a wallet that processes the type reads it (readOpenId4VpDcApiSignedRequest used to drop transactionDataTypes and refuse every such request)', async () => {
    const data = await signedDcApi();
    // The reference wallet accepts it.
    const resolved = await resolveOpenid4vpAuthorizationRequest({ authorizationRequestPayload: data as never, origin: ORIGIN, callbacks: referenceCallbacks({ trustAnchors: [pki.ca] }) });
    expect(resolved.transactionData?.length).toBe(1);
    const seen = await readOpenId4VpDcApiSignedRequest('openid4vp-v1-signed', data, ORIGIN, { trustAnchors: [pki.ca], now: NOW, backend, transactionDataTypes: [{ type: 'payment' }] });
    expect(seen.clientId).toBe(`x509_san_dns:${HOST}`);
    expect(seen.transactionData?.map((t) => [t.encoded, t.type, t.credential_ids])).toEqual([[TX, 'payment', ['mdl']]]);
    expect(seen.transactionDataTypes?.map((t) => t.type)).toEqual(['payment']);
  });

  it('without the types, or of another type, it is refused (§5.1: a wallet that does not support the type MUST refuse)', async () => {
    const data = await signedDcApi();
    const none = await refuse(readOpenId4VpDcApiSignedRequest('openid4vp-v1-signed', data, ORIGIN, { trustAnchors: [pki.ca], now: NOW, backend }));
    expect(none.code).toBe('ERR_ONLINE_MESSAGE');
    const other = await refuse(readOpenId4VpDcApiSignedRequest('openid4vp-v1-signed', data, ORIGIN, { trustAnchors: [pki.ca], now: NOW, backend, transactionDataTypes: [{ type: 'other' }] }));
    expect(other.code).toBe('ERR_TRANSACTION_DATA');
  });
});

describe('client_metadata.jwks for direct_post.jwt: shomei refuses where the reference is lenient', () => {
  async function byValue(mutate: (key: Record<string, unknown>) => void) {
    const { d: _d, ...key } = jwkOf(await backend.generateKeyPair('P-256'), { kid: 'enc-1', use: 'enc', alg: 'ECDH-ES' });
    mutate(key);
    const callbacks = referenceCallbacks({ signingKey: pki.key });
    const created = await createOpenid4vpAuthorizationRequest({
      authorizationRequestPayload: {
        response_type: 'vp_token',
        client_id: `x509_san_dns:${HOST}`,
        response_uri: `${BASE}/response`,
        response_mode: 'direct_post.jwt',
        nonce: base64url.encode(backend.randomBytes(32)),
        dcql_query: DCQL,
        client_metadata: { jwks: { keys: [key as Jwk] }, vp_formats_supported: { mso_mdoc: {} } },
      },
      jar: { jwtSigner: { method: 'x5c', x5c: [toBase64(pki.leaf.der)], alg: 'ES256' }, expiresInSeconds: 300 },
      callbacks,
      now: NOW,
    });
    return created.authorizationRequest;
  }

  it('a key without kid (§5.1: "Each JWK in the set MUST have a kid")', async () => {
    const e = await refuse(resolveOpenId4VpRequest(await byValue((k) => delete k.kid), { trustAnchors: [pki.ca], now: NOW, backend }));
    expect(e.code).toBe('ERR_ONLINE_MESSAGE');
    expect(e.message).toMatch(/kid/);
  });

  it('a key without alg (§8.3: "The alg parameter MUST be present in the JWKs")', async () => {
    const e = await refuse(resolveOpenId4VpRequest(await byValue((k) => delete k.alg), { trustAnchors: [pki.ca], now: NOW, backend }));
    expect(e.code).toBe('ERR_ONLINE_MESSAGE');
    expect(e.message).toMatch(/ECDH-ES/);
  });

  it('the conformant key is read, with the default enc A128GCM (§5.1 encrypted_response_enc_values_supported)', async () => {
    const request = await resolveOpenId4VpRequest(await byValue(() => {}), { trustAnchors: [pki.ca], now: NOW, backend });
    expect(request.encryption?.kid).toBe('enc-1');
    expect(request.encryption?.enc).toBe('A128GCM');
  });
});

describe('response_mode: REQUIRED (§5.2), with a default for Response Type vp_token', () => {
  const REDIRECT = `${BASE}/cb`;
  const url = (extra: Record<string, string>) =>
    `openid4vp://?${new URLSearchParams({ client_id: `redirect_uri:${REDIRECT}`, response_type: 'vp_token', redirect_uri: REDIRECT, nonce: 'n-1', dcql_query: JSON.stringify(DCQL), ...extra })}`;

  it('a request without response_mode is read with the default of Response Type vp_token, fragment (the reference refuses it; the spec example omits it)', async () => {
    const request = await resolveOpenId4VpRequest(url({}), { now: NOW, backend });
    expect(request.responseMode).toBe('fragment');
    expect(request.responseUri).toBe(REDIRECT);
  });

  it('the same request with response_mode fragment is read the same', async () => {
    const request = await resolveOpenId4VpRequest(url({ response_mode: 'fragment' }), { now: NOW, backend });
    expect(request.responseMode).toBe('fragment');
    expect(request.responseUri).toBe(REDIRECT);
  });
});
