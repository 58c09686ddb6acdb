/** The OpenID4VP 1.0 specification's examples for mdoc and the request/response forms shomei implements (vectors/openid4vp). */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { webCryptoBackend as backend } from '../../../src/crypto/index.js';
import { fromBase64, utf8Decode } from '../../../src/internal/bytes.js';
import { readDcqlQuery } from '../../../src/online/dcql.js';
import { OpenId4VpVerifier, parseClientId, readOpenId4VpErrorResponse, readOpenId4VpUrl } from '../../../src/online/index.js';
import { BASE, NOW, type VerifierPki, verifierPki } from './fixtures.js';

const V = JSON.parse(readFileSync(new URL('../../../vectors/openid4vp/openid4vp-1.0-examples.json', import.meta.url), 'utf8')) as Record<string, { text?: string; json?: Record<string, unknown> }>;

describe('OpenID4VP 1.0 examples', () => {
  let pki: VerifierPki;
  beforeAll(async () => {
    pki = await verifierPki(backend);
  });

  it('§5.4: the request by reference reads as client_id, request_uri and request_uri_method', () => {
    const params = readOpenId4VpUrl(`openid4vp://?${V.request_by_reference_post!.text}`);
    expect(params).toEqual({ client_id: 'x509_san_dns:client.example.org', request_uri: 'https://client.example.org/request/vapof4ql2i7m41m68uep', request_uri_method: 'post' });
    expect(parseClientId(params.client_id)).toEqual({ clientId: 'x509_san_dns:client.example.org', prefix: 'x509_san_dns', value: 'client.example.org' });
  });

  it('§5.4: the wallet POST to the request_uri is read; its wallet_metadata has no mso_mdoc, so an mdoc request answers vp_formats_not_supported', async () => {
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: pki.key, certificates: [pki.leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await verifier.createRequest({ dcqlQuery: V.dcql_simple_mdoc!.json as never, requestUri: (id) => `${BASE}/request/${id}`, requestUriMethod: 'post' });
    const body = V.request_uri_wallet_post_body!.text!;
    const reply = await verifier.handleRequestUri(handle.id, { method: 'POST', body });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).error).toBe('vp_formats_not_supported');
    // Without the wallet_metadata, the wallet_nonce of the example is signed into the Request Object.
    const ok = await verifier.handleRequestUri(handle.id, { method: 'POST', body: 'wallet_nonce=qPmxiNFCR3QTm19POc8u' });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/oauth-authz-req+jwt');
    const payload = JSON.parse(utf8Decode(fromBase64(ok.body.split('.')[1]!))) as Record<string, unknown>;
    expect(payload.wallet_nonce).toBe('qPmxiNFCR3QTm19POc8u');
  });

  it('§6 / Appendix D: the mdoc DCQL examples are read, and a verifier makes requests from them', async () => {
    const simple = readDcqlQuery(V.dcql_simple_mdoc!.json);
    expect(simple.mdoc[0]).toMatchObject({ id: 'my_credential', docType: 'org.iso.7367.1.mVRC', nameSpaces: { 'org.iso.7367.1': { vehicle_holder: false }, 'org.iso.18013.5.1': { given_name: false } } });
    const complex = readDcqlQuery(V.dcql_complex_mdoc!.json);
    expect(complex.mdoc.map((q) => q.id)).toEqual(['mdl-id', 'mdl-address', 'photo_card-id', 'photo_card-address']);
    expect(complex.query.credential_sets?.[1]?.required).toBe(false);
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'redirect_uri', responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await verifier.createRequest({ dcqlQuery: V.dcql_complex_mdoc!.json as never, responseMode: 'direct_post' });
    expect(JSON.parse(readOpenId4VpUrl(handle.url).dcql_query!)).toEqual(V.dcql_complex_mdoc!.json);
  });

  it('Appendix A.3.1 / A.4: the signed DC API payload names its origins and client id; the error example reads as invalid_request', () => {
    const p = V.dc_api_signed_request_payload!.json!;
    expect(p.expected_origins).toEqual(['https://origin1.example.com', 'https://origin2.example.com']);
    expect(parseClientId(p.client_id).prefix).toBe('x509_san_dns');
    expect(readOpenId4VpErrorResponse(V.dc_api_error_invalid_request!.json!)).toEqual({ error: 'invalid_request' });
  });
});
