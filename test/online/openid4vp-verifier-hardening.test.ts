/**
 * Hardening of the OpenID4VP redirect flows found by the differential campaign:
 *
 * - the verifier's request is consumed only by an answer that verifies: a `state` travels in
 *   the clear (the request URL, the QR code), so an answer that does not verify, or an error
 *   response (which nothing authenticates), must not burn the request for the real wallet;
 *   a verified answer still consumes it once, also when two race (store `take` is atomic);
 * - the wallet refuses a Request Object by value without the `client_id` beside it (RFC 9101 §5,
 *   which OpenID4VP 1.0 §5 adopts for Request Objects by value and by reference);
 * - `wallet_nonce` (§5.10.1): the one sent must come back; one the wallet never sent is not refused;
 * - a malformed `verifier_info` (§5.1) is refused as an invalid request.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64, utf8Encode } from '../../src/internal/bytes.js';
import {
  createOpenId4VpDcApiRequest,
  createOpenId4VpErrorResponse,
  createOpenId4VpResponse,
  decodeJws,
  encryptJwe,
  MemoryStateStore,
  type OpenId4VpAuthorizationRequest,
  type OpenId4VpResult,
  type OpenId4VpStateStore,
  type OpenId4VpTransaction,
  OpenId4VpVerifier,
  readOpenId4VpDcApiRequest,
  resolveOpenId4VpRequest,
  signJws,
} from '../../src/online/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { BASE, DOC_REQUESTS, type Holder, holder, NOW, routeTo, type VerifierPki, verifierPki } from './openid4vp/fixtures.js';

const [, backend] = BACKENDS[0]!;

async function failure(p: Promise<unknown>): Promise<{ code?: string; check?: string; message?: string } | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => e as { code?: string; check?: string; message?: string },
  );
}

let pki: VerifierPki;
let h: Holder;
let verify: { trustAnchors: Holder['issuer']['iaca'][]; now: Date; backend: typeof backend };
const wallet = (extra: object = {}) => ({ trustAnchors: [pki.ca], now: NOW, backend, ...extra });
const newVerifier = (store?: OpenId4VpStateStore) =>
  new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend, ...(store === undefined ? {} : { store }) });

beforeAll(async () => {
  pki = await verifierPki(backend);
  h = await holder(backend);
  verify = { trustAnchors: [h.issuer.iaca], now: NOW, backend };
});

/** A JWE to the request's own (public) response key: anyone who read the Request Object can make one. */
async function sealedTo(request: OpenId4VpAuthorizationRequest, payload: unknown): Promise<string> {
  const enc = request.encryption!;
  return encryptJwe({ recipientKey: enc.key, kid: enc.kid, enc: enc.enc, plaintext: utf8Encode(JSON.stringify(payload)), backend });
}

describe('OpenID4VP verifier: an answer that does not verify does not consume the request', () => {
  it('direct_post.jwt: garbage, forged JWEs, forged error responses and another request’s answer with a known state leave the request to the real wallet', async () => {
    const verifier = newVerifier();
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}` });
    const { fetch } = routeTo(verifier, verify);
    const request = await resolveOpenId4VpRequest(handle.url, wallet({ fetch }));
    const honest = await createOpenId4VpResponse(request, { documents: h.documents, backend });
    // Another request's valid answer, to replay here.
    const other = await verifier.createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    const otherAnswer = await createOpenId4VpResponse(await resolveOpenId4VpRequest(other.url, wallet()), { documents: h.documents, backend });
    const state = handle.id;
    const attempts: (string | Record<string, string>)[] = [
      `state=${state}&vp_token=garbage`,
      { state, vp_token: '{"mdl":["AAAA"]}' },
      { response: 'not.a.jwe.at.all' },
      // A JWE naming the request's kid that the request's key does not open (sealed to another key).
      { ...otherAnswer.params, state },
      // JWEs to the request's own public key: decryption succeeds, yet nothing authenticates them.
      { response: await sealedTo(request, { state, vp_token: { mdl: ['AAAA'] } }) },
      { response: await sealedTo(request, { state, vp_token: 'garbage' }) },
      { response: await sealedTo(request, { state: 'another-state', vp_token: { mdl: ['AAAA'] } }) },
      { response: await sealedTo(request, { error: 'access_denied', state }) },
      // Error responses: unencrypted, so anyone holding the state can send one.
      { error: 'access_denied', state },
      { error: 'server_error', error_description: 'forged', state },
    ];
    for (const body of attempts) {
      const handled = await verifier.handleResponse(typeof body === 'string' ? body : new URLSearchParams(body).toString(), verify);
      expect(handled.result?.valid ?? false).toBe(false);
    }
    // openResponse too, with the id given by the caller.
    expect((await failure(verifier.openResponse({ response: 'x.y.z.w.v' }, { ...verify, id: state })))?.code).toBeDefined();
    // The real wallet's answer still finds its request, and is accepted once.
    const result = await verifier.openResponse(honest.params, verify);
    expect(result.valid).toBe(true);
    expect(result.id).toBe(state);
    expect((await failure(verifier.openResponse(honest.params, verify)))?.code).toBe('ERR_OID4VP_UNKNOWN_REQUEST');
    // Once answered, even an error response finds no request.
    expect((await failure(verifier.openResponse({ error: 'access_denied', state }, verify)))?.code).toBe('ERR_OID4VP_UNKNOWN_REQUEST');
  });

  it('direct_post: an unsigned vp_token, or another request’s answer under this state, does not consume; the real answer does, once', async () => {
    const verifier = newVerifier();
    const a = await verifier.createRequest({ docRequests: DOC_REQUESTS, responseMode: 'direct_post', by: 'value' });
    const b = await verifier.createRequest({ docRequests: DOC_REQUESTS, responseMode: 'direct_post', by: 'value' });
    const answerA = await createOpenId4VpResponse(await resolveOpenId4VpRequest(a.url, wallet()), { documents: h.documents, backend });
    const answerB = await createOpenId4VpResponse(await resolveOpenId4VpRequest(b.url, wallet()), { documents: h.documents, backend });
    // a's answer under b's state: the device signature covers a's nonce, so it does not verify for b.
    const swapped = await verifier.openResponse({ ...answerA.params, state: b.id }, verify);
    expect(swapped.valid).toBe(false);
    expect(swapped.presentations.mdl![0]!.checks.find((c) => c.id === 'OID4VP_TRANSCRIPT')?.status).toBe('failed');
    expect((await verifier.openResponse({ vp_token: '{}', state: b.id }, verify)).valid).toBe(false);
    expect((await failure(verifier.openResponse({ vp_token: 'not json', state: b.id }, verify)))?.code).toBe('ERR_ONLINE_MESSAGE');
    // Both requests are still answerable by their own wallets, once each.
    expect((await verifier.openResponse(answerB.params, verify)).valid).toBe(true);
    expect((await verifier.openResponse(answerA.params, verify)).valid).toBe(true);
    expect((await failure(verifier.openResponse(answerA.params, verify)))?.code).toBe('ERR_OID4VP_UNKNOWN_REQUEST');
    expect((await failure(verifier.openResponse(answerB.params, verify)))?.code).toBe('ERR_OID4VP_UNKNOWN_REQUEST');
  });

  it('a real answer that fails verification (here: an issuer the verifier does not trust) is reported and leaves the request pending', async () => {
    const verifier = newVerifier();
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    const answer = await createOpenId4VpResponse(await resolveOpenId4VpRequest(handle.url, wallet()), { documents: h.documents, backend });
    const untrusted = await verifier.openResponse(answer.params, { ...verify, trustAnchors: [] });
    expect(untrusted.valid).toBe(false);
    expect((await verifier.openResponse(answer.params, verify)).valid).toBe(true);
    expect((await failure(verifier.openResponse(answer.params, verify)))?.code).toBe('ERR_OID4VP_UNKNOWN_REQUEST');
  });

  it('the wallet’s own error response is reported (walletError) but does not end the request: it cannot be authenticated', async () => {
    const verifier = newVerifier();
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}` });
    const { fetch } = routeTo(verifier, verify);
    const request = await resolveOpenId4VpRequest(handle.url, wallet({ fetch }));
    const declined = createOpenId4VpErrorResponse(request, 'access_denied', 'the holder declined');
    const first = await verifier.handleResponse(new URLSearchParams(declined.params).toString(), verify);
    expect(first.reply.status).toBe(200);
    expect(first.result?.valid).toBe(false);
    expect(first.result?.walletError).toEqual({ error: 'access_denied', error_description: 'the holder declined', state: handle.id });
    const answer = await createOpenId4VpResponse(request, { documents: h.documents, backend });
    expect((await verifier.openResponse(answer.params, verify)).valid).toBe(true);
  });
});

/** A store whose `take` waits until `parties` takes are pending, then runs them in call order (a barrier: no timing involved). */
class BarrierStore implements OpenId4VpStateStore {
  readonly inner = new MemoryStateStore({ now: () => NOW.getTime() });
  readonly takes: string[] = [];
  readonly #waiting: (() => void)[] = [];
  constructor(readonly parties: number) {}
  put(id: string, record: OpenId4VpTransaction, expiresAt: number): void {
    this.inner.put(id, record, expiresAt);
  }
  get(id: string): OpenId4VpTransaction | undefined {
    return this.inner.get(id);
  }
  async take(id: string): Promise<OpenId4VpTransaction | undefined> {
    this.takes.push(id);
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      if (this.#waiting.length === this.parties) for (const release of this.#waiting.splice(0)) release();
    });
    return this.inner.take(id);
  }
}

describe('OpenID4VP verifier: single use under concurrency', () => {
  it('two verified answers racing for one request: exactly one is accepted, the other finds no request', async () => {
    const store = new BarrierStore(2);
    const verifier = newVerifier(store);
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    const request = await resolveOpenId4VpRequest(handle.url, wallet());
    // Two distinct answers by the real wallet (fresh JWEs, fresh device signatures), both valid.
    const one = await createOpenId4VpResponse(request, { documents: h.documents, backend });
    const two = await createOpenId4VpResponse(request, { documents: h.documents, backend });
    expect(one.params.response).not.toBe(two.params.response);
    const settled = await Promise.allSettled([verifier.openResponse(one.params, verify), verifier.openResponse(two.params, verify)]);
    expect(store.takes).toEqual([handle.id, handle.id]);
    const won = settled.filter((s): s is PromiseFulfilledResult<OpenId4VpResult> => s.status === 'fulfilled');
    const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(won.length).toBe(1);
    expect(won[0]!.value.valid).toBe(true);
    expect(lost.length).toBe(1);
    expect((lost[0]!.reason as { code: string }).code).toBe('ERR_OID4VP_UNKNOWN_REQUEST');
    expect(store.inner.size).toBe(0);
  });

  it('an answer that does not verify never reaches the store’s take', async () => {
    const store = new BarrierStore(1);
    const verifier = newVerifier(store);
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    const request = await resolveOpenId4VpRequest(handle.url, wallet());
    await failure(verifier.openResponse({ response: await sealedTo(request, { state: handle.id, vp_token: 'x' }) }, verify));
    await verifier.openResponse({ error: 'access_denied', state: handle.id }, verify);
    expect(store.takes).toEqual([]);
    expect(store.inner.get(handle.id)?.id).toBe(handle.id);
  });
});

describe('OpenID4VP wallet: a Request Object needs the client_id beside it (RFC 9101 §5)', () => {
  it('by value without client_id is refused; with it, accepted', async () => {
    const handle = await newVerifier().createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    const jws = handle.requestObject!;
    for (const input of [{ request: jws }, `openid4vp://?request=${encodeURIComponent(jws)}`]) {
      const e = await failure(resolveOpenId4VpRequest(input, wallet()));
      expect(e?.code).toBe('ERR_ONLINE_MESSAGE');
      expect(e?.check).toBe('invalid_request');
      expect(e?.message).toMatch(/client_id/);
    }
    const ok = await resolveOpenId4VpRequest({ client_id: String(handle.claims.client_id), request: jws }, wallet());
    expect(ok.signed).toBe(true);
  });
});

describe('OpenID4VP wallet: wallet_nonce (§5.10.1)', () => {
  it('the wallet_nonce sent must come back, exactly; one the wallet never sent is not refused', async () => {
    const verifier = newVerifier();
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}`, requestUriMethod: 'post' });
    const { fetch } = routeTo(verifier, verify);
    // The verifier signs the wallet_nonce it is sent in: accepted.
    expect((await resolveOpenId4VpRequest(handle.url, wallet({ fetch, walletNonce: 'nonce-1' }))).params.wallet_nonce).toBe('nonce-1');
    // Served with another wallet_nonce, or none: refused.
    const serving =
      (walletNonce?: string): typeof fetch =>
      async () => {
        const jws = await verifier.requestObject(handle.id, walletNonce === undefined ? {} : { walletNonce });
        return { status: 200, headers: { get: (n: string) => (n === 'content-type' ? 'application/oauth-authz-req+jwt' : null) }, text: async () => jws };
      };
    for (const served of [serving('nonce-2'), serving(), serving('nonce-1x')]) {
      const e = await failure(resolveOpenId4VpRequest(handle.url, wallet({ fetch: served, walletNonce: 'nonce-1' })));
      expect(e?.code).toBe('ERR_ONLINE_MESSAGE');
      expect(e?.check).toBe('invalid_request_object');
    }
    // A wallet that sent none (walletNonce: false) reads an object carrying one: §5.10.1 asks the
    // check only of a wallet that sent a nonce, and §5.1 has unrecognised parameters ignored.
    expect((await resolveOpenId4VpRequest(handle.url, wallet({ fetch: serving('someone-elses'), walletNonce: false }))).params.wallet_nonce).toBe('someone-elses');
  });
});

describe('OpenID4VP wallet: verifier_info (§5.1)', () => {
  async function withVerifierInfo(verifierInfo: unknown): Promise<{ client_id: string; request: string }> {
    const handle = await newVerifier().createRequest({ docRequests: DOC_REQUESTS, by: 'value' });
    const payload = { ...decodeJws(handle.requestObject!).payload, verifier_info: verifierInfo };
    const request = await signJws({ signer: pki.key, header: { typ: 'oauth-authz-req+jwt', x5c: [toBase64(pki.leaf.der)] }, payload, backend });
    return { client_id: String(handle.claims.client_id), request };
  }

  it('well-formed verifier_info is accepted (data a string or an object; credential_ids naming Credential Queries)', async () => {
    for (const info of [
      [{ format: 'jwt', data: 'eyJhbGciOiJFUzI1NiJ9.e30.AA' }],
      [{ format: 'registration_cert', data: { any: ['thing'] }, credential_ids: ['mdl'] }, { format: 'x', data: 'y', extra: 1 }],
    ]) {
      const request = await resolveOpenId4VpRequest(await withVerifierInfo(info), wallet());
      expect(request.params.verifier_info).toEqual(info);
    }
  });

  it('malformed verifier_info is refused as invalid_request', async () => {
    const malformed: unknown[] = [
      {},
      'jwt',
      [],
      null,
      [null],
      ['x'],
      [[]],
      [{ data: 'x' }],
      [{ format: '', data: 'x' }],
      [{ format: 7, data: 'x' }],
      [{ format: 'jwt' }],
      [{ format: 'jwt', data: null }],
      [{ format: 'jwt', data: 5 }],
      [{ format: 'jwt', data: ['x'] }],
      [{ format: 'jwt', data: 'x', credential_ids: [] }],
      [{ format: 'jwt', data: 'x', credential_ids: 'mdl' }],
      [{ format: 'jwt', data: 'x', credential_ids: [7] }],
      [{ format: 'jwt', data: 'x', credential_ids: ['not-a-query'] }],
      [{ format: 'jwt', data: 'x' }, 'second'],
    ];
    for (const info of malformed) {
      const e = await failure(resolveOpenId4VpRequest(await withVerifierInfo(info), wallet()));
      expect(e?.code, JSON.stringify(info)).toBe('ERR_ONLINE_MESSAGE');
      expect(e?.check).toBe('invalid_request');
      expect(e?.message).toMatch(/verifier_info/);
    }
    // Unsigned, as a URL parameter: the same.
    const unsigned = await new OpenId4VpVerifier({ clientIdPrefix: 'redirect_uri', responseUri: `${BASE}/response`, now: () => NOW, backend }).createRequest({ docRequests: DOC_REQUESTS, responseMode: 'direct_post' });
    const e = await failure(resolveOpenId4VpRequest(`${unsigned.url}&verifier_info=${encodeURIComponent('[{"format":"jwt"}]')}`, { now: NOW, backend }));
    expect(e?.code).toBe('ERR_ONLINE_MESSAGE');
    expect(e?.message).toMatch(/verifier_info/);
    expect((await resolveOpenId4VpRequest(`${unsigned.url}&verifier_info=${encodeURIComponent('[{"format":"jwt","data":"x"}]')}`, { now: NOW, backend })).signed).toBe(false);
  });
  it('a DC API request is read the same way (unsigned; a signed one is read through it)', async () => {
    const origin = 'https://verifier.example';
    const { request } = await createOpenId4VpDcApiRequest({ origin, docRequests: DOC_REQUESTS, responseMode: 'dc_api', backend });
    const data = request.data as unknown as Record<string, unknown>;
    const good = [{ format: 'registration_cert', data: 'x', credential_ids: [(data.dcql_query as { credentials: { id: string }[] }).credentials[0]!.id] }];
    expect((await readOpenId4VpDcApiRequest({ ...data, verifier_info: good }, origin, { backend })).nonce).toBe(data.nonce);
    for (const info of [[], [{ format: 'jwt' }], [{ format: 'jwt', data: 'x', credential_ids: ['not-a-query'] }]]) {
      const e = await failure(readOpenId4VpDcApiRequest({ ...data, verifier_info: info }, origin, { backend }));
      expect(e?.code, JSON.stringify(info)).toBe('ERR_ONLINE_MESSAGE');
      expect(e?.check).toBe('invalid_request');
      expect(e?.message).toMatch(/verifier_info/);
    }
  });
});
