/** OpenID4VP 1.0 redirect-based flows end to end: shomei's verifier and wallet, by value and by reference, each client identifier prefix and response mode. */
import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../../src/crypto/keys.js';
import { toBase64, toBase64Url, toHex, utf8Decode, utf8Encode } from '../../../src/internal/bytes.js';
import {
  createOpenId4VpErrorResponse,
  createOpenId4VpResponse,
  decodeJws,
  type FetchLike,
  jwkThumbprint,
  MemoryStateStore,
  type OpenId4VpResult,
  OpenId4VpVerifier,
  openId4VpErrorCodeFor,
  openId4VpHandover,
  openId4VpQrSvg,
  readOpenId4VpUrl,
  resolveOpenId4VpRequest,
  signJws,
  submitOpenId4VpResponse,
  x509Hash,
} from '../../../src/online/index.js';
import { BACKENDS } from '../../helpers/backends.js';
import { BASE, DOC_REQUESTS, type Holder, HOST, holder, NOW, NS, routeTo, type VerifierPki, verifierPki } from './fixtures.js';

const [, backend] = BACKENDS[0]!;

async function rejects(p: Promise<unknown>, code: string, check?: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as { code?: string; check?: string },
  );
  expect(e?.code).toBe(code);
  if (check !== undefined) expect(e?.check).toBe(check);
}

describe.each(BACKENDS)('OpenID4VP redirect flows (%s)', (_name, backend) => {
  let pki: VerifierPki;
  let h: Holder;
  let verify: { trustAnchors: Holder['issuer']['iaca'][]; now: Date; backend: typeof backend };

  beforeAll(async () => {
    pki = await verifierPki(backend);
    h = await holder(backend);
    verify = { trustAnchors: [h.issuer.iaca], now: NOW, backend };
  });

  const wallet = (extra: object = {}) => ({ trustAnchors: [pki.ca], now: NOW, backend, ...extra });

  it('x509_san_dns, by reference (GET), direct_post.jwt: request → wallet → verified, over the B.2.6.1 transcript with the key thumbprint', async () => {
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}` });
    expect(handle.url.startsWith('openid4vp://?')).toBe(true);
    expect(readOpenId4VpUrl(handle.url)).toEqual({ client_id: `x509_san_dns:${HOST}`, request_uri: `${BASE}/request/${handle.id}` });
    const log: { method: string; url: string; body?: string }[] = [];
    const { fetch, results } = routeTo(verifier, verify, log);
    const request = await resolveOpenId4VpRequest(handle.url, wallet({ fetch }));
    expect(request.signed && request.byReference && request.client.trusted).toBe(true);
    expect(request.client.certificate?.subject.text).toContain(HOST);
    expect(request.responseMode).toBe('direct_post.jwt');
    expect(request.state).toBe(handle.id);
    const expected = await openId4VpHandover(
      { clientId: `x509_san_dns:${HOST}`, nonce: request.nonce, jwkThumbprint: await jwkThumbprint(request.encryption!.key, { backend }), responseUri: `${BASE}/response` },
      { backend },
    );
    expect(toHex(request.transcript.sessionTranscript.transcript)).toBe(toHex(expected.sessionTranscript.transcript));
    const response = await createOpenId4VpResponse(request, { documents: h.documents, backend });
    expect(Object.keys(response.params)).toEqual(['response']);
    const submitted = await submitOpenId4VpResponse(response, { fetch });
    expect(submitted.status).toBe(200);
    expect(submitted.redirectUri).toBeUndefined();
    const result = results[0] as OpenId4VpResult;
    expect(result.valid).toBe(true);
    expect(result.id).toBe(handle.id);
    expect(result.jweHeader?.kid).toBe(handle.id);
    expect(result.presentations.mdl![0]!.verification.documents[0]!.issuerSigned[NS]).toEqual({ age_over_18: true, family_name: 'Yamada' });
    expect(log.map((l) => l.method)).toEqual(['GET', 'POST']);
    // Single use: the same answer again finds no request.
    const again = await verifier.handleResponse(new URLSearchParams(response.params).toString(), verify);
    expect(again.reply.status).toBe(400);
    expect((again.error as { code: string }).code).toBe('ERR_OID4VP_UNKNOWN_REQUEST');
    await rejects(verifier.openResponse(response.params, verify), 'ERR_OID4VP_UNKNOWN_REQUEST');
  });

  it('x509_hash, by reference (POST) with wallet_metadata and wallet_nonce; same-device redirect_uri with a response_code', async () => {
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_hash', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await verifier.createRequest({
      docRequests: DOC_REQUESTS,
      responseMode: 'direct_post',
      requestUri: (id) => `${BASE}/request/${id}`,
      requestUriMethod: 'post',
      redirectUri: `${BASE}/done`,
      scheme: 'haip-vp://',
    });
    expect(handle.url.startsWith('haip-vp://?')).toBe(true);
    const hash = await x509Hash(pki.leaf, { backend });
    expect(readOpenId4VpUrl(handle.url)).toMatchObject({ client_id: `x509_hash:${hash}`, request_uri_method: 'post' });
    const log: { method: string; url: string; body?: string }[] = [];
    const { fetch, results } = routeTo(verifier, verify, log);
    const walletMetadata = { vp_formats_supported: { mso_mdoc: {} }, request_object_signing_alg_values_supported: ['ES256'] };
    const request = await resolveOpenId4VpRequest(handle.url, wallet({ fetch, walletMetadata, walletNonce: 'wallet-nonce-1' }));
    const sent = new URLSearchParams(log[0]!.body);
    expect(sent.get('wallet_nonce')).toBe('wallet-nonce-1');
    expect(JSON.parse(sent.get('wallet_metadata')!)).toEqual(walletMetadata);
    expect(request.params.wallet_nonce).toBe('wallet-nonce-1');
    expect(request.encryption).toBeUndefined();
    const t = await openId4VpHandover({ clientId: `x509_hash:${hash}`, nonce: request.nonce, jwkThumbprint: null, responseUri: `${BASE}/response` }, { backend });
    expect(toHex(request.transcript.handover)).toBe(toHex(t.handover));
    const submitted = await submitOpenId4VpResponse(await createOpenId4VpResponse(request, { documents: h.documents, backend }), { fetch });
    const result = results[0] as OpenId4VpResult;
    expect(result.valid).toBe(true);
    expect(submitted.redirectUri).toBe(result.redirectUri);
    expect(submitted.redirectUri).toBe(`${BASE}/done?response_code=${result.responseCode}`);
  });

  it('wallet metadata the request cannot meet is answered with the spec error', async () => {
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_hash', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}`, requestUriMethod: 'post' });
    const { fetch } = routeTo(verifier, verify);
    await rejects(resolveOpenId4VpRequest(handle.url, wallet({ fetch, walletMetadata: { vp_formats_supported: { 'dc+sd-jwt': {} } } })), 'ERR_OID4VP_ERROR_RESPONSE', 'vp_formats_not_supported');
    await rejects(resolveOpenId4VpRequest(handle.url, wallet({ fetch, walletMetadata: { request_object_signing_alg_values_supported: ['EdDSA'] } })), 'ERR_OID4VP_ERROR_RESPONSE', 'invalid_request');
    await rejects(resolveOpenId4VpRequest(handle.url, wallet({ fetch, walletMetadata: { client_id_prefixes_supported: ['x509_san_dns'] } })), 'ERR_OID4VP_ERROR_RESPONSE', 'invalid_client');
    // A verifier that does not put the wallet_nonce back is refused.
    const { fetch: lying } = routeTo(verifier, verify);
    const noNonce: typeof lying = (url, init) => lying(url, { ...init, body: '' });
    await rejects(resolveOpenId4VpRequest(handle.url, wallet({ fetch: noNonce })), 'ERR_ONLINE_MESSAGE', 'invalid_request_object');
    expect((await verifier.handleRequestUri('nope', { method: 'GET' })).status).toBe(404);
    expect((await verifier.handleRequestUri(handle.id, { method: 'PUT' })).status).toBe(405);
    await rejects(verifier.requestObject('nope'), 'ERR_OID4VP_UNKNOWN_REQUEST');
  });

  it('redirect_uri prefix: unsigned, by value, direct_post; the wallet refuses a redirect_uri client id that is not the response_uri', async () => {
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'redirect_uri', responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, responseMode: 'direct_post' });
    const params = readOpenId4VpUrl(handle.url);
    expect(params.client_id).toBe(`redirect_uri:${BASE}/response`);
    expect(JSON.parse(params.dcql_query!)).toEqual(handle.claims.dcql_query);
    const { fetch, results } = routeTo(verifier, verify);
    const request = await resolveOpenId4VpRequest(handle.url, { now: NOW, backend });
    expect(request.signed).toBe(false);
    expect(request.client.trusted).toBe(false);
    await submitOpenId4VpResponse(await createOpenId4VpResponse(request, { documents: h.documents, backend }), { fetch });
    expect((results[0] as OpenId4VpResult).valid).toBe(true);
    const forged = handle.url.replace(encodeURIComponent(`${BASE}/response`), encodeURIComponent('https://evil.example/response'));
    await rejects(resolveOpenId4VpRequest(forged, { backend }), 'ERR_OID4VP_CLIENT_ID');
  });

  it('fragment and query response modes: the answer comes back on the redirect_uri', async () => {
    for (const mode of ['fragment', 'query'] as const) {
      const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
      const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, responseMode: mode, redirectUri: `${BASE}/cb`, by: 'value' });
      expect(handle.requestObject).toBeDefined();
      const request = await resolveOpenId4VpRequest(handle.url, wallet());
      expect(request.byReference).toBe(false);
      const response = await createOpenId4VpResponse(request, { documents: h.documents, backend });
      const submitted = await submitOpenId4VpResponse(response);
      expect(submitted.redirectUri?.startsWith(`${BASE}/cb${mode === 'fragment' ? '#' : '?'}`)).toBe(true);
      const result = await verifier.openRedirectResponse(submitted.redirectUri!, verify);
      expect(result.valid).toBe(true);
    }
  });

  it('an error response from the wallet is typed, and does not end the request (nothing authenticates it)', async () => {
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}` });
    const { fetch, results } = routeTo(verifier, verify);
    const request = await resolveOpenId4VpRequest(handle.url, wallet({ fetch }));
    const declined = createOpenId4VpErrorResponse(request, 'access_denied', 'the holder declined');
    expect(declined.params).toEqual({ error: 'access_denied', error_description: 'the holder declined', state: handle.id });
    await submitOpenId4VpResponse(declined, { fetch });
    const result = results[0] as OpenId4VpResult;
    expect(result.valid).toBe(false);
    expect(result.walletError).toEqual({ error: 'access_denied', error_description: 'the holder declined', state: handle.id });
    // The request is still pending: a valid answer ends it.
    await submitOpenId4VpResponse(await createOpenId4VpResponse(request, { documents: h.documents, backend }), { fetch });
    expect((results[1] as OpenId4VpResult).valid).toBe(true);
    // A verifier that rejects the post (the request is answered): the wallet gets the error, typed.
    await rejects(submitOpenId4VpResponse(declined, { fetch }), 'ERR_OID4VP_ERROR_RESPONSE', 'invalid_request');
  });

  it('the wallet refuses what the client identifier rules do not allow', async () => {
    const other = await verifierPki(backend, 'other.example');
    const make = async (o: Partial<ConstructorParameters<typeof OpenId4VpVerifier>[0]>) => {
      const v = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend, ...o });
      return (await v.createRequest({ docRequests: DOC_REQUESTS, by: 'value' })).url;
    };
    // Signed by a key that is not the certificate's.
    await rejects(resolveOpenId4VpRequest(await make({ signer: other.key }), wallet()), 'ERR_OID4VP_SIGNATURE');
    // A certificate for another DNS name under this client id: the response_uri host does not match.
    await rejects(resolveOpenId4VpRequest(await make({ signer: other.key, certificates: [other.leaf], responseUri: `${BASE}/response` }), wallet()), 'ERR_OID4VP_CLIENT_ID');
    // Untrusted: the chain does not reach the wallet's anchors.
    await rejects(resolveOpenId4VpRequest(await make({}), wallet({ trustAnchors: [other.ca] })), 'ERR_OID4VP_UNTRUSTED', undefined);
    // No anchors: accepted but marked untrusted.
    const untrusted = await resolveOpenId4VpRequest(await make({}), { now: NOW, backend });
    expect(untrusted.client.trusted).toBe(false);
    // x509_hash of another certificate.
    const hashUrl = await make({ clientIdPrefix: 'x509_hash' });
    const swapped = hashUrl.replace(/x509_hash%3A[A-Za-z0-9_-]+/g, `x509_hash%3A${await x509Hash(other.leaf, { backend })}`);
    await rejects(resolveOpenId4VpRequest(swapped, wallet()), 'ERR_OID4VP_CLIENT_ID');
    // A Request Object whose typ is not oauth-authz-req+jwt, and a client_id outside that differs from inside.
    const claims = { client_id: `x509_san_dns:${HOST}`, response_type: 'vp_token', response_mode: 'direct_post', response_uri: `${BASE}/response`, nonce: 'n', dcql_query: { credentials: [] } };
    const jwt = await signJws({ signer: pki.key, header: { typ: 'JWT', x5c: [toBase64(pki.leaf.der)] }, payload: claims, backend });
    await rejects(resolveOpenId4VpRequest({ client_id: claims.client_id, request: jwt }, wallet()), 'ERR_OID4VP_SIGNATURE', 'invalid_request_object');
    const jar = await signJws({ signer: pki.key, header: { typ: 'oauth-authz-req+jwt', x5c: [toBase64(pki.leaf.der)] }, payload: claims, backend });
    await rejects(resolveOpenId4VpRequest({ client_id: 'x509_san_dns:other.example', request: jar }, wallet()), 'ERR_OID4VP_CLIENT_ID');
    // Parameters a web framework parsed from `?client_id[toString]=x` or nested brackets are
    // objects: each parameter must be text, as in a URL (a fuzz finding: the client_id
    // mismatch message threw a bare TypeError or RangeError on them).
    const deepArray = JSON.parse(`${'['.repeat(20_000)}${']'.repeat(20_000)}`) as unknown;
    for (const client_id of [{ toString: 'x' }, Object.create(null), deepArray, 7]) {
      const e = await resolveOpenId4VpRequest({ client_id, request: jar } as never, wallet()).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'ERR_ONLINE_MESSAGE', message: 'the request parameter client_id is not a string' });
    }
    // RFC 7515 §4.1.9: the typ with application/ and in another case is the same media type.
    // (These claims carry an empty DCQL query: refused for it means every check before passed.)
    const pastTheJwt = /dcql_query\.credentials must be a non-empty array/;
    for (const typ of ['application/oauth-authz-req+jwt', 'OAuth-Authz-Req+JWT']) {
      const variant = await signJws({ signer: pki.key, header: { typ, x5c: [toBase64(pki.leaf.der)] }, payload: claims, backend });
      await expect(resolveOpenId4VpRequest({ client_id: claims.client_id, request: variant }, wallet())).rejects.toThrow(pastTheJwt);
    }
    // RFC 7519 §4.1.4–§4.1.6: exp, nbf and iat are NumericDates; not on or after exp (+ the 60 s skew), not before nbf.
    const t = Math.floor(NOW.getTime() / 1000);
    for (const times of [{ exp: t - 60 }, { exp: String(t + 3600) }, { exp: null }, { nbf: t + 3600 }, { nbf: 'now' }, { iat: '2026-12-07' }]) {
      const late = await signJws({ signer: pki.key, header: { typ: 'oauth-authz-req+jwt', x5c: [toBase64(pki.leaf.der)] }, payload: { ...claims, ...times }, backend });
      await rejects(resolveOpenId4VpRequest({ client_id: claims.client_id, request: late }, wallet()), 'ERR_ONLINE_MESSAGE', 'invalid_request_object');
    }
    const onTime = await signJws({ signer: pki.key, header: { typ: 'oauth-authz-req+jwt', x5c: [toBase64(pki.leaf.der)] }, payload: { ...claims, iat: t, nbf: t + 30, exp: t - 59 }, backend });
    await expect(resolveOpenId4VpRequest({ client_id: claims.client_id, request: onTime }, wallet())).rejects.toThrow(pastTheJwt);
    // A pre-registered client that signs, with no key known for it.
    const pre = await signJws({ signer: pki.key, header: { typ: 'oauth-authz-req+jwt' }, payload: { ...claims, client_id: 'my-verifier' }, backend });
    await rejects(resolveOpenId4VpRequest({ client_id: 'my-verifier', request: pre }, wallet()), 'ERR_OID4VP_CLIENT_ID');
    const known = await resolveOpenId4VpRequest({ client_id: 'my-verifier', request: pre }, wallet({ preRegisteredKey: () => publicKeyOf(pki.key) })).catch((e: { code: string }) => e.code);
    // The pre-registered signature verifies; the (empty) query is what stops it.
    expect(known).toBe('ERR_ONLINE_MESSAGE');
  });

  it('verifier_attestation: the attestation binds the client id to the signing key, and its issuer chains to the anchors', async () => {
    const requestKey = await backend.generateKeyPair('P-256');
    const pub = publicKeyOf(requestKey);
    const attestation = await signJws({
      signer: pki.key,
      header: { typ: 'verifier-attestation+jwt', x5c: [toBase64(pki.leaf.der)] },
      payload: { iss: HOST, sub: 'rp.example', exp: Math.floor(NOW.getTime() / 1000) + 3600, cnf: { jwk: { kty: 'EC', crv: 'P-256', x: toBase64Url(pub.x), y: toBase64Url(pub.y) } } },
      backend,
    });
    const make = async (signer = requestKey) => {
      const v = new OpenId4VpVerifier({ clientIdPrefix: 'verifier_attestation', signer, verifierAttestation: attestation, responseUri: `${BASE}/response`, now: () => NOW, backend });
      return v.createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    };
    const handle = await make();
    expect(handle.claims.client_id).toBe('verifier_attestation:rp.example');
    const request = await resolveOpenId4VpRequest(handle.url, wallet());
    expect(request.client.trusted).toBe(true);
    expect(request.client.attestation?.sub).toBe('rp.example');
    await rejects(resolveOpenId4VpRequest((await make(pki.key)).url, wallet()), 'ERR_OID4VP_SIGNATURE');
    const expired = await signJws({ signer: pki.key, header: { typ: 'verifier-attestation+jwt' }, payload: { iss: HOST, sub: 'rp.example', exp: 1, cnf: { jwk: {} } }, backend });
    const v = new OpenId4VpVerifier({ clientIdPrefix: 'verifier_attestation', signer: requestKey, verifierAttestation: expired, responseUri: `${BASE}/response`, now: () => NOW, backend });
    await rejects(resolveOpenId4VpRequest((await v.createRequest({ docRequests: DOC_REQUESTS, by: 'value' })).url, wallet()), 'ERR_OID4VP_CLIENT_ID');
  });

  it('an answer bound to another request does not verify (OID4VP_TRANSCRIPT), and a JWE to another key does not decrypt', async () => {
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const a = await verifier.createRequest({ docRequests: DOC_REQUESTS, responseMode: 'direct_post', by: 'value' });
    const b = await verifier.createRequest({ docRequests: DOC_REQUESTS, responseMode: 'direct_post', by: 'value' });
    const ra = await resolveOpenId4VpRequest(a.url, wallet());
    const answer = await createOpenId4VpResponse(ra, { documents: h.documents, backend });
    // Replayed against request b (its state swapped in): the device signature covers a's nonce.
    const result = await verifier.openResponse({ ...answer.params, state: b.id }, verify);
    expect(result.valid).toBe(false);
    expect(result.presentations.mdl![0]!.checks.find((c) => c.id === 'OID4VP_TRANSCRIPT')?.status).toBe('failed');
    const c = await verifier.createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    const d = await verifier.createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    const rc = await resolveOpenId4VpRequest(c.url, wallet());
    const sealed = await createOpenId4VpResponse(rc, { documents: h.documents, backend });
    await rejects(verifier.openResponse(sealed.params, { ...verify, id: d.id }), 'ERR_JWE_DECRYPT');
  });

  it('Request Objects signed by an external signer (HSM, KMS) and with ES384 verify', async () => {
    const external = { alg: -7 as const, sign: (tbs: Uint8Array) => backend.ecdsaSign(pki.key, 'SHA-256', tbs) };
    const v = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: external, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await v.createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    expect(decodeJws(handle.requestObject).signatures[0]!.alg).toBe('ES256');
    expect((await resolveOpenId4VpRequest(handle.url, wallet())).client.trusted).toBe(true);
    const p384 = await verifierPki(backend);
    const key384 = await backend.generateKeyPair('P-384');
    const { buildCertificate } = await import('../../../src/x509/index.js');
    const leaf384 = await buildCertificate({
      subject: { CN: HOST },
      issuer: p384.ca,
      notBefore: new Date(NOW.getTime() - 86_400_000),
      notAfter: new Date(NOW.getTime() + 86_400_000),
      publicKey: publicKeyOf(key384),
      signer: p384.caKey,
      subjectAltName: [{ type: 'dNSName', value: HOST }],
      backend,
    });
    const v384 = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: key384, certificates: [leaf384], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const h384 = await v384.createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    expect(decodeJws(h384.requestObject).signatures[0]!.alg).toBe('ES384');
    expect((await resolveOpenId4VpRequest(h384.url, { trustAnchors: [p384.ca], now: NOW, backend })).client.trusted).toBe(true);
  });

  it('the wallet reports HTTP failures of the request_uri, typed', async () => {
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}` });
    const down: FetchLike = async () => ({ status: 500, headers: { get: () => null }, text: async () => 'oops' });
    await rejects(resolveOpenId4VpRequest(handle.url, wallet({ fetch: down })), 'ERR_OID4VP_HTTP');
    const offline: typeof down = async () => {
      throw new Error('ECONNREFUSED');
    };
    await rejects(resolveOpenId4VpRequest(handle.url, wallet({ fetch: offline })), 'ERR_OID4VP_HTTP');
    const huge: typeof down = async () => ({ status: 200, headers: { get: (n) => (n === 'content-length' ? '99999999' : null) }, text: async () => '' });
    await rejects(resolveOpenId4VpRequest(handle.url, wallet({ fetch: huge })), 'ERR_OID4VP_HTTP');
    const html: typeof down = async () => ({ status: 200, headers: { get: (n) => (n === 'content-type' ? 'text/html' : null) }, text: async () => '<html>' });
    await rejects(resolveOpenId4VpRequest(handle.url, wallet({ fetch: html })), 'ERR_ONLINE_MESSAGE', 'invalid_request_uri');
    // The Request Object served as text/plain (the OpenWallet Foundation's wallet library asks
    // for it) is read: the JWS is what is checked. As text/html it is not.
    const jws = await verifier.requestObject(handle.id);
    const served = (type: string): typeof down => async () => ({ status: 200, headers: { get: (n) => (n === 'content-type' ? type : null) }, text: async () => jws });
    expect((await resolveOpenId4VpRequest(handle.url, wallet({ fetch: served('text/plain; charset=utf-8') }))).signed).toBe(true);
    await rejects(resolveOpenId4VpRequest(handle.url, wallet({ fetch: served('text/html') })), 'ERR_ONLINE_MESSAGE', 'invalid_request_uri');
    await rejects(resolveOpenId4VpRequest(handle.url.replace('https%3A', 'http%3A'), wallet({ fetch: down })), 'ERR_ONLINE_MESSAGE', 'invalid_request_uri');
    await rejects(resolveOpenId4VpRequest(`${handle.url}&request_uri_method=put`, wallet({ fetch: down })), 'ERR_ONLINE_MESSAGE', 'invalid_request_uri_method');
  });
});

describe('OpenID4VP request parsing is bounded and prototype-free', () => {
  it('refuses oversized and repeated parameters, reads __proto__ as a member', async () => {
    await rejects(resolveOpenId4VpRequest(`openid4vp://?client_id=${'a'.repeat(70_000)}`, { backend }), 'ERR_ONLINE_MESSAGE');
    await rejects(resolveOpenId4VpRequest('openid4vp://?client_id=a&client_id=b', { backend }), 'ERR_ONLINE_MESSAGE');
    const params = readOpenId4VpUrl('openid4vp://?__proto__=x&constructor=y');
    expect(Object.getPrototypeOf(params)).toBeNull();
    expect(Object.entries(params)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    await rejects(resolveOpenId4VpRequest('openid4vp://?client_id=redirect_uri%3Ahttps%3A%2F%2Fa.example&response_type=vp_token&dcql_query=%7B', { backend }), 'ERR_ONLINE_MESSAGE');
    expect(openId4VpErrorCodeFor({ code: 'ERR_OID4VP_UNTRUSTED' })).toBe('invalid_client');
    expect(openId4VpErrorCodeFor({ code: 'ERR_MDOC_INPUT' })).toBe('access_denied');
    expect(openId4VpErrorCodeFor({ code: 'ERR_OID4VP_SIGNATURE' })).toBe('invalid_request_object');
  });

  it('decodeJws refuses alg none, crit and non-JSON payloads', () => {
    const enc = (o: unknown) => toBase64Url(utf8Encode(JSON.stringify(o)));
    expect(() => decodeJws(`${enc({ alg: 'none' })}.${enc({})}.`)).toThrow(/alg/);
    expect(() => decodeJws(`${enc({ alg: 'ES256', crit: ['x'] })}.${enc({})}.AA`)).toThrow(/critical/);
    expect(() => decodeJws(`${enc({ alg: 'ES256' })}.${toBase64Url(utf8Encode('[1]'))}.AA`)).toThrow(/object/);
    expect(utf8Decode(utf8Encode('ok'))).toBe('ok');
  });

  it('the in-memory store is single-use, expires, and stays bounded', () => {
    let now = 1000;
    const store = new MemoryStateStore({ maxEntries: 3, now: () => now });
    const rec = (id: string) => ({ id, claims: {}, createdAt: now });
    for (const id of ['a', 'b', 'c', 'd']) store.put(id, rec(id), now + 100);
    expect(store.size).toBe(3);
    expect(store.get('a')).toBeUndefined();
    expect(store.take('b')?.id).toBe('b');
    expect(store.take('b')).toBeUndefined();
    now = 2000;
    expect(store.get('c')).toBeUndefined();
    expect(() => new MemoryStateStore({ maxEntries: 0 })).toThrow(RangeError);
  });

  it('the request URL as an SVG QR code', () => {
    const svg = openId4VpQrSvg('openid4vp://?client_id=x');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ')).toBe(true);
    expect(svg).toContain('<path d="M');
    expect(() => openId4VpQrSvg('x', { quietZone: 0 })).toThrow(RangeError);
  });
});
