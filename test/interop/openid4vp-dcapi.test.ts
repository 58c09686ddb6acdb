/**
 * Interop with the OpenID4VP reference `@openid4vc/openid4vp` 0.4.6 over the Digital Credentials
 * API (OpenID4VP 1.0 Appendix A), both directions: `openid4vp-v1-unsigned` (A.2) with `dc_api` and
 * `dc_api.jwt` (A.3, JWE ECDH-ES to a key of `client_metadata.jwks`), and `openid4vp-v1-signed`
 * (A.3.1: a Request Object with `expected_origins`, `x509_san_dns` and `x509_hash`). The mdoc is
 * bound to the OpenID4VPDCAPIHandover SessionTranscript (Appendix B.2.6.2).
 *
 * The reference has no `openid4vp-v1-multisigned` (JWS JSON serialization): not tested here.
 * As in openid4vp-redirect.test.ts, the reference handles the envelope and shomei's mdoc layer
 * builds or verifies the DeviceResponse on its side over a transcript computed here. Findings:
 * docs/interop.md, "OpenID4VP".
 */
import type { Jwk } from '@openid4vc/oauth2';
import { createOpenid4vpAuthorizationRequest, createOpenid4vpAuthorizationResponse, extractEncryptionJwkFromJwks, parseOpenid4vpAuthorizationResponse, resolveOpenid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { base64url, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toBase64 } from '../../src/internal/bytes.js';
import { buildDeviceResponse, encodeDeviceResponse, verifyDeviceResponse } from '../../src/mdoc/index.js';
import {
  createOpenId4VpDcApiRequest,
  createOpenId4VpDcApiResponse,
  openId4VpDcApiHandover,
  openOpenId4VpDcApiResponse,
  readOpenId4VpDcApiRequest,
  readOpenId4VpDcApiSignedRequest,
  signOpenId4VpDcApiRequest,
  x509Hash,
} from '../../src/online/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { DOC_REQUESTS, type Holder, HOST, holder, NOW, NS, type VerifierPki, verifierPki } from '../online/openid4vp/fixtures.js';
import { DCQL, jwkOf, referenceCallbacks, thumbprintOf, WALLET_JARM } from './openid4vp-reference.js';

const [, backend] = BACKENDS[0]!;
const ORIGIN = `https://${HOST}`;

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

type Mode = 'dc_api' | 'dc_api.jwt';

describe('reference verifier → shomei wallet (DC API)', () => {
  async function referenceRequest(mode: Mode, signed?: 'x509_san_dns' | 'x509_hash') {
    const encJwk = jwkOf(await backend.generateKeyPair('P-256'), { kid: 'enc-1', use: 'enc', alg: 'ECDH-ES' });
    const { d: _d, ...encPublic } = encJwk;
    const callbacks = referenceCallbacks({ signingKey: pki.key, decryptionKeys: [encJwk], trustAnchors: [h.issuer.iaca] });
    const clientId = signed === 'x509_san_dns' ? `x509_san_dns:${HOST}` : signed === 'x509_hash' ? `x509_hash:${await x509Hash(pki.leaf, { backend })}` : undefined;
    const created = await createOpenid4vpAuthorizationRequest({
      authorizationRequestPayload: {
        response_type: 'vp_token',
        response_mode: mode,
        nonce: base64url.encode(backend.randomBytes(32)),
        dcql_query: DCQL,
        client_metadata: {
          vp_formats_supported: { mso_mdoc: {} },
          ...(mode === 'dc_api.jwt' ? { jwks: { keys: [encPublic as Jwk] }, encrypted_response_enc_values_supported: ['A128GCM'] } : {}),
        },
        ...(clientId === undefined ? {} : { client_id: clientId, expected_origins: [ORIGIN] }),
      },
      ...(signed === undefined ? {} : { jar: { jwtSigner: { method: 'x5c' as const, x5c: [toBase64(pki.leaf.der)], alg: 'ES256' }, expiresInSeconds: 300 } }),
      callbacks,
      now: NOW,
    });
    return { created, encPublic, callbacks };
  }

  async function referenceOpens(data: Record<string, unknown>, created: Awaited<ReturnType<typeof referenceRequest>>['created'], callbacks: ReturnType<typeof referenceCallbacks>, thumbprint: Uint8Array | null) {
    const parsed = await parseOpenid4vpAuthorizationResponse({ authorizationResponse: data, authorizationRequestPayload: created.authorizationRequestPayload, origin: ORIGIN, callbacks });
    expect(parsed.type).toBe('dcql');
    const token = ((parsed.type === 'dcql' ? parsed.dcql.presentations : {}) as Record<string, unknown[]>).mdl![0] as string;
    const transcript = await openId4VpDcApiHandover({ origin: ORIGIN, nonce: created.authorizationRequestPayload.nonce, jwkThumbprint: thumbprint }, { backend });
    const verified = await verifyDeviceResponse(base64url.decode(token), { sessionTranscript: transcript.sessionTranscript.tagged, trustAnchors: [h.issuer.iaca], now: NOW, backend });
    expect(verified.valid).toBe(true);
    expect(verified.documents[0]!.issuerSigned[NS]).toEqual({ family_name: 'Yamada', age_over_18: true });
  }

  it.each<Mode>(['dc_api.jwt', 'dc_api'])('openid4vp-v1-unsigned, %s: shomei reads the reference request, the reference opens the answer, the mdoc verifies over B.2.6.2', async (mode) => {
    const { created, encPublic, callbacks } = await referenceRequest(mode);
    const seen = await readOpenId4VpDcApiRequest(created.authorizationRequestObject as Record<string, unknown>, ORIGIN, { backend });
    expect(seen.responseMode).toBe(mode);
    const data = (await createOpenId4VpDcApiResponse(seen, { documents: h.documents, backend })) as Record<string, unknown>;
    if (mode === 'dc_api.jwt') expect(decodeProtectedHeader(data.response as string).kid).toBe('enc-1');
    await referenceOpens(data, created, callbacks, mode === 'dc_api.jwt' ? await thumbprintOf(encPublic) : null);
  });

  it.each(['x509_san_dns', 'x509_hash'] as const)('openid4vp-v1-signed, %s, dc_api.jwt: shomei verifies the reference Request Object and its expected_origins', async (prefix) => {
    const { created, encPublic, callbacks } = await referenceRequest('dc_api.jwt', prefix);
    const requestObject = created.authorizationRequestObject as Record<string, unknown>;
    expect(typeof requestObject.request).toBe('string');
    const seen = await readOpenId4VpDcApiSignedRequest('openid4vp-v1-signed', requestObject, ORIGIN, { trustAnchors: [pki.ca], now: NOW, backend });
    expect(seen.client.trusted).toBe(true);
    expect(seen.clientId.startsWith(`${prefix}:`)).toBe(true);
    const data = (await createOpenId4VpDcApiResponse(seen, { documents: h.documents, backend })) as Record<string, unknown>;
    await referenceOpens(data, created, callbacks, await thumbprintOf(encPublic));
    // Another origin than expected_origins is refused.
    const e = await readOpenId4VpDcApiSignedRequest('openid4vp-v1-signed', requestObject, 'https://attacker.example', { trustAnchors: [pki.ca], now: NOW, backend }).then(
      () => undefined,
      (err: unknown) => err as { code?: string },
    );
    expect(e?.code).toBe('ERR_ONLINE_MESSAGE');
  });
});

describe('shomei verifier → reference wallet (DC API)', () => {
  /** The reference wallet over the DC API: resolve with the origin, build the mdoc with shomei, answer with the reference. */
  async function referenceWallet(requestData: Record<string, unknown>, origin = ORIGIN) {
    const callbacks = referenceCallbacks({ trustAnchors: [pki.ca] });
    const resolved = await resolveOpenid4vpAuthorizationRequest({ authorizationRequestPayload: requestData as never, origin, callbacks });
    const payload = resolved.authorizationRequestPayload as Record<string, unknown> & { nonce: string; response_mode: Mode; client_metadata: { jwks?: { keys: Jwk[] } } };
    const encJwk = payload.client_metadata.jwks === undefined ? undefined : extractEncryptionJwkFromJwks(payload.client_metadata.jwks, { supportedAlgValues: ['ECDH-ES'] });
    const transcript = await openId4VpDcApiHandover({ origin, nonce: payload.nonce, jwkThumbprint: encJwk === undefined ? null : await thumbprintOf(encJwk) }, { backend });
    const deviceResponse = await buildDeviceResponse({ documents: h.documents, elements: { [NS]: ['family_name', 'age_over_18'] }, sessionTranscript: transcript.sessionTranscript.tagged, backend });
    const response = await createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: resolved.authorizationRequestPayload,
      origin,
      authorizationResponsePayload: { vp_token: { mdl: [base64url.encode(encodeDeviceResponse(deviceResponse))] } },
      ...(encJwk === undefined ? {} : { jarm: { encryption: { nonce: base64url.encode(backend.randomBytes(16)), jwk: encJwk }, serverMetadata: WALLET_JARM } }),
      callbacks,
    });
    const data: Record<string, unknown> = response.jarm === undefined ? { vp_token: response.authorizationResponsePayload.vp_token } : { response: response.jarm.responseJwt };
    return { resolved, data };
  }

  it.each<Mode>(['dc_api.jwt', 'dc_api'])('openid4vp-v1-unsigned, %s: the reference resolves shomei’s request, shomei opens and verifies its answer', async (mode) => {
    const { request, state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, responseMode: mode, docRequests: DOC_REQUESTS, backend });
    const { resolved, data } = await referenceWallet(request.data as unknown as Record<string, unknown>);
    expect(resolved.client.prefix).toBe('origin');
    expect(resolved.client.effective).toBe(`origin:${ORIGIN}`);
    expect(resolved.version).toBe(100);
    const result = await openOpenId4VpDcApiResponse(data, state, { trustAnchors: [h.issuer.iaca], now: NOW, backend });
    expect(result.valid).toBe(true);
    expect(result.presentations.mdl![0]!.verification.documents[0]!.issuerSigned[NS]).toEqual({ age_over_18: true, family_name: 'Yamada' });
  });

  it.each(['x509_san_dns', 'x509_hash'] as const)('openid4vp-v1-signed, %s, dc_api.jwt: the reference verifies shomei’s Request Object and expected_origins; shomei verifies its answer', async (prefix) => {
    const { request, state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, responseMode: 'dc_api.jwt', docRequests: DOC_REQUESTS, backend });
    const signed = await signOpenId4VpDcApiRequest(request, { signers: [{ signer: pki.key, certificates: [pki.leaf], clientIdPrefix: prefix }], expectedOrigins: [ORIGIN], backend });
    expect(signed.protocol).toBe('openid4vp-v1-signed');
    const { resolved, data } = await referenceWallet(signed.data as unknown as Record<string, unknown>);
    expect(resolved.client.prefix).toBe(prefix);
    expect(resolved.jar?.signer.method).toBe('x5c');
    const result = await openOpenId4VpDcApiResponse(data, state, { trustAnchors: [h.issuer.iaca], now: NOW, backend });
    expect(result.valid).toBe(true);
    // The reference refuses the same request from an origin not in expected_origins.
    await expect(referenceWallet(signed.data as unknown as Record<string, unknown>, 'https://attacker.example')).rejects.toThrow(/expected_origins/);
  });
});
