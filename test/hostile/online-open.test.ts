/**
 * Hostile input to the online verifiers: ISO/IEC 18013-7 Annex C (Digital Credentials API,
 * openDcApiResponse), OpenID4VP 1.0 over the DC API (§A.2 / B.2.6.2, openOpenId4VpDcApiResponse,
 * dc_api and dc_api.jwt) and Apple's APPLE-HPKE-v1 envelope (openAppleIdentityResponse), each
 * on mutated answers with a fresh verifier state per case (states are single-use). An open
 * throws only ShomeiErrors; when it resolves, what verifies is what the wallet disclosed,
 * nothing else.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import { fromBase64, toBase64Url, utf8Encode } from '../../src/internal/bytes.js';
import { buildDeviceRequest, buildDeviceResponse, type IssuerSigned, type VerifyDeviceResponseResult } from '../../src/mdoc/index.js';
import {
  type AppleRequestContext,
  appleSessionTranscript,
  createDcApiRequest,
  createDcApiResponse,
  createOpenId4VpDcApiRequest,
  createOpenId4VpDcApiResponse,
  type DcApiVerifierState,
  type OpenId4VpDcApiVerifierState,
  openAppleIdentityResponse,
  openDcApiResponse,
  openOpenId4VpDcApiResponse,
  readDcApiRequest,
  readOpenId4VpDcApiRequest,
  sealAppleIdentityResponse,
} from '../../src/online/index.js';
import { NOW, type TestIssuer, testMdl } from '../mdoc/fixtures.js';
import { restoredAppleContext, restoredDcApiState, restoredOpenId4VpState } from '../online/restored.js';
import { applyByteMutation, applyTreeEdit, byteMutation, expectShomei, treeEdit } from './helpers.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const ORIGIN = 'https://verifier.example';
const RUNS = 600;
const backend = nobleBackend;

let issuer: TestIssuer;
let device: PrivateKey;
let mdl: IssuerSigned;
beforeAll(async () => {
  ({ issuer, device, mdl } = await testMdl(backend));
});
const verifyOptions = () => ({ trustAnchors: [issuer.iaca], now: NOW, backend });

/** Issuer-signed elements that verified, as `ns/element → value` text. */
function disclosedOf(v: VerifyDeviceResponseResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of v.documents) {
    if (!d.valid) continue;
    for (const [ns, els] of Object.entries(d.issuerSigned)) for (const [id, x] of Object.entries(els)) out.set(`${d.docType}/${ns}/${id}`, String(x instanceof Uint8Array ? x.length : x));
  }
  return out;
}

/** A valid element of a mutated answer has the value the honest answer disclosed. */
function expectNoForgery(mutated: VerifyDeviceResponseResult, honest: Map<string, string>): void {
  for (const [k, v] of disclosedOf(mutated)) expect(honest.get(k), k).toBe(v);
}

/** Text mutated as bytes (then read back as UTF-8, lossy), or its base64url content mutated as CBOR. */
const textMutant = (base: () => string) =>
  fc.oneof(
    fc.array(byteMutation, { minLength: 1, maxLength: 3 }).map((ms) => new TextDecoder().decode(ms.reduce((b, m) => applyByteMutation(b, m), utf8Encode(base())))),
    fc.array(byteMutation, { minLength: 1, maxLength: 2 }).map((ms) => {
      try {
        return toBase64Url(ms.reduce((b, m) => applyByteMutation(b, m), fromBase64(base())));
      } catch {
        return `${base()}A`;
      }
    }),
    treeEdit.map((e) => {
      try {
        const edited = applyTreeEdit(fromBase64(base()), e);
        return edited === undefined ? base().slice(1) : toBase64Url(edited);
      } catch {
        return base().slice(1);
      }
    }),
  );

describe('openDcApiResponse (ISO 18013-7 Annex C) on mutated answers', () => {
  it('throws only ShomeiErrors; never verifies another value', async () => {
    const { request, state } = await createDcApiRequest({ origin: ORIGIN, docRequests: [{ docType: MDL, nameSpaces: { [NS]: { age_over_18: false, family_name: false } } }], backend });
    const answer = await createDcApiResponse(await readDcApiRequest(request.data, ORIGIN, { backend }), { documents: [{ issuerSigned: mdl, deviceKey: device }], backend });
    const fresh = (): DcApiVerifierState => restoredDcApiState(state);
    const honest = await openDcApiResponse(answer, fresh(), verifyOptions());
    expect(honest.verification.valid).toBe(true);
    const disclosed = disclosedOf(honest.verification);
    let thrown = 0;
    await fc.assert(
      fc.asyncProperty(textMutant(() => answer.response), async (text) => {
        try {
          const r = await openDcApiResponse({ response: text }, fresh(), verifyOptions());
          expectNoForgery(r.verification, disclosed);
        } catch (e) {
          expectShomei(e);
          thrown++;
        }
      }),
      { numRuns: RUNS },
    );
    expect(thrown).toBeGreaterThan(RUNS / 2);
  });
});

describe('openOpenId4VpDcApiResponse on mutated answers', () => {
  for (const responseMode of ['dc_api', 'dc_api.jwt'] as const) {
    it(`${responseMode}: the JSON text, the token and the DeviceResponse inside mutated: ShomeiErrors only, never another value`, async () => {
      const docRequests = [{ id: 'mdl', docType: MDL, nameSpaces: { [NS]: { age_over_18: false, family_name: false } } }];
      const { request, state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests, responseMode, backend });
      const walletView = await readOpenId4VpDcApiRequest(JSON.stringify(request.data), ORIGIN, { backend });
      const answer = JSON.parse(JSON.stringify(await createOpenId4VpDcApiResponse(walletView, { documents: [{ issuerSigned: mdl, deviceKey: device }], backend }))) as Record<string, unknown>;
      const fresh = (): OpenId4VpDcApiVerifierState => restoredOpenId4VpState(state);
      const honest = await openOpenId4VpDcApiResponse(answer, fresh(), verifyOptions());
      expect(honest.valid).toBe(true);
      const disclosed = disclosedOf(honest.presentations.mdl![0]!.verification);
      const token = responseMode === 'dc_api' ? (answer.vp_token as { mdl: string[] }).mdl[0]! : (answer.response as string);
      const wrap = (t: string) => (responseMode === 'dc_api' ? { vp_token: { mdl: [t] } } : { response: t });
      const json = JSON.stringify(answer);
      const mutants = fc.oneof(
        textMutant(() => token).map(wrap),
        fc.array(byteMutation, { minLength: 1, maxLength: 2 }).map((ms) => new TextDecoder().decode(ms.reduce((b, m) => applyByteMutation(b, m), utf8Encode(json)))),
      );
      let thrown = 0;
      let resolved = 0;
      await fc.assert(
        fc.asyncProperty(mutants, async (data) => {
          try {
            const r = await openOpenId4VpDcApiResponse(data, fresh(), verifyOptions());
            resolved++;
            for (const list of Object.values(r.presentations)) for (const p of list) if (p.valid) expectNoForgery(p.verification, disclosed);
          } catch (e) {
            expectShomei(e);
            thrown++;
          }
        }),
        { numRuns: RUNS },
      );
      if (process.env.SHOMEI_HOSTILE_STATS) console.log(responseMode, { thrown, resolved });
      expect(thrown).toBeGreaterThan(0);
      // Unencrypted (dc_api), many mutated DeviceResponses reach verification.
      if (responseMode === 'dc_api') expect(resolved).toBeGreaterThan(RUNS / 10);
    });
  }
});

describe('openAppleIdentityResponse (APPLE-HPKE-v1) on mutated envelopes', () => {
  it('throws only ShomeiErrors; never verifies another value', async () => {
    const merchantKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const context: AppleRequestContext = { nonce: Uint8Array.from({ length: 16 }, (_, i) => i), merchantId: 'merchant.com.example', teamId: 'ABCDE12345' };
    const transcript = await appleSessionTranscript(publicKeyOf(merchantKey), context, { backend });
    const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { age_over_21: false, family_name: false } } }]);
    const response = await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], request, sessionTranscript: transcript, backend });
    const envelope = await sealAppleIdentityResponse(response, publicKeyOf(merchantKey), context, { backend });
    const honest = await openAppleIdentityResponse(envelope, merchantKey, restoredAppleContext(context), { ...verifyOptions(), request });
    expect(honest.verification.valid).toBe(true);
    const disclosed = disclosedOf(honest.verification);
    let thrown = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(byteMutation, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce((b, m) => applyByteMutation(b, m), envelope)),
          treeEdit.map((e) => applyTreeEdit(envelope, e) ?? envelope.subarray(1)),
        ),
        async (bytes) => {
          try {
            const r = await openAppleIdentityResponse(bytes, merchantKey, restoredAppleContext(context), { ...verifyOptions(), request });
            expectNoForgery(r.verification, disclosed);
          } catch (e) {
            expectShomei(e);
            thrown++;
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(thrown).toBeGreaterThan(RUNS / 2);
  });
});
