/**
 * JWS `alg` for Ed25519: `EdDSA` (RFC 8037) and its fully specified name `Ed25519` (RFC 9864
 * §2.2) are the same signature. shomei reads both (against jose, an independent JOSE
 * implementation), writes either on request, and a verifier whose key is Ed25519 signs its
 * Request Object with whichever of the two the wallet's metadata lists.
 */
import { CompactSign, compactVerify, importJWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OkpPrivateKey } from '../../../src/crypto/index.js';
import { publicKeyOf } from '../../../src/crypto/keys.js';
import { utf8Encode } from '../../../src/internal/bytes.js';
import { fromBase64UrlStrict } from '../../../src/online/jwe.js';
import { decodeJws, OpenId4VpVerifier, resolveOpenId4VpRequest, signJws, verifyJwsSignature } from '../../../src/online/index.js';
import { BACKENDS } from '../../helpers/backends.js';
import { BASE, DOC_REQUESTS, NOW, routeTo, type VerifierPki, verifierLeaf, verifierPki } from './fixtures.js';

// RFC 8032 §7.1 TEST 1: a fixed Ed25519 key, so jose's signatures are the same on every run.
const SECRET = 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A';
const PUBLIC = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';

describe.each(BACKENDS)('JWS alg Ed25519 (%s)', (_name, backend) => {
  let ed: OkpPrivateKey;
  let p256: VerifierPki['key'];
  beforeAll(async () => {
    ed = { kty: 'OKP', crv: 'Ed25519', x: fromB64u(PUBLIC), d: fromB64u(SECRET) };
    p256 = await backend.generateKeyPair('P-256');
  });

  it('reads a jose JWS signed as alg Ed25519, with the Ed25519 key only; a changed byte fails', async () => {
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: PUBLIC, d: SECRET }, 'Ed25519');
    const jws = await new CompactSign(utf8Encode(JSON.stringify({ iss: 'x' }))).setProtectedHeader({ alg: 'Ed25519' }).sign(key);
    const [signature] = decodeJws(jws).signatures;
    expect(signature!.alg).toBe('Ed25519');
    expect(await verifyJwsSignature(signature!, publicKeyOf(ed), { backend })).toBe(true);
    expect(await verifyJwsSignature(signature!, publicKeyOf(p256), { backend })).toBe(false);
    const tampered = { ...signature!, signature: signature!.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    expect(await verifyJwsSignature(tampered, publicKeyOf(ed), { backend })).toBe(false);
  });

  it('writes alg Ed25519 on request, which jose verifies; an alg the signer cannot write is a TypeError', async () => {
    const jws = await signJws({ signer: ed, alg: 'Ed25519', header: { typ: 'JWT' }, payload: { iss: 'x' }, backend });
    expect(decodeJws(jws).signatures[0]!.header.alg).toBe('Ed25519');
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: PUBLIC }, 'Ed25519');
    expect((await compactVerify(jws, key, { algorithms: ['Ed25519'] })).protectedHeader.alg).toBe('Ed25519');
    expect(decodeJws(await signJws({ signer: ed, header: {}, payload: {}, backend })).signatures[0]!.alg).toBe('EdDSA');
    await expect(signJws({ signer: ed, alg: 'ES256', header: {}, payload: {}, backend })).rejects.toThrow(TypeError);
    await expect(signJws({ signer: p256, alg: 'Ed25519', header: {}, payload: {}, backend })).rejects.toThrow(TypeError);
  });

  it("an Ed25519 verifier signs its Request Object with the alg the wallet's metadata lists", async () => {
    const pki = await verifierPki(backend);
    const leaf = await verifierLeaf(pki, ed, backend);
    const verifier = new OpenId4VpVerifier({ clientIdPrefix: 'x509_san_dns', signer: ed, certificates: [leaf], responseUri: `${BASE}/response`, now: () => NOW, backend });
    const handle = await verifier.createRequest({ docRequests: DOC_REQUESTS, requestUri: (id) => `${BASE}/request/${id}`, requestUriMethod: 'post' });
    const served = async (algs: string[]) => {
      const body = new URLSearchParams({ wallet_metadata: JSON.stringify({ request_object_signing_alg_values_supported: algs }) }).toString();
      return verifier.handleRequestUri(handle.id, { method: 'POST', body });
    };
    const algOf = async (algs: string[]) => decodeJws((await served(algs)).body).signatures[0]!.alg;
    expect(await algOf(['Ed25519'])).toBe('Ed25519');
    expect(await algOf(['ES256', 'EdDSA'])).toBe('EdDSA');
    expect(await algOf(['Ed25519', 'EdDSA'])).toBe('EdDSA');
    expect((await served(['ES256'])).status).toBe(400);
    // The wallet side reads and verifies the Ed25519-named Request Object end to end.
    const { fetch } = routeTo(verifier, { trustAnchors: [], now: NOW, backend });
    const walletMetadata = { request_object_signing_alg_values_supported: ['Ed25519'] };
    const request = await resolveOpenId4VpRequest(handle.url, { trustAnchors: [pki.ca], now: NOW, backend, fetch, walletMetadata });
    expect(request.signed && request.client.trusted).toBe(true);
  });
});

/** A fixture key's base64url (strict: canonical, no padding), as the project's JOSE code reads it. */
function fromB64u(text: string): Uint8Array {
  const bytes = fromBase64UrlStrict(text);
  expect(bytes).toBeInstanceOf(Uint8Array);
  return bytes!;
}
