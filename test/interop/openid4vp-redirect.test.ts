/**
 * Interop with the OpenID4VP reference `@openid4vc/openid4vp` 0.4.6 (devDependency), both
 * directions, for the cross-device flow of OpenID4VP 1.0: a signed Request Object (§5, RFC 9101,
 * `typ` oauth-authz-req+jwt) with the `x509_san_dns` client identifier prefix (§5.9.3), passed
 * by reference (`request_uri`, §5.10), answered with `direct_post.jwt` (§8.3, JWE ECDH-ES to a key
 * of `client_metadata.jwks`) carrying an mdoc DeviceResponse over the OpenID4VPHandover
 * SessionTranscript (Appendix B.2.6.1).
 *
 * The reference handles the OpenID4VP envelope only (it has no mdoc code): on its side the
 * DeviceResponse is built or verified with shomei's mdoc layer over a transcript computed here
 * with jose's JWK thumbprint, and its crypto callbacks are jose / node:crypto
 * (openid4vp-reference.ts). Findings: docs/interop.md, "OpenID4VP".
 *
 * The reference checks JWT `exp` / `nbf` against `new Date()`: the Date is faked to the fixtures' NOW.
 */
import {
  createOpenid4vpAuthorizationRequest,
  createOpenid4vpAuthorizationResponse,
  extractEncryptionJwkFromJwks,
  parseOpenid4vpAuthorizationRequest,
  parseOpenid4vpAuthorizationResponse,
  resolveOpenid4vpAuthorizationRequest,
  submitOpenid4vpAuthorizationResponse,
} from '@openid4vc/openid4vp';
import type { Jwk } from '@openid4vc/oauth2';
import { base64url, decodeProtectedHeader, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toBase64 } from '../../src/internal/bytes.js';
import { buildDeviceResponse, decodeDeviceResponse, encodeDeviceResponse, verifyDeviceResponse } from '../../src/mdoc/index.js';
import {
  createOpenId4VpResponse,
  type OpenId4VpResult,
  OpenId4VpVerifier,
  openId4VpHandover,
  resolveOpenId4VpRequest,
  submitOpenId4VpResponse,
} from '../../src/online/index.js';
import { BASE, DOC_REQUESTS, type Holder, HOST, holder, NOW, NS, type VerifierPki, verifierPki } from '../online/openid4vp/fixtures.js';
import { BACKENDS } from '../helpers/backends.js';
import { DCQL, jwkOf, referenceCallbacks, referenceFetch, type Route, shomeiFetch, thumbprintOf, WALLET_JARM } from './openid4vp-reference.js';

const [, backend] = BACKENDS[0]!;
const RESPONSE_URI = `${BASE}/response`;

let pki: VerifierPki;
let h: Holder;

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: NOW });
  pki = await verifierPki(backend);
  h = await holder(backend);
});
afterAll(() => {
  vi.useRealTimers();
});

describe('reference verifier → shomei wallet (x509_san_dns, request_uri, direct_post.jwt)', () => {
  async function referenceRequest(enc: 'A128GCM' | 'A256GCM' = 'A128GCM') {
    const encKey = await backend.generateKeyPair('P-256');
    const encJwk = jwkOf(encKey, { kid: 'enc-1', use: 'enc', alg: 'ECDH-ES' });
    const { d: _d, ...encPublic } = encJwk;
    const callbacks = referenceCallbacks({ signingKey: pki.key, decryptionKeys: [encJwk], trustAnchors: [h.issuer.iaca] });
    const created = await createOpenid4vpAuthorizationRequest({
      authorizationRequestPayload: {
        response_type: 'vp_token',
        client_id: `x509_san_dns:${HOST}`,
        response_uri: RESPONSE_URI,
        response_mode: 'direct_post.jwt',
        nonce: base64url.encode(backend.randomBytes(32)),
        state: 'state-1',
        dcql_query: DCQL,
        client_metadata: { jwks: { keys: [encPublic as Jwk] }, vp_formats_supported: { mso_mdoc: {} }, encrypted_response_enc_values_supported: [enc] },
      },
      jar: { requestUri: `${BASE}/request/1`, jwtSigner: { method: 'x5c', x5c: [toBase64(pki.leaf.der)], alg: 'ES256' }, expiresInSeconds: 300 },
      callbacks,
      now: NOW,
    });
    return { created, encPublic, callbacks };
  }

  it('the shomei wallet verifies the reference Request Object, and the reference opens the answer; the DeviceResponse verifies over the transcript', async () => {
    const { created, encPublic, callbacks } = await referenceRequest();
    expect(created.authorizationRequest.startsWith('openid4vp://?')).toBe(true);
    const received: Record<string, unknown>[] = [];
    const route: Route = async ({ method, url, body }) => {
      if (url.pathname === '/request/1' && method === 'GET') return { status: 200, headers: { 'content-type': 'application/oauth-authz-req+jwt' }, body: created.jar!.authorizationRequestJwt };
      if (url.pathname === '/response' && method === 'POST') {
        received.push(Object.fromEntries(new URLSearchParams(body ?? '')));
        return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
      }
      return { status: 404, body: '' };
    };
    const request = await resolveOpenId4VpRequest(created.authorizationRequest, { fetch: shomeiFetch(route), trustAnchors: [pki.ca], now: NOW, backend });
    expect(request.signed && request.byReference && request.client.trusted).toBe(true);
    expect(request.clientId).toBe(`x509_san_dns:${HOST}`);
    expect(request.responseMode).toBe('direct_post.jwt');
    expect(request.encryption?.kid).toBe('enc-1');
    const answer = await createOpenId4VpResponse(request, { documents: h.documents, backend });
    const submitted = await submitOpenId4VpResponse(answer, { fetch: shomeiFetch(route) });
    expect(submitted.status).toBe(200);

    // The reference opens the JWE and validates the response against its request.
    expect(Object.keys(received[0]!)).toEqual(['response']);
    const parsed = await parseOpenid4vpAuthorizationResponse({ authorizationResponse: received[0]!, authorizationRequestPayload: created.authorizationRequestPayload, callbacks });
    expect(parsed.type).toBe('dcql');
    expect(parsed.authorizationResponsePayload.state).toBe('state-1');
    expect(parsed.jarm?.jarmHeader.kid).toBe('enc-1');
    const presentations = parsed.type === 'dcql' ? parsed.dcql.presentations : {};
    const token = (presentations as Record<string, unknown[]>).mdl![0] as string;

    // The mdoc itself, over a transcript computed independently (jose's thumbprint of the reference's key).
    const transcript = await openId4VpHandover(
      { clientId: `x509_san_dns:${HOST}`, nonce: created.authorizationRequestPayload.nonce, jwkThumbprint: await thumbprintOf(encPublic), responseUri: RESPONSE_URI },
      { backend },
    );
    const verified = await verifyDeviceResponse(base64url.decode(token), { sessionTranscript: transcript.sessionTranscript.tagged, trustAnchors: [h.issuer.iaca], now: NOW, backend });
    expect(verified.valid).toBe(true);
    expect(verified.documents[0]!.issuerSigned[NS]).toEqual({ family_name: 'Yamada', age_over_18: true });
  });

  it('A256GCM when that is all the reference offers', async () => {
    const { created, callbacks } = await referenceRequest('A256GCM');
    const route: Route = async ({ url }) =>
      url.pathname === '/request/1' ? { status: 200, headers: { 'content-type': 'application/oauth-authz-req+jwt' }, body: created.jar!.authorizationRequestJwt } : { status: 404, body: '' };
    const request = await resolveOpenId4VpRequest(created.authorizationRequest, { fetch: shomeiFetch(route), trustAnchors: [pki.ca], now: NOW, backend });
    expect(request.encryption?.enc).toBe('A256GCM');
    const answer = await createOpenId4VpResponse(request, { documents: h.documents, backend });
    const parsed = await parseOpenid4vpAuthorizationResponse({ authorizationResponse: answer.params, authorizationRequestPayload: created.authorizationRequestPayload, callbacks });
    expect(parsed.authorizationResponsePayload.state).toBe('state-1');
    expect(decodeProtectedHeader(answer.params.response!).enc).toBe('A256GCM');
  });

  it('request_uri_method post: shomei posts wallet_metadata and wallet_nonce (§5.10.1), the reference signs the nonce in, shomei checks it', async () => {
    const { created, callbacks } = await referenceRequest();
    const payload = created.authorizationRequestPayload;
    const posted: URLSearchParams[] = [];
    const routeFor =
      (echo?: string): Route =>
      async ({ method, url, body }) => {
        if (url.pathname !== '/request/1' || method !== 'POST') return { status: 405, body: '' };
        const form = new URLSearchParams(body ?? '');
        posted.push(form);
        // The reference verifier makes the Request Object now, with the wallet's nonce (or `echo`).
        const nonce = echo ?? form.get('wallet_nonce')!;
        const again = await createOpenid4vpAuthorizationRequest({
          authorizationRequestPayload: { ...payload, wallet_nonce: nonce },
          wallet: { expectedNonce: nonce },
          jar: { requestUri: `${BASE}/request/1`, jwtSigner: { method: 'x5c', x5c: [toBase64(pki.leaf.der)], alg: 'ES256' }, expiresInSeconds: 300 },
          callbacks,
          now: NOW,
        });
        return { status: 200, headers: { 'content-type': 'application/oauth-authz-req+jwt' }, body: again.jar!.authorizationRequestJwt };
      };
    // The reference's create refuses request_uri_method in the payload (see the next test), so it is added to its URL here.
    const url = `${created.authorizationRequest}&request_uri_method=post`;
    const request = await resolveOpenId4VpRequest(url, { fetch: shomeiFetch(routeFor()), trustAnchors: [pki.ca], walletMetadata: { vp_formats_supported: { mso_mdoc: {} } }, now: NOW, backend });
    expect(request.signed && request.client.trusted).toBe(true);
    expect(JSON.parse(posted[0]!.get('wallet_metadata')!)).toEqual({ vp_formats_supported: { mso_mdoc: {} } });
    expect(request.params.wallet_nonce).toBe(posted[0]!.get('wallet_nonce'));
    // A Request Object signed with another wallet_nonce than the one shomei sent is refused.
    const e = await resolveOpenId4VpRequest(url, { fetch: shomeiFetch(routeFor('another-nonce')), trustAnchors: [pki.ca], now: NOW, backend }).then(
      () => undefined,
      (err: unknown) => err as { code?: string },
    );
    expect(e?.code).toBe('ERR_ONLINE_MESSAGE');
  });

  it('the reference validates request_uri_method against "GET" / "POST", where §5.1 defines the case-sensitive "get" / "post" (reference’s fault, docs/interop.md)', async () => {
    const { created, callbacks } = await referenceRequest();
    const attempt = (m: string) =>
      createOpenid4vpAuthorizationRequest({
        authorizationRequestPayload: { ...created.authorizationRequestPayload, request_uri: `${BASE}/request/1`, request_uri_method: m },
        callbacks,
        now: NOW,
      }).then(
        () => 'accepted',
        (err: unknown) => String((err as { message?: string }).message),
      );
    expect(await attempt('post')).toMatch(/MUST be 'GET' or 'POST'/);
    expect(await attempt('POST')).toBe('accepted');
  });

  it('a reference Request Object signed by a certificate outside the wallet anchors is refused (ERR_OID4VP_UNTRUSTED)', async () => {
    const { created } = await referenceRequest();
    const other = await verifierPki(backend);
    const route: Route = async () => ({ status: 200, headers: { 'content-type': 'application/oauth-authz-req+jwt' }, body: created.jar!.authorizationRequestJwt });
    const e = await resolveOpenId4VpRequest(created.authorizationRequest, { fetch: shomeiFetch(route), trustAnchors: [other.ca], now: NOW, backend }).then(
      () => undefined,
      (err: unknown) => err as { code?: string },
    );
    expect(e?.code).toBe('ERR_OID4VP_UNTRUSTED');
  });
});

describe('shomei verifier → reference wallet (x509_san_dns, request_uri, direct_post.jwt)', () => {
  async function setUp(requestUriMethod: 'get' | 'post' = 'get') {
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: RESPONSE_URI, now: () => NOW, backend });
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}`, requestUriMethod });
    const results: (OpenId4VpResult | undefined)[] = [];
    const seen: { method: string; body?: string }[] = [];
    const route: Route = async ({ method, url, body }) => {
      if (url.pathname.startsWith('/request/')) {
        seen.push({ method, ...(body === undefined ? {} : { body }) });
        return verifier.handleRequestUri(url.pathname.slice('/request/'.length), { method: method as 'GET' | 'POST', ...(body === undefined ? {} : { body }) });
      }
      if (url.pathname === '/response') {
        const handled = await verifier.handleResponse(body ?? '', { trustAnchors: [h.issuer.iaca], now: NOW, backend });
        results.push(handled.result);
        return handled.reply;
      }
      return { status: 404, body: '' };
    };
    const callbacks = referenceCallbacks({ trustAnchors: [pki.ca], fetch: referenceFetch(route) });
    return { verifier, handle, results, seen, callbacks };
  }

  /** The reference wallet: resolve, build the DeviceResponse with shomei's mdoc layer, answer with the reference, submit. */
  async function referenceWallet(url: string, callbacks: ReturnType<typeof referenceCallbacks>, wallet?: { metadata?: Record<string, unknown>; nonce?: string }) {
    const parsedRequest = parseOpenid4vpAuthorizationRequest({ authorizationRequest: url });
    const resolved = await resolveOpenid4vpAuthorizationRequest({
      authorizationRequestPayload: parsedRequest.params,
      ...(wallet === undefined ? {} : { wallet: wallet as never }),
      callbacks,
    });
    const payload = resolved.authorizationRequestPayload as Record<string, unknown> & { client_id: string; nonce: string; response_uri: string; client_metadata: { jwks: { keys: JWK[] } } };
    const encJwk = extractEncryptionJwkFromJwks(payload.client_metadata.jwks as never, { supportedAlgValues: ['ECDH-ES'] })!;
    const transcript = await openId4VpHandover(
      { clientId: payload.client_id, nonce: payload.nonce, jwkThumbprint: await thumbprintOf(encJwk), responseUri: payload.response_uri },
      { backend },
    );
    const deviceResponse = await buildDeviceResponse({ documents: h.documents, elements: { [NS]: ['family_name', 'age_over_18'] }, sessionTranscript: transcript.sessionTranscript.tagged, backend });
    const response = await createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: resolved.authorizationRequestPayload,
      authorizationResponsePayload: { vp_token: { mdl: [base64url.encode(encodeDeviceResponse(deviceResponse))] } },
      jarm: { encryption: { nonce: base64url.encode(backend.randomBytes(16)), jwk: encJwk }, serverMetadata: WALLET_JARM },
      callbacks,
    });
    const submitted = await submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: resolved.authorizationRequestPayload as { response_uri?: string },
      authorizationResponsePayload: response.authorizationResponsePayload,
      ...(response.jarm === undefined ? {} : { jarm: response.jarm }),
      callbacks,
    });
    return { resolved, response, submitted };
  }

  it('the reference wallet verifies shomei’s Request Object (x5c, x509_san_dns), and shomei opens and verifies its answer', async () => {
    const { handle, results, seen, callbacks } = await setUp();
    const { resolved, submitted } = await referenceWallet(handle.url, callbacks);
    expect(resolved.client.prefix).toBe('x509_san_dns');
    expect(resolved.client.identifier).toBe(HOST);
    expect(resolved.jar?.signer.method).toBe('x5c');
    expect(resolved.version).toBe(100); // the reference reads shomei's request as OpenID4VP 1.0 final
    expect(resolved.dcql?.query).toEqual(handle.claims.dcql_query);
    expect(seen.map((s) => s.method)).toEqual(['GET']);
    expect(submitted.responseMode).toBe('direct_post.jwt');
    expect(submitted.response.status).toBe(200);
    const result = results[0]!;
    expect(result.valid).toBe(true);
    expect(result.id).toBe(handle.id);
    expect(result.jweHeader?.alg).toBe('ECDH-ES');
    expect(result.presentations.mdl![0]!.verification.documents[0]!.issuerSigned[NS]).toEqual({ age_over_18: true, family_name: 'Yamada' });
  });

  it('request_uri_method post: the reference posts, shomei answers with the Request Object; the reference sends neither wallet_nonce nor a wallet_metadata parameter (docs/interop.md)', async () => {
    const { handle, results, seen, callbacks } = await setUp('post');
    const { submitted } = await referenceWallet(handle.url, callbacks, { nonce: 'wallet-nonce-1', metadata: { vp_formats_supported: { mso_mdoc: {} } } });
    expect(seen[0]!.method).toBe('POST');
    // §5.10.1 defines the form parameters wallet_metadata (a JSON object as a string) and wallet_nonce.
    // The reference 0.4.6 posts the metadata's members as top-level parameters instead, and no
    // wallet_nonce: shomei ignores the unknown parameters and signs no wallet_nonce (shomei is right).
    const form = new URLSearchParams(seen[0]!.body);
    expect(form.get('wallet_nonce')).toBeNull();
    expect(form.get('wallet_metadata')).toBeNull();
    expect(form.get('vp_formats_supported')).toBe('{"mso_mdoc":{}}');
    expect(submitted.response.status).toBe(200);
    expect(results[0]!.valid).toBe(true);
  });

  it('request_uri_method post with a wallet_nonce shomei receives: signed into the Request Object, and the reference checks it', async () => {
    const { handle, callbacks } = await setUp('post');
    // The form a §5.10.1 wallet posts, sent here by hand since the reference does not send it.
    const reply = await callbacks.fetch!(handle.requestUri!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ wallet_metadata: JSON.stringify({ vp_formats_supported: { mso_mdoc: {} } }), wallet_nonce: 'wallet-nonce-1' }).toString(),
    });
    const jwt = await reply.text();
    const resolved = await resolveOpenid4vpAuthorizationRequest({
      authorizationRequestPayload: { client_id: `x509_san_dns:${HOST}`, request: jwt },
      wallet: { expectedNonce: 'wallet-nonce-1' },
      callbacks,
    });
    expect(resolved.authorizationRequestPayload.wallet_nonce).toBe('wallet-nonce-1');
    const e = await resolveOpenid4vpAuthorizationRequest({ authorizationRequestPayload: { client_id: `x509_san_dns:${HOST}`, request: jwt }, wallet: { expectedNonce: 'other' }, callbacks }).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(String(e?.message)).toMatch(/wallet_nonce/);
  });

  it('an answer the reference built over another transcript (no thumbprint) fails on shomei’s side (DEVICE_AUTH)', async () => {
    const { handle, results, callbacks } = await setUp();
    const resolved = await resolveOpenid4vpAuthorizationRequest({ authorizationRequestPayload: parseOpenid4vpAuthorizationRequest({ authorizationRequest: handle.url }).params, callbacks });
    const payload = resolved.authorizationRequestPayload as Record<string, unknown> & { client_id: string; nonce: string; response_uri: string; client_metadata: { jwks: { keys: JWK[] } } };
    const encJwk = extractEncryptionJwkFromJwks(payload.client_metadata.jwks as never, {})!;
    const wrong = await openId4VpHandover({ clientId: payload.client_id, nonce: payload.nonce, jwkThumbprint: null, responseUri: payload.response_uri }, { backend });
    const deviceResponse = await buildDeviceResponse({ documents: h.documents, elements: { [NS]: ['family_name', 'age_over_18'] }, sessionTranscript: wrong.sessionTranscript.tagged, backend });
    const response = await createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: resolved.authorizationRequestPayload,
      authorizationResponsePayload: { vp_token: { mdl: [base64url.encode(encodeDeviceResponse(deviceResponse))] } },
      jarm: { encryption: { nonce: 'n', jwk: encJwk }, serverMetadata: WALLET_JARM },
      callbacks,
    });
    await submitOpenid4vpAuthorizationResponse({ authorizationRequestPayload: resolved.authorizationRequestPayload as { response_uri?: string }, authorizationResponsePayload: response.authorizationResponsePayload, jarm: response.jarm!, callbacks });
    expect(results[0]?.valid).toBe(false);
    expect(decodeDeviceResponse(encodeDeviceResponse(deviceResponse)).documents?.length).toBe(1);
  });
});
