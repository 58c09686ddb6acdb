/** The HAIP preset on both ends, and signed / multi-signed OpenID4VP requests over the DC API. */
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../../src/internal/bytes.js';
import {
  createOpenId4VpDcApiRequest,
  createOpenId4VpDcApiResponse,
  createOpenId4VpResponse,
  HaipCheck,
  haipFindings,
  OpenId4VpVerifier,
  openOpenId4VpDcApiResponse,
  readOpenId4VpDcApiSignedRequest,
  resolveOpenId4VpRequest,
  signJws,
  signOpenId4VpDcApiRequest,
  submitOpenId4VpResponse,
  x509Hash,
} from '../../../src/online/index.js';
import { BACKENDS } from '../../helpers/backends.js';
import { BASE, DOC_REQUESTS, type Holder, holder, NOW, routeTo, type VerifierPki, verifierPki } from './fixtures.js';

const [, backend] = BACKENDS[1]!;
const ORIGIN = 'https://verifier.example';

async function error(p: Promise<unknown>): Promise<{ code?: string; check?: string; message?: string }> {
  return p.then(
    () => ({}),
    (e: unknown) => e as { code?: string; check?: string },
  );
}

describe('HAIP preset', () => {
  let pki: VerifierPki;
  let h: Holder;
  beforeAll(async () => {
    pki = await verifierPki(backend);
    h = await holder(backend);
  });
  const verify = () => ({ trustAnchors: [h.issuer.iaca], now: NOW, backend });
  const haipVerifier = (extra: object = {}) =>
    new OpenId4VpVerifier({ clientIdPrefix: 'x509_hash', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, profile: 'haip', now: () => NOW, backend, ...extra });

  it('a HAIP-conformant exchange passes on both ends (haip-vp://, x509_hash, request_uri, ES256, direct_post.jwt)', async () => {
    const verifier = haipVerifier();
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}` });
    expect(handle.url.startsWith('haip-vp://?')).toBe(true);
    const { fetch, results } = routeTo(verifier, verify());
    const request = await resolveOpenId4VpRequest(handle.url, { fetch, trustAnchors: [pki.ca], now: NOW, backend, profile: 'haip' });
    await submitOpenId4VpResponse(await createOpenId4VpResponse(request, { documents: h.documents, backend }), { fetch });
    expect((results[0] as { valid: boolean }).valid).toBe(true);
    // The wallet needs trust anchors under HAIP.
    await expect(resolveOpenId4VpRequest(handle.url, { fetch, profile: 'haip' })).rejects.toThrow(TypeError);
  });

  it('the verifier refuses to make a request that breaks HAIP, naming the requirement', async () => {
    await expect(haipVerifier().createRequest({ docRequests: DOC_REQUESTS, responseMode: 'direct_post', requestUri: `${BASE}/request/x` })).rejects.toThrow(HaipCheck.RESPONSE_MODE);
    await expect(haipVerifier().createRequest({ docRequests: DOC_REQUESTS, by: 'value' })).rejects.toThrow(HaipCheck.REQUEST_URI);
    await expect(haipVerifier({ clientIdPrefix: 'x509_san_dns' }).createRequest({ docRequests: DOC_REQUESTS, requestUri: `${BASE}/request/x` })).rejects.toThrow(HaipCheck.CLIENT_ID_PREFIX);
    await expect(haipVerifier({ certificates: [pki.leaf, pki.ca] }).createRequest({ docRequests: DOC_REQUESTS, requestUri: `${BASE}/request/x` })).rejects.toThrow(HaipCheck.X5C);
  });

  it('the wallet refuses each violation with ERR_OID4VP_PROFILE and the requirement id', async () => {
    const plain = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await plain.createRequest({ docRequests: DOC_REQUESTS, responseMode: 'direct_post', by: 'value' });
    const e = await error(resolveOpenId4VpRequest(handle.url, { trustAnchors: [pki.ca], now: NOW, backend, profile: 'haip' }));
    expect(e.code).toBe('ERR_OID4VP_PROFILE');
    expect(e.check).toBe(HaipCheck.REQUEST_URI);
    for (const id of [HaipCheck.CLIENT_ID_PREFIX, HaipCheck.RESPONSE_MODE]) expect(e.message).toContain(id);
  });

  it('haipFindings names every requirement a request breaks, and none for a conformant one', () => {
    const good = {
      client_id: 'x509_hash:abc',
      response_type: 'vp_token',
      response_mode: 'direct_post.jwt',
      dcql_query: { credentials: [{ id: 'a', format: 'mso_mdoc', meta: { doctype_value: 'x' }, claims: [{ path: ['n', 'e'], intent_to_retain: false }] }] },
      client_metadata: { jwks: { keys: [{ kty: 'EC', crv: 'P-256', alg: 'ECDH-ES' }] }, encrypted_response_enc_values_supported: ['A128GCM', 'A256GCM'] },
    };
    const facts = { flow: 'redirect' as const, signed: true, byReference: true, alg: 'ES256', x5c: [pki.leaf], claims: good };
    expect(haipFindings(facts)).toEqual([]);
    const ids = (f: Parameters<typeof haipFindings>[0]) => haipFindings(f).map((x) => x.id);
    expect(ids({ ...facts, signed: false, alg: undefined as never, x5c: undefined as never })).toEqual([HaipCheck.SIGNED_REQUEST]);
    expect(ids({ ...facts, alg: 'ES384' })).toEqual([HaipCheck.SIGNING_ALG]);
    expect(ids({ ...facts, x5c: [] })).toEqual([HaipCheck.X5C]);
    expect(ids({ ...facts, claims: { ...good, response_type: 'code' } })).toEqual([HaipCheck.RESPONSE_TYPE]);
    expect(ids({ ...facts, claims: { ...good, client_metadata: { jwks: { keys: [] } } } })).toEqual([HaipCheck.ENCRYPTION]);
    expect(ids({ ...facts, claims: { ...good, client_metadata: { ...good.client_metadata, encrypted_response_enc_values_supported: ['A192GCM'] } } })).toEqual([HaipCheck.ENCRYPTION]);
    expect(ids({ ...facts, claims: { ...good, scope: 'x' } })).toEqual([HaipCheck.DCQL]);
    const noRetain = { credentials: [{ id: 'a', format: 'mso_mdoc', meta: { doctype_value: 'x' }, claims: [{ path: ['n', 'e'] }] }] };
    expect(ids({ ...facts, claims: { ...good, dcql_query: noRetain } })).toEqual([HaipCheck.INTENT_TO_RETAIN]);
    expect(ids({ ...facts, flow: 'dc_api', claims: { ...good, response_mode: 'dc_api.jwt' } })).toEqual([]);
  });
});

describe('signed OpenID4VP requests over the DC API (A.3)', () => {
  let pki: VerifierPki;
  let other: VerifierPki;
  let h: Holder;
  beforeAll(async () => {
    pki = await verifierPki(backend);
    other = await verifierPki(backend, 'other.example');
    h = await holder(backend);
  });

  it('openid4vp-v1-signed: sign, read with the origin checked against expected_origins, answer, open', async () => {
    const { request, state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests: DOC_REQUESTS, responseMode: 'dc_api.jwt', backend });
    const signed = await signOpenId4VpDcApiRequest(request, { signers: [{ signer: pki.key, certificates: [pki.leaf] }], expectedOrigins: [ORIGIN], backend });
    expect(signed.protocol).toBe('openid4vp-v1-signed');
    const read = await readOpenId4VpDcApiSignedRequest(signed.protocol, JSON.parse(JSON.stringify(signed.data)), ORIGIN, { trustAnchors: [pki.ca], now: NOW, backend, profile: 'haip' });
    expect(read.client.trusted).toBe(true);
    expect(read.clientId.startsWith('x509_hash:')).toBe(true);
    const answer = await createOpenId4VpDcApiResponse(read, { documents: h.documents, backend });
    const result = await openOpenId4VpDcApiResponse(JSON.parse(JSON.stringify(answer)), state, { trustAnchors: [h.issuer.iaca], now: NOW, backend });
    expect(result.valid).toBe(true);
    const wrongOrigin = await error(readOpenId4VpDcApiSignedRequest(signed.protocol, signed.data, 'https://evil.example', { trustAnchors: [pki.ca], now: NOW, backend }));
    expect([wrongOrigin.code, wrongOrigin.check]).toEqual(['ERR_ONLINE_MESSAGE', 'invalid_request']);
    expect((await error(readOpenId4VpDcApiSignedRequest(signed.protocol, signed.data, ORIGIN, { trustAnchors: [other.ca], now: NOW, backend }))).code).toBe('ERR_OID4VP_UNTRUSTED');
    expect((await error(readOpenId4VpDcApiSignedRequest(signed.protocol, { request: 'x.y.z' }, ORIGIN, { backend }))).code).toBe('ERR_OID4VP_SIGNATURE');
  });

  it('openid4vp-v1-multisigned: the first signature that authenticates is used', async () => {
    const { request } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests: DOC_REQUESTS, responseMode: 'dc_api', backend });
    const signed = await signOpenId4VpDcApiRequest(request, {
      signers: [
        { signer: other.key, certificates: [other.leaf], clientIdPrefix: 'x509_san_dns' },
        { signer: pki.key, certificates: [pki.leaf] },
      ],
      expectedOrigins: [ORIGIN],
      backend,
    });
    expect(signed.protocol).toBe('openid4vp-v1-multisigned');
    const read = await readOpenId4VpDcApiSignedRequest(signed.protocol, signed.data, ORIGIN, { trustAnchors: [pki.ca], now: NOW, backend });
    expect(read.clientId.startsWith('x509_hash:')).toBe(true);
    const none = await error(readOpenId4VpDcApiSignedRequest(signed.protocol, signed.data, ORIGIN, { trustAnchors: [], now: NOW, backend }));
    expect(none.code).toBe('ERR_OID4VP_UNTRUSTED');
    // A redirect_uri client id cannot sign.
    const bad = await signJws({ signer: pki.key, header: { typ: 'oauth-authz-req+jwt', x5c: [toBase64(pki.leaf.der)] }, payload: { ...request.data, client_id: 'redirect_uri:https://a.example', expected_origins: [ORIGIN] }, backend });
    expect((await error(readOpenId4VpDcApiSignedRequest('openid4vp-v1-signed', { request: bad }, ORIGIN, { backend }))).code).toBe('ERR_OID4VP_CLIENT_ID');
  });

  it('a signed DC API request is refused on or after its exp and before its nbf, and with time claims that are not NumericDates (RFC 7519 §4.1.4–§4.1.6)', async () => {
    const { request } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests: DOC_REQUESTS, responseMode: 'dc_api', backend });
    const t = Math.floor(NOW.getTime() / 1000);
    const x5c = [toBase64(pki.leaf.der)];
    const read = async (times: Record<string, unknown>) => {
      const jwt = await signJws({ signer: pki.key, header: { typ: 'oauth-authz-req+jwt', x5c }, payload: { ...request.data, client_id: `x509_hash:${await x509Hash(pki.leaf, { backend })}`, expected_origins: [ORIGIN], ...times }, backend });
      return readOpenId4VpDcApiSignedRequest('openid4vp-v1-signed', { request: jwt }, ORIGIN, { trustAnchors: [pki.ca], now: NOW, backend });
    };
    for (const times of [{ exp: t - 3600 }, { nbf: t + 3600 }, { exp: String(t + 3600) }, { iat: 'yesterday' }]) {
      expect(await error(read(times))).toMatchObject({ code: 'ERR_ONLINE_MESSAGE', check: 'invalid_request_object' });
    }
    expect((await read({ iat: t, exp: t + 300 })).client.trusted).toBe(true);
  });
});
