/** Both ends of OpenID4VP 1.0 over the Digital Credentials API (dc_api and dc_api.jwt) with a test mDL, on both backends. */
import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import { fromBase64, toBase64Url, toHex, utf8Decode, utf8Encode } from '../../src/internal/bytes.js';
import { buildDeviceResponse, encodeDeviceResponse, type IssuerSigned, issueMdoc } from '../../src/mdoc/index.js';
import {
  createOpenId4VpDcApiRequest,
  createOpenId4VpDcApiResponse,
  type DcqlQuery,
  decodeJweHeader,
  decryptJwe,
  encryptJwe,
  jwkThumbprint,
  type OpenId4VpDcApiResult,
  type OpenId4VpDcApiVerifierState,
  openId4VpDcApiHandover,
  openOpenId4VpDcApiResponse,
  readOpenId4VpDcApiRequest,
} from '../../src/online/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { restoredOpenId4VpState as restored } from './restored.js';
import { deviceKey, MDL_DATA, NOW, type TestIssuer, testIssuer } from '../mdoc/fixtures.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const PHOTO_ID = 'org.iso.23220.photoid.1';
const ORIGIN = 'https://verifier.example';
const EVIL = 'https://evil.example';

/** What the DC API carries: JSON, not shared objects. */
const wire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function checkOf(result: OpenId4VpDcApiResult, credentialId: string, id: string, index = 0) {
  return result.presentations[credentialId]?.[index]?.checks.find((c) => c.id === id);
}

function deviceAuthOf(result: OpenId4VpDcApiResult, credentialId: string) {
  return result.presentations[credentialId]?.[0]?.verification.documents[0]?.checks.find((c) => c.id === 'DEVICE_AUTH');
}

describe.each(BACKENDS)('OpenID4VP over the DC API (%s)', (_name, backend) => {
  let issuer: TestIssuer;
  let device: PrivateKey;
  let mdl: IssuerSigned;
  let mdl2: IssuerSigned;
  let photoId: IssuerSigned;
  let verify: { trustAnchors: TestIssuer['iaca'][]; now: Date; backend: typeof backend };
  const docRequests = [{ id: 'mdl', docType: MDL, nameSpaces: { [NS]: { age_over_18: false, family_name: true } } }];

  beforeAll(async () => {
    issuer = await testIssuer(backend);
    device = await deviceKey(backend);
    const validity = { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * 86_400_000) };
    const common = { deviceKey: publicKeyOf(device), validity, issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] }, backend };
    mdl = await issueMdoc({ docType: MDL, nameSpaces: MDL_DATA, ...common });
    mdl2 = await issueMdoc({ docType: MDL, nameSpaces: { [NS]: { ...MDL_DATA[NS], family_name: 'Suzuki' } }, ...common });
    photoId = await issueMdoc({ docType: PHOTO_ID, nameSpaces: { 'org.iso.23220.1': { family_name: 'Yamada' } }, ...common });
    verify = { trustAnchors: [issuer.iaca], now: NOW, backend };
  });

  const held = () => [{ issuerSigned: mdl, deviceKey: device }];

  it('dc_api: request → wallet → verified, with the DCQL query and the B.2.6.2 transcript (thumbprint null)', async () => {
    const { request, state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api', backend });
    expect(request.protocol).toBe('openid4vp-v1-unsigned');
    expect(request.data).toMatchObject({ response_type: 'vp_token', response_mode: 'dc_api' });
    expect(fromBase64(request.data.nonce).length).toBe(32);
    expect(request.data.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request.data.client_metadata?.jwks).toBeUndefined();
    expect(request.data.client_metadata?.vp_formats_supported).toEqual({ mso_mdoc: { issuerauth_alg_values: [-7, -35, -36, -8], deviceauth_alg_values: [-7, -35, -36, -8] } });
    expect(request.data.dcql_query).toEqual({
      credentials: [
        {
          id: 'mdl',
          format: 'mso_mdoc',
          meta: { doctype_value: MDL },
          claims: [
            { path: [NS, 'age_over_18'], intent_to_retain: false },
            { path: [NS, 'family_name'], intent_to_retain: true },
          ],
        },
      ],
    });
    const expected = await openId4VpDcApiHandover({ origin: ORIGIN, nonce: request.data.nonce, jwkThumbprint: null }, { backend });
    expect(toHex(state.transcript.sessionTranscript.transcript)).toBe(toHex(expected.sessionTranscript.transcript));

    const walletView = await readOpenId4VpDcApiRequest(JSON.stringify(request.data), ORIGIN, { backend });
    expect(walletView.credentials).toEqual([
      {
        id: 'mdl',
        docType: MDL,
        multiple: false,
        claims: [
          { namespace: NS, element: 'age_over_18', intentToRetain: false },
          { namespace: NS, element: 'family_name', intentToRetain: true },
        ],
        nameSpaces: { [NS]: { age_over_18: false, family_name: true } },
      },
    ]);
    expect(toHex(walletView.transcript.sessionTranscript.transcript)).toBe(toHex(expected.sessionTranscript.transcript));
    const answer = await createOpenId4VpDcApiResponse(walletView, { documents: held(), backend });
    expect(Object.keys(answer)).toEqual(['vp_token']);
    const result = await openOpenId4VpDcApiResponse(wire(answer), state, verify);
    expect(result.valid).toBe(true);
    expect(result.jweHeader).toBeUndefined();
    // The DCQL evaluation explains the verdict: the mdl query is met by the one document presented.
    expect(result.dcql.satisfied).toBe(true);
    expect(result.dcql.credentials.mdl?.ok).toBe(true);
    expect(result.dcql.credentials.mdl?.documents.map((d) => d.ok)).toEqual([true]);
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([
      ['OID4VP_CREDENTIALS', 'passed'],
      ['OID4VP_PRESENTATION_COUNT', 'passed'],
    ]);
    const p = result.presentations.mdl![0]!;
    expect(p.checks.map((c) => [c.id, c.status])).toEqual([
      ['OID4VP_DOCUMENT', 'passed'],
      ['OID4VP_CLAIMS', 'passed'],
      ['OID4VP_TRANSCRIPT', 'passed'],
    ]);
    expect(p.verification.documents[0]!.issuerSigned[NS]).toEqual({ age_over_18: true, family_name: 'Yamada' });
  });

  it('dc_api.jwt: an encrypted answer to the request key, bound to its thumbprint', async () => {
    const { request, state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api.jwt', backend });
    const jwks = request.data.client_metadata?.jwks?.keys ?? [];
    expect(jwks).toHaveLength(1);
    expect(jwks[0]).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'enc', alg: 'ECDH-ES', kid: state.encryption!.kid });
    expect(jwks[0]).not.toHaveProperty('d');
    expect(request.data.client_metadata?.encrypted_response_enc_values_supported).toEqual(['A128GCM', 'A256GCM']);
    const thumbprint = await jwkThumbprint(publicKeyOf(state.encryption!.key), { backend });
    const expected = await openId4VpDcApiHandover({ origin: ORIGIN, nonce: request.data.nonce, jwkThumbprint: thumbprint }, { backend });
    expect(toHex(state.transcript.sessionTranscript.transcript)).toBe(toHex(expected.sessionTranscript.transcript));

    const walletView = await readOpenId4VpDcApiRequest(wire(request.data), ORIGIN, { backend });
    expect(walletView.encryption).toMatchObject({ kid: state.encryption!.kid, enc: 'A128GCM' });
    expect(toHex(walletView.transcript.sessionTranscript.transcript)).toBe(toHex(expected.sessionTranscript.transcript));
    const answer = await createOpenId4VpDcApiResponse(walletView, { documents: held(), backend });
    expect(Object.keys(answer)).toEqual(['response']);
    const jwe = (answer as { response: string }).response;
    expect(decodeJweHeader(jwe)).toMatchObject({ alg: 'ECDH-ES', enc: 'A128GCM', kid: state.encryption!.kid });
    const inner = JSON.parse(utf8Decode((await decryptJwe(jwe, { recipientKey: state.encryption!.key, backend })).plaintext)) as Record<string, unknown>;
    expect(Object.keys(inner)).toEqual(['vp_token']);
    const result = await openOpenId4VpDcApiResponse(wire(answer), state, verify);
    expect(result.valid).toBe(true);
    expect(result.jweHeader?.kid).toBe(state.encryption!.kid);

    // The verifier may offer A256GCM only; the wallet then uses it.
    const a256 = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api.jwt', encValues: ['A256GCM'], backend });
    const a256View = await readOpenId4VpDcApiRequest(wire(a256.request.data), ORIGIN, { backend });
    const a256Answer = await createOpenId4VpDcApiResponse(a256View, { documents: held(), backend });
    expect(decodeJweHeader((a256Answer as { response: string }).response).enc).toBe('A256GCM');
    expect((await openOpenId4VpDcApiResponse(a256Answer, a256.state, verify)).valid).toBe(true);
  });

  it.each(['dc_api', 'dc_api.jwt'] as const)('%s: an answer made for another origin fails device authentication (OID4VP_TRANSCRIPT)', async (responseMode) => {
    const { request, state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode, backend });
    const phished = await readOpenId4VpDcApiRequest(wire(request.data), EVIL, { backend });
    const answer = await createOpenId4VpDcApiResponse(phished, { documents: held(), backend });
    const result = await openOpenId4VpDcApiResponse(answer, state, verify);
    expect(result.valid).toBe(false);
    const transcript = checkOf(result, 'mdl', 'OID4VP_TRANSCRIPT');
    expect(transcript?.status).toBe('failed');
    expect(transcript?.detail).toContain(`origin ${ORIGIN}`);
    expect(deviceAuthOf(result, 'mdl')?.status).toBe('failed');
    // Issuer data is still authentic: only the binding fails.
    expect(result.presentations.mdl![0]!.verification.documents[0]!.checks.find((c) => c.id === 'ISSUER_SIGNATURE')?.status).toBe('passed');
    expect(result.checks.find((c) => c.id === 'OID4VP_CREDENTIALS')?.status).toBe('failed');
  });

  it('dc_api: an answer to another request (another nonce) fails device authentication', async () => {
    const a = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api', backend });
    const b = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api', backend });
    const answerToA = await createOpenId4VpDcApiResponse(await readOpenId4VpDcApiRequest(wire(a.request.data), ORIGIN, { backend }), { documents: held(), backend });
    const replayed = await openOpenId4VpDcApiResponse(answerToA, b.state, verify);
    expect(replayed.valid).toBe(false);
    expect(checkOf(replayed, 'mdl', 'OID4VP_TRANSCRIPT')?.status).toBe('failed');
    // A nonce changed on the way to the wallet: the same.
    const tampered = await readOpenId4VpDcApiRequest({ ...wire(a.request.data), nonce: 'attacker-chosen-nonce' }, ORIGIN, { backend });
    const result = await openOpenId4VpDcApiResponse(await createOpenId4VpDcApiResponse(tampered, { documents: held(), backend }), a.state, verify);
    expect(result.valid).toBe(false);
    expect(deviceAuthOf(result, 'mdl')?.status).toBe('failed');
  });

  it('dc_api.jwt: an answer encrypted to another key does not decrypt (ERR_JWE_DECRYPT); one re-encrypted to ours fails the thumbprint binding', async () => {
    const { request, state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api.jwt', backend });
    // A man in the middle swaps the verifier's key for its own.
    const attacker = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const attackerJwk = { kty: 'EC', crv: 'P-256', x: toBase64Url(attacker.x), y: toBase64Url(attacker.y), use: 'enc', alg: 'ECDH-ES', kid: state.encryption!.kid };
    const swapped = { ...wire(request.data), client_metadata: { ...request.data.client_metadata, jwks: { keys: [attackerJwk] } } };
    const toAttacker = await createOpenId4VpDcApiResponse(await readOpenId4VpDcApiRequest(swapped, ORIGIN, { backend }), { documents: held(), backend });
    await expect(openOpenId4VpDcApiResponse(toAttacker, state, verify)).rejects.toMatchObject({ code: 'ERR_JWE_DECRYPT' });
    // It reads the answer and re-encrypts it to the verifier's real key: that decrypts, but the mdoc signed the attacker's thumbprint.
    const stolen = await decryptJwe((toAttacker as { response: string }).response, { recipientKey: attacker, backend });
    const reEncrypted = await encryptJwe({ recipientKey: publicKeyOf(state.encryption!.key), kid: state.encryption!.kid, plaintext: stolen.plaintext, backend });
    const result = await openOpenId4VpDcApiResponse({ response: reEncrypted }, restored(state), verify);
    expect(result.valid).toBe(false);
    expect(checkOf(result, 'mdl', 'OID4VP_TRANSCRIPT')?.detail).toContain('encryption key');
    expect(deviceAuthOf(result, 'mdl')?.status).toBe('failed');
    // An answer to another request (another key, another kid).
    const other = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api.jwt', backend });
    const good = await createOpenId4VpDcApiResponse(await readOpenId4VpDcApiRequest(wire(request.data), ORIGIN, { backend }), { documents: held(), backend });
    await expect(openOpenId4VpDcApiResponse(good, other.state, verify)).rejects.toMatchObject({ code: 'ERR_JWE_DECRYPT' });
    // The same without a kid in the header: decryption itself fails.
    const noKid = await encryptJwe({ recipientKey: publicKeyOf(state.encryption!.key), plaintext: stolen.plaintext, backend });
    await expect(openOpenId4VpDcApiResponse({ response: noKid }, restored(other.state), verify)).rejects.toMatchObject({ code: 'ERR_JWE_DECRYPT' });
    // An enc the verifier did not offer.
    const only128 = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api.jwt', encValues: ['A128GCM'], backend });
    const a256 = await encryptJwe({ recipientKey: publicKeyOf(only128.state.encryption!.key), kid: only128.state.encryption!.kid, enc: 'A256GCM', plaintext: stolen.plaintext, backend });
    await expect(openOpenId4VpDcApiResponse({ response: a256 }, only128.state, verify)).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
  });

  it('the verifier checks what came back against the DCQL query: doctype, claims, count, presence', async () => {
    const { request, state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api', backend });
    const sessionTranscript = state.transcript.sessionTranscript.tagged;
    const b64 = async (documents: { issuerSigned: IssuerSigned; deviceKey: PrivateKey }[], elements: Record<string, string[]>) =>
      toBase64Url(encodeDeviceResponse(await buildDeviceResponse({ documents, elements, sessionTranscript, backend })));

    // A photo ID under the mDL's credential id.
    const wrongType = await openOpenId4VpDcApiResponse({ vp_token: { mdl: [await b64([{ issuerSigned: photoId, deviceKey: device }], { 'org.iso.23220.1': ['family_name'] })] } }, restored(state), verify);
    expect(wrongType.valid).toBe(false);
    expect(checkOf(wrongType, 'mdl', 'OID4VP_DOCUMENT')?.status).toBe('failed');
    expect(wrongType.presentations.mdl![0]!.verification.documents[0]!.checks.find((c) => c.id === 'REQUESTED_DOCTYPE')?.status).toBe('failed');
    // Fewer claims than asked.
    const fewer = await openOpenId4VpDcApiResponse({ vp_token: { mdl: [await b64(held(), { [NS]: ['family_name'] })] } }, restored(state), verify);
    expect(fewer.valid).toBe(false);
    expect(checkOf(fewer, 'mdl', 'OID4VP_CLAIMS')).toMatchObject({ status: 'failed', detail: `not disclosed: ${NS}/age_over_18` });
    expect(checkOf(fewer, 'mdl', 'OID4VP_TRANSCRIPT')?.status).toBe('passed');
    // More than asked: the mdoc report's REQUESTED_ELEMENT fails.
    const more = await openOpenId4VpDcApiResponse({ vp_token: { mdl: [await b64(held(), { [NS]: ['family_name', 'age_over_18', 'given_name'] })] } }, restored(state), verify);
    expect(more.valid).toBe(false);
    expect(more.presentations.mdl![0]!.verification.documents[0]!.checks.find((c) => c.id === 'REQUESTED_ELEMENT' && c.element === 'given_name')?.status).toBe('failed');
    // Two presentations without `multiple`; two documents in one DeviceResponse.
    const one = await b64(held(), { [NS]: ['family_name', 'age_over_18'] });
    const two = await openOpenId4VpDcApiResponse({ vp_token: { mdl: [one, one] } }, restored(state), verify);
    expect(two.valid).toBe(false);
    expect(two.checks.find((c) => c.id === 'OID4VP_PRESENTATION_COUNT')?.status).toBe('failed');
    const both = await openOpenId4VpDcApiResponse(
      { vp_token: { mdl: [await b64([...held(), { issuerSigned: mdl2, deviceKey: device }], { [NS]: ['family_name', 'age_over_18'] })] } },
      restored(state),
      verify,
    );
    expect(checkOf(both, 'mdl', 'OID4VP_DOCUMENT')?.status).toBe('failed');
    // Nothing returned.
    const none = await openOpenId4VpDcApiResponse({ vp_token: {} }, restored(state), verify);
    expect(none.valid).toBe(false);
    expect(none.checks).toEqual([{ id: 'OID4VP_CREDENTIALS', status: 'failed', required: true, detail: 'no valid presentation of mdl' }]);
    expect(request.data.dcql_query.credentials).toHaveLength(1);
  });

  it('an answer that is not an OpenID4VP response to this request is ERR_ONLINE_MESSAGE', async () => {
    const plain = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api', backend });
    const jwt = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api.jwt', backend });
    const good = await createOpenId4VpDcApiResponse(await readOpenId4VpDcApiRequest(wire(plain.request.data), ORIGIN, { backend }), { documents: held(), backend });
    const goodJwt = await createOpenId4VpDcApiResponse(await readOpenId4VpDcApiRequest(wire(jwt.request.data), ORIGIN, { backend }), { documents: held(), backend });
    const cases: [string, unknown, OpenId4VpDcApiVerifierState][] = [
      ['not JSON', '{vp_token', plain.state],
      ['an array', [good], plain.state],
      ['an error response', { error: 'access_denied', error_description: 'user said no' }, plain.state],
      ['an error response to a jwt request', { error: 'access_denied' }, jwt.state],
      ['an encrypted answer to a dc_api request', goodJwt, plain.state],
      ['a plain answer to a dc_api.jwt request', good, jwt.state],
      ['no vp_token', {}, plain.state],
      ['vp_token an array', { vp_token: ['x'] }, plain.state],
      ['an unknown credential id', { vp_token: { other: ['AA'] } }, plain.state],
      ['an empty presentation list', { vp_token: { mdl: [] } }, plain.state],
      ['a presentation that is not a string', { vp_token: { mdl: [7] } }, plain.state],
      ['a presentation that is not base64url', { vp_token: { mdl: ['a+b/'] } }, plain.state],
      ['a presentation that is not a DeviceResponse', { vp_token: { mdl: [toBase64Url(utf8Encode('hello'))] } }, plain.state],
      ['a JWE that is not a JWE', { response: 'a.b.c' }, jwt.state],
    ];
    for (const [what, data, state] of cases) {
      await expect(openOpenId4VpDcApiResponse(data as never, restored(state), verify), what).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
    }
    // The decrypted payload must be a JSON object with vp_token.
    for (const payload of ['not json', '[1]', '{"error":"access_denied"}', '{"vp_token":"x"}']) {
      const response = await encryptJwe({ recipientKey: publicKeyOf(jwt.state.encryption!.key), kid: jwt.state.encryption!.kid, plaintext: utf8Encode(payload), backend });
      await expect(openOpenId4VpDcApiResponse({ response }, restored(jwt.state), verify), payload).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
    }
    const notUtf8 = await encryptJwe({ recipientKey: publicKeyOf(jwt.state.encryption!.key), plaintext: Uint8Array.of(0xff), backend });
    await expect(openOpenId4VpDcApiResponse({ response: notUtf8 }, restored(jwt.state), verify)).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
  });

  it('wallet: DCQL claim_sets, values, credential_sets and other formats pick what to disclose', async () => {
    const dcqlQuery: DcqlQuery = {
      credentials: [
        { id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: ['https://credentials.example.com/identity_credential'] }, claims: [{ path: ['family_name'] }] },
        {
          id: 'mdl',
          format: 'mso_mdoc',
          meta: { doctype_value: MDL },
          claims: [
            { id: 'fn', path: [NS, 'family_name'], values: ['Tanaka'] },
            { id: 'a20', path: [NS, 'age_over_20'], intent_to_retain: false },
            { id: 'bd', path: [NS, 'birth_date'], values: ['1990-04-01'] },
          ],
          claim_sets: [['fn'], ['a20'], ['bd']],
        },
      ],
      credential_sets: [{ options: [['pid'], ['mdl']] }, { options: [['photo']], required: false }],
    };
    // credential_sets may name only known ids: add the optional photo query.
    const query: DcqlQuery = { ...dcqlQuery, credentials: [...dcqlQuery.credentials, { id: 'photo', format: 'mso_mdoc', meta: { doctype_value: PHOTO_ID } }] };
    const nonce = 'n-0S6_WzA2Mj';
    const data = { response_type: 'vp_token', response_mode: 'dc_api', nonce, dcql_query: query, client_id: 'ignored', expected_origins: ['ignored'], unknown: 1 };
    const view = await readOpenId4VpDcApiRequest(data, ORIGIN, { backend });
    expect(view.otherFormats).toEqual(['pid']);
    expect(view.credentials.map((c) => c.id)).toEqual(['mdl', 'photo']);
    expect(view.credentials[0]!.claimSets).toEqual([['fn'], ['a20'], ['bd']]);
    let asked: unknown[] = [];
    const answer = await createOpenId4VpDcApiResponse(view, {
      documents: held(),
      consent: (docType, proposed, credentialId) => {
        asked.push([docType, proposed, credentialId]);
        return proposed;
      },
      backend,
    });
    // family_name does not match its value, so the second claim set (age_over_20, answered by age_over_21) is used; no photo ID is held.
    expect(asked).toEqual([[MDL, { [NS]: ['age_over_20'] }, 'mdl']]);
    expect(Object.keys((answer as { vp_token: object }).vp_token)).toEqual(['mdl']);
    const transcript = await openId4VpDcApiHandover({ origin: ORIGIN, nonce, jwkThumbprint: null }, { backend });
    const state: OpenId4VpDcApiVerifierState = { origin: ORIGIN, nonce, responseMode: 'dc_api', dcqlQuery: query, transcript };
    const result = await openOpenId4VpDcApiResponse(answer, state, verify);
    expect(result.valid).toBe(true);
    expect(result.presentations.mdl![0]!.verification.documents[0]!.issuerSigned[NS]).toEqual({ age_over_21: true });

    // With the photo ID held too, the optional set is answered as well.
    asked = [];
    const withPhoto = await createOpenId4VpDcApiResponse(view, { documents: [...held(), { issuerSigned: photoId, deviceKey: device }], backend });
    expect(Object.keys((withPhoto as { vp_token: object }).vp_token)).toEqual(['mdl', 'photo']);
    expect((await openOpenId4VpDcApiResponse(withPhoto, restored(state), verify)).valid).toBe(true);
    // A value that matches (a full-date, compared as its RFC 8949 §6.1 JSON text).
    const byDate = { ...view, credentials: [{ ...view.credentials[0]!, claimSets: [['bd']] }] };
    const dated = await createOpenId4VpDcApiResponse(byDate, { documents: held(), backend });
    expect((await openOpenId4VpDcApiResponse(dated, restored(state), verify)).presentations.mdl![0]!.verification.documents[0]!.issuerSigned[NS]).toHaveProperty('birth_date');
  });

  it('wallet: `multiple` presents every matching credential, each in its own DeviceResponse', async () => {
    const { request, state } = await createOpenId4VpDcApiRequest({
      origin: ORIGIN,
      docRequests: [{ docType: MDL, multiple: true, nameSpaces: new Map([[NS, new Map([['family_name', false]])]]) }],
      responseMode: 'dc_api.jwt',
      backend,
    });
    const id = request.data.dcql_query.credentials[0]!.id;
    expect(id).toBe('org_iso_18013_5_1_mDL');
    expect(request.data.dcql_query.credentials[0]!.multiple).toBe(true);
    const view = await readOpenId4VpDcApiRequest(wire(request.data), ORIGIN, { backend });
    const answer = await createOpenId4VpDcApiResponse(view, { documents: [...held(), { issuerSigned: mdl2, deviceKey: device }], backend });
    const result = await openOpenId4VpDcApiResponse(answer, state, verify);
    expect(result.valid).toBe(true);
    expect(result.presentations[id]!.map((p) => p.verification.documents[0]!.issuerSigned[NS]!.family_name)).toEqual(['Yamada', 'Suzuki']);
  });

  it('wallet: documents that cannot satisfy the query, or a refused consent, are ERR_MDOC_INPUT', async () => {
    const { request } = await createOpenId4VpDcApiRequest({
      origin: ORIGIN,
      docRequests: [...docRequests, { id: 'photo', docType: PHOTO_ID, nameSpaces: { 'org.iso.23220.1': { family_name: false } } }],
      responseMode: 'dc_api',
      backend,
    });
    const view = await readOpenId4VpDcApiRequest(wire(request.data), ORIGIN, { backend });
    await expect(createOpenId4VpDcApiResponse(view, { documents: held(), backend })).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT', path: 'documents' });
    const all = [...held(), { issuerSigned: photoId, deviceKey: device }];
    expect(Object.keys(((await createOpenId4VpDcApiResponse(view, { documents: all, backend })) as { vp_token: object }).vp_token)).toEqual(['mdl', 'photo']);
    // Releasing fewer elements than asked withdraws the credential, and both were required.
    const stingy = (docType: string, proposed: Record<string, readonly string[]>) => (docType === MDL ? { [NS]: ['family_name'] } : proposed);
    await expect(createOpenId4VpDcApiResponse(view, { documents: all, consent: stingy, backend })).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT' });
    // An element not held.
    const { request: r2 } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests: [{ docType: MDL, nameSpaces: { [NS]: { resident_city: false } } }], responseMode: 'dc_api', backend });
    await expect(createOpenId4VpDcApiResponse(await readOpenId4VpDcApiRequest(wire(r2.data), ORIGIN, { backend }), { documents: held(), backend })).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT' });
  });

  it('wallet: malformed or unsupported requests are ERR_ONLINE_MESSAGE; a bad origin is a TypeError', async () => {
    const { request } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api.jwt', backend });
    const base = wire(request.data) as unknown as Record<string, unknown>;
    const query = base.dcql_query as { credentials: Record<string, unknown>[] };
    const cred = query.credentials[0]!;
    const meta = base.client_metadata as Record<string, unknown>;
    const jwk = (meta.jwks as { keys: Record<string, unknown>[] }).keys[0]!;
    const withQuery = (q: unknown) => ({ ...base, dcql_query: q });
    const withCred = (c: Record<string, unknown>) => withQuery({ credentials: [{ ...cred, ...c }] });
    const withJwk = (k: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...base, client_metadata: { ...meta, jwks: { keys: [k] }, ...extra } });
    const cases: [string, unknown][] = [
      ['not JSON', '{'],
      ['a signed request', { request: 'eyJhbGciOiJFUzI1NiJ9.e30.sig' }],
      ['response_type code', { ...base, response_type: 'code' }],
      ['response_mode direct_post', { ...base, response_mode: 'direct_post' }],
      ['no nonce', { ...base, nonce: undefined }],
      ['a nonce with spaces', { ...base, nonce: 'a b' }],
      ['transaction_data', { ...base, transaction_data: ['e30'] }],
      ['client_metadata an array', { ...base, client_metadata: [] }],
      ['no dcql_query', { ...base, dcql_query: undefined }],
      ['no credentials', withQuery({ credentials: [] })],
      ['a credential id with a dot', withCred({ id: 'a.b' })],
      ['a duplicate credential id', withQuery({ credentials: [cred, cred] })],
      ['no meta', withCred({ meta: undefined })],
      ['no doctype_value', withCred({ meta: {} })],
      ['multiple not a boolean', withCred({ multiple: 'yes' })],
      ['an empty claims array', withCred({ claims: [] })],
      ['a three-part mdoc path', withCred({ claims: [{ path: [NS, 'a', 'b'] }] })],
      ['a numeric path', withCred({ claims: [{ path: [NS, 0] }] })],
      ['intent_to_retain not a boolean', withCred({ claims: [{ path: [NS, 'a'], intent_to_retain: 'no' }] })],
      ['values of objects', withCred({ claims: [{ path: [NS, 'a'], values: [{}] }] })],
      ['a duplicate claim id', withCred({ claims: [{ id: 'x', path: [NS, 'a'] }, { id: 'x', path: [NS, 'b'] }] })],
      ['claim_sets without claim ids', withCred({ claims: [{ path: [NS, 'a'] }], claim_sets: [['x']] })],
      ['claim_sets naming an unknown claim', withCred({ claims: [{ id: 'x', path: [NS, 'a'] }], claim_sets: [['y']] })],
      ['claim_sets without claims', withCred({ claims: undefined, claim_sets: [['x']] })],
      ['credential_sets naming an unknown credential', withQuery({ credentials: [cred], credential_sets: [{ options: [['nope']] }] })],
      ['credential_sets with empty options', withQuery({ credentials: [cred], credential_sets: [{ options: [] }] })],
      ['no client_metadata for dc_api.jwt', { ...base, client_metadata: undefined }],
      ['no jwks', { ...base, client_metadata: { ...meta, jwks: undefined } }],
      ['a JWK without kid', withJwk({ ...jwk, kid: undefined })],
      ['only a P-384 key', withJwk({ ...jwk, crv: 'P-384' })],
      ['a key for signing', withJwk({ ...jwk, use: 'sig' })],
      ['a key without alg', withJwk({ ...jwk, alg: undefined })],
      ['a private key', withJwk({ ...jwk, d: jwk.x })],
      ['a key off the curve', withJwk({ ...jwk, y: jwk.x })],
      ['a short x', withJwk({ ...jwk, x: 'AAAA' })],
      ['only unsupported enc values', withJwk(jwk, { encrypted_response_enc_values_supported: ['A128CBC-HS256'] })],
    ];
    for (const [what, data] of cases) {
      await expect(readOpenId4VpDcApiRequest(data as never, ORIGIN, { backend }), what).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
    }
    // Without encrypted_response_enc_values_supported the default A128GCM applies.
    expect((await readOpenId4VpDcApiRequest(withJwk(jwk, { encrypted_response_enc_values_supported: undefined }), ORIGIN, { backend })).encryption?.enc).toBe('A128GCM');
    // App origins are opaque strings.
    const app = await readOpenId4VpDcApiRequest(base, 'android:apk-key-hash:Z4OFzVVSZrzTRa3eg79hUuHy12MVW0vzPDf4q4zaPs0', { backend });
    expect(app.origin).toMatch(/^android:/);
    for (const origin of ['https://verifier.example/', 'https://verifier.example/path', 'origin:https://verifier.example', 'verifier.example', '']) {
      await expect(readOpenId4VpDcApiRequest(base, origin, { backend }), origin).rejects.toBeInstanceOf(TypeError);
    }
  });

  it('verifier: programmer misuse is a TypeError', async () => {
    const make = (o: Record<string, unknown>) => createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode: 'dc_api', backend, ...o } as never);
    await expect(make({ origin: 'https://verifier.example/' })).rejects.toBeInstanceOf(TypeError);
    await expect(make({ responseMode: 'direct_post' })).rejects.toBeInstanceOf(TypeError);
    await expect(make({ docRequests: [] })).rejects.toBeInstanceOf(TypeError);
    await expect(make({ docRequests: [{ ...docRequests[0], id: 'a.b' }] })).rejects.toBeInstanceOf(TypeError);
    await expect(make({ docRequests: [docRequests[0], docRequests[0]] })).rejects.toBeInstanceOf(TypeError);
    await expect(make({ responseMode: 'dc_api.jwt', encValues: ['A128CBC-HS256'] })).rejects.toBeInstanceOf(TypeError);
    // Two requests for the same docType without ids get distinct ids.
    const { request } = await make({ docRequests: [{ docType: MDL, nameSpaces: {} }, { docType: MDL, nameSpaces: {} }] });
    expect(request.data.dcql_query.credentials.map((c) => c.id)).toEqual(['org_iso_18013_5_1_mDL', 'org_iso_18013_5_1_mDL_1']);
    expect(request.data.dcql_query.credentials[0]).not.toHaveProperty('claims');
  });
});
