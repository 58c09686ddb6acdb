/**
 * Names from the other side never reach the object prototype (issue 15 item 6, online
 * part): DCQL claim paths, consent selections and the verifier's query checks look names up
 * as own members only, and JSON from the wire is read as a dictionary without prototype.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { PrivateKey } from '../../src/crypto/types.js';
import { toBase64Url, utf8Encode } from '../../src/internal/bytes.js';
import { buildDeviceResponse, encodeDeviceResponse, type IssuerSigned, issueMdoc } from '../../src/mdoc/index.js';
import {
  createOpenId4VpDcApiRequest,
  createOpenId4VpDcApiResponse,
  decodeJweHeader,
  openOpenId4VpDcApiResponse,
  readOpenId4VpDcApiRequest,
} from '../../src/online/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { MDL_DATA, NOW, type TestIssuer, testMdl } from '../mdoc/fixtures.js';

const [, backend] = BACKENDS[0]!;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const ORIGIN = 'https://verifier.example';

let issuer: TestIssuer;
let device: PrivateKey;
let mdl: IssuerSigned;
beforeAll(async () => {
  ({ issuer, device, mdl } = await testMdl(backend));
});

function request(claims: [string, string][]) {
  return {
    response_type: 'vp_token',
    response_mode: 'dc_api',
    nonce: 'n-0S6_WzA2Mj',
    dcql_query: { credentials: [{ id: 'mdl', format: 'mso_mdoc', meta: { doctype_value: MDL }, claims: claims.map((path) => ({ path })) }] },
  };
}

describe('wallet: a DCQL claim named like a prototype member', () => {
  for (const path of [
    [NS, 'toString'],
    [NS, '__proto__'],
    ['__proto__', 'constructor'],
    ['constructor', 'name'],
  ] as [string, string][]) {
    it(`${path.join('/')} is not held: ERR_MDOC_INPUT, never an inherited value signed`, async () => {
      const view = await readOpenId4VpDcApiRequest(request([[NS, 'family_name'], path]), ORIGIN, { backend });
      // A held document with device-signed values: the lookup must not fall through to Object.prototype.
      const documents = [{ issuerSigned: mdl, deviceKey: device, deviceSigned: { [NS]: { nickname: 'Hana' } } }];
      await expect(createOpenId4VpDcApiResponse(view, { documents, backend })).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT', path: 'documents' });
    });
  }

  it('a consent answer without the namespace withdraws the credential (no TypeError from an inherited member)', async () => {
    const odd = await issueMdoc({
      docType: MDL,
      nameSpaces: { ...MDL_DATA, toString: { x: 1 } },
      deviceKey: publicKeyOf(device),
      validity: { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 86_400_000) },
      issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
      backend,
    });
    const view = await readOpenId4VpDcApiRequest(request([['toString', 'x']]), ORIGIN, { backend });
    const documents = [{ issuerSigned: odd, deviceKey: device }];
    const proposed: unknown[] = [];
    const answer = createOpenId4VpDcApiResponse(view, {
      documents,
      consent: (_docType, selection) => {
        proposed.push(selection);
        return {};
      },
      backend,
    });
    await expect(answer).rejects.toMatchObject({ code: 'ERR_MDOC_INPUT' });
    expect(proposed).toEqual([{ toString: ['x'] }]);
  });
});

describe('verifier: a queried claim named like a prototype member', () => {
  it('`constructor` is not disclosed because every object inherits it: OID4VP_CLAIMS fails', async () => {
    const { state } = await createOpenId4VpDcApiRequest({
      origin: ORIGIN,
      docRequests: [{ id: 'mdl', docType: MDL, nameSpaces: { [NS]: { family_name: false, constructor: false } } }],
      responseMode: 'dc_api',
      backend,
    });
    const response = await buildDeviceResponse({
      documents: [{ issuerSigned: mdl, deviceKey: device }],
      elements: { [NS]: ['family_name'] },
      sessionTranscript: state.transcript.sessionTranscript.tagged,
      backend,
    });
    const result = await openOpenId4VpDcApiResponse({ vp_token: { mdl: [toBase64Url(encodeDeviceResponse(response))] } }, state, { trustAnchors: [issuer.iaca], now: NOW, backend });
    const claims = result.presentations.mdl![0]!.checks.find((c) => c.id === 'OID4VP_CLAIMS');
    expect(claims).toMatchObject({ status: 'failed', detail: `not disclosed: ${NS}/constructor` });
    expect(result.valid).toBe(false);
  });

  it('an answer whose vp_token names `__proto__` or `toString` is an unknown credential id (ERR_ONLINE_MESSAGE)', async () => {
    for (const id of ['__proto__', 'toString', 'constructor']) {
      const { state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests: [{ id: 'mdl', docType: MDL, nameSpaces: { [NS]: { family_name: false } } }], responseMode: 'dc_api', backend });
      const text = `{"vp_token":{"${id}":["AAAA"]}}`;
      await expect(openOpenId4VpDcApiResponse(text, state, { trustAnchors: [issuer.iaca], now: NOW, backend }), id).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
    }
  });
});

describe('JWE header', () => {
  it('members are a dictionary without prototype; a `__proto__` member is kept as data', () => {
    const header = toBase64Url(
      utf8Encode(
        '{"alg":"ECDH-ES","enc":"A128GCM","__proto__":{"zip":"DEF"},"epk":{"kty":"EC","crv":"P-256","x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0","y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"}}',
      ),
    );
    // epk: the ephemeral key of RFC 7518 Appendix C.
    const h = decodeJweHeader(`${header}..AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA`);
    expect(Object.getPrototypeOf(h.members)).toBeNull();
    expect(Object.hasOwn(h.members, '__proto__')).toBe(true);
    expect((h.members as Record<string, unknown>).zip).toBeUndefined();
  });
});
