/**
 * A verifier state opens one answer (issue 15 item 10, issue 10 §5): for the DC API (Annex C),
 * OpenID4VP over the DC API and Apple Verify with Wallet, a second open of the same answer
 * with the same state, sequential or concurrent, is `ERR_ONLINE_REPLAY`, and a failed open
 * consumes the state too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import { fromHex } from '../../src/internal/bytes.js';
import { buildDeviceRequest, buildDeviceResponse, type IssuerSigned } from '../../src/mdoc/index.js';
import {
  appleSessionTranscript,
  createDcApiRequest,
  createDcApiResponse,
  createOpenId4VpDcApiRequest,
  createOpenId4VpDcApiResponse,
  openAppleIdentityResponse,
  openDcApiResponse,
  openOpenId4VpDcApiResponse,
  readDcApiRequest,
  readOpenId4VpDcApiRequest,
  sealAppleIdentityResponse,
} from '../../src/online/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { NOW, type TestIssuer, testMdl } from '../mdoc/fixtures.js';
import { restoredDcApiState, restoredOpenId4VpState } from './restored.js';

const [, backend] = BACKENDS[0]!;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const ORIGIN = 'https://verifier.example';
const nameSpaces = { [NS]: { family_name: false } };

let issuer: TestIssuer;
let device: PrivateKey;
let mdl: IssuerSigned;
let verify: { trustAnchors: TestIssuer['iaca'][]; now: Date; backend: typeof backend };
beforeAll(async () => {
  ({ issuer, device, mdl } = await testMdl(backend));
  verify = { trustAnchors: [issuer.iaca], now: NOW, backend };
});
const held = () => [{ issuerSigned: mdl, deviceKey: device }];

async function dcApi() {
  const { request, state } = await createDcApiRequest({ origin: ORIGIN, docRequests: [{ docType: MDL, nameSpaces }], backend });
  const answer = await createDcApiResponse(await readDcApiRequest(request.data, ORIGIN, { backend }), { documents: held(), backend });
  return { state, answer, open: (s = state) => openDcApiResponse(answer, s, verify).then((r) => r.verification.valid) };
}

async function openId4Vp(responseMode: 'dc_api' | 'dc_api.jwt') {
  const { request, state } = await createOpenId4VpDcApiRequest({ origin: ORIGIN, docRequests: [{ id: 'mdl', docType: MDL, nameSpaces }], responseMode, backend });
  const view = await readOpenId4VpDcApiRequest(JSON.parse(JSON.stringify(request.data)), ORIGIN, { backend });
  const answer = JSON.stringify(await createOpenId4VpDcApiResponse(view, { documents: held(), backend }));
  return { state, answer, open: (s = state) => openOpenId4VpDcApiResponse(answer, s, verify).then((r) => r.valid) };
}

async function apple() {
  const merchantKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
  const context = { nonce: fromHex('00112233445566778899aabbccddeeff'), merchantId: 'merchant.com.example', teamId: 'ABCDE12345' };
  const request = await buildDeviceRequest([{ docType: MDL, nameSpaces }]);
  const sessionTranscript = await appleSessionTranscript(publicKeyOf(merchantKey), context, { backend });
  const response = await buildDeviceResponse({ documents: held(), request, sessionTranscript, backend });
  const envelope = await sealAppleIdentityResponse(response, publicKeyOf(merchantKey), context, { backend });
  return {
    state: context,
    answer: envelope,
    open: (c = context) => openAppleIdentityResponse(envelope, merchantKey, c, { ...verify, request }).then((r) => r.verification.valid),
  };
}

type Flow = { state: object; open: (state?: never) => Promise<boolean> };
const FLOWS: [string, () => Promise<Flow>][] = [
  ['DC API (Annex C)', dcApi as () => Promise<Flow>],
  ['OpenID4VP dc_api', (() => openId4Vp('dc_api')) as () => Promise<Flow>],
  ['OpenID4VP dc_api.jwt', (() => openId4Vp('dc_api.jwt')) as () => Promise<Flow>],
  ['Apple Verify with Wallet', apple as () => Promise<Flow>],
];

describe.each(FLOWS)('%s: the state opens one answer', (_name, flow) => {
  it('sequential: the second open of the same answer is ERR_ONLINE_REPLAY, also through a shallow copy of the state', async () => {
    const f = await flow();
    expect(await f.open()).toBe(true);
    await expect(f.open()).rejects.toMatchObject({ code: 'ERR_ONLINE_REPLAY' });
    await expect(f.open({ ...f.state } as never)).rejects.toMatchObject({ code: 'ERR_ONLINE_REPLAY' });
  });

  it('concurrent: of two opens started together, the first verifies and the second is ERR_ONLINE_REPLAY', async () => {
    const f = await flow();
    const [first, second] = await Promise.allSettled([f.open(), f.open()]);
    expect(first).toEqual({ status: 'fulfilled', value: true });
    expect(second.status).toBe('rejected');
    expect((second as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_ONLINE_REPLAY' });
  });
});

describe('a failed open consumes the state too', () => {
  it('DC API: after an answer that is not Annex C, the good answer no longer opens', async () => {
    const f = await dcApi();
    await expect(openDcApiResponse({ response: 'AAAA' }, f.state, verify)).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
    await expect(f.open()).rejects.toMatchObject({ code: 'ERR_ONLINE_REPLAY' });
  });

  it('OpenID4VP: after an error response, the good answer no longer opens', async () => {
    const f = await openId4Vp('dc_api.jwt');
    await expect(openOpenId4VpDcApiResponse({ error: 'access_denied' }, f.state, verify)).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
    await expect(f.open()).rejects.toMatchObject({ code: 'ERR_ONLINE_REPLAY' });
  });

  it('Apple: after an envelope that is not APPLE-HPKE-v1, the good one no longer opens', async () => {
    const f = await apple();
    const key = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    await expect(openAppleIdentityResponse(fromHex('a0'), key, f.state, verify)).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
    await expect(f.open()).rejects.toMatchObject({ code: 'ERR_ONLINE_REPLAY' });
  });
});

describe('what the mark does not cover (documented)', () => {
  it('a state stored and read back is a new object: it opens again, so a caller that stores states deletes them on load', async () => {
    const d = await dcApi();
    const stored = restoredDcApiState(d.state);
    expect(await d.open()).toBe(true);
    expect(await d.open(stored as never)).toBe(true);
    const o = await openId4Vp('dc_api');
    const kept = restoredOpenId4VpState(o.state);
    expect(await o.open()).toBe(true);
    expect(await o.open(kept as never)).toBe(true);
  });

  it('a state that is not an object is a TypeError (programmer misuse)', async () => {
    const f = await dcApi();
    await expect(openDcApiResponse(f.answer, undefined as never, verify)).rejects.toBeInstanceOf(TypeError);
    await expect(openOpenId4VpDcApiResponse('{}', null as never, verify)).rejects.toBeInstanceOf(TypeError);
    await expect(openAppleIdentityResponse(fromHex('a0'), {} as never, undefined as never, verify)).rejects.toBeInstanceOf(TypeError);
    // Nothing was consumed by the misuse.
    expect(await f.open()).toBe(true);
  });
});
