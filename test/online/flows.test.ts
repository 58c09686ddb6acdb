/** Both ends of the Annex C DC API flow and of Apple's in-app envelope, on both backends. */
import { beforeAll, describe, expect, it } from 'vitest';
import { CborFloat, type CborValue, decode, encode } from '../../src/cbor/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import { OnlineError } from '../../src/errors.js';
import { fromBase64, fromHex, toBase64Url } from '../../src/internal/bytes.js';
import { buildDeviceRequest, buildDeviceResponse, decodeDeviceRequest, encodeDeviceRequest, type IssuerSigned, } from '../../src/mdoc/index.js';
import {
  appleSessionTranscript,
  createDcApiRequest,
  createDcApiResponse,
  openAppleIdentityResponse,
  openDcApiResponse,
  readDcApiRequest,
  sealAppleIdentityResponse,
} from '../../src/online/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { loadVector } from '../helpers/vectors.js';
import { NOW, type TestIssuer, testMdl } from '../mdoc/fixtures.js';
import { restoredAppleContext, restoredDcApiState } from './restored.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';
const ORIGIN = 'https://verifier.example';

describe.each(BACKENDS)('online flows (%s)', (_name, backend) => {
  let issuer: TestIssuer;
  let device: PrivateKey;
  let mdl: IssuerSigned;
  beforeAll(async () => {
    ({ issuer, device, mdl } = await testMdl(backend));
  });

  it('Annex C: verifier request → wallet answer → verifier opens and verifies', async () => {
    const { request, state } = await createDcApiRequest({ origin: ORIGIN, docRequests: [{ docType: MDL, nameSpaces: { [NS]: { age_over_18: false, family_name: false } } }], backend });
    expect(request.protocol).toBe('org-iso-mdoc');
    const walletView = await readDcApiRequest(request.data, ORIGIN, { backend });
    expect(walletView.deviceRequest.docRequests[0]!.itemsRequest.value.docType).toBe(MDL);
    const answer = await createDcApiResponse(walletView, { documents: [{ issuerSigned: mdl, deviceKey: device }], backend });
    const { verification } = await openDcApiResponse(answer, state, { trustAnchors: [issuer.iaca], now: NOW, backend });
    expect(verification.valid).toBe(true);
    expect(Object.keys(verification.documents[0]!.issuerSigned[NS]!).sort()).toEqual(['age_over_18', 'family_name']);
  });

  it('Annex C: an answer made for another origin or another request does not open (ERR_HPKE_OPEN)', async () => {
    const { request, state } = await createDcApiRequest({ origin: ORIGIN, docRequests: [{ docType: MDL, nameSpaces: { [NS]: { family_name: false } } }], backend });
    const phishing = await readDcApiRequest(request.data, 'https://evil.example', { backend });
    const answer = await createDcApiResponse(phishing, { documents: [{ issuerSigned: mdl, deviceKey: device }], backend });
    await expect(openDcApiResponse(answer, state, { trustAnchors: [issuer.iaca], now: NOW, backend })).rejects.toMatchObject({ code: 'ERR_HPKE_OPEN' });
    const other = await createDcApiRequest({ origin: ORIGIN, docRequests: [{ docType: MDL, nameSpaces: { [NS]: { family_name: false } } }], backend });
    const good = await createDcApiResponse(await readDcApiRequest(request.data, ORIGIN, { backend }), { documents: [{ issuerSigned: mdl, deviceKey: device }], backend });
    await expect(openDcApiResponse(good, other.state, { trustAnchors: [issuer.iaca], now: NOW, backend })).rejects.toMatchObject({ code: 'ERR_HPKE_OPEN' });
    await expect(openDcApiResponse({ response: 'AAAA' }, restoredDcApiState(state), { trustAnchors: [issuer.iaca], backend })).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
    await expect(readDcApiRequest({ deviceRequest: request.data.deviceRequest, encryptionInfo: toBase64Url(fromHex('82656463617069a0')) }, ORIGIN)).rejects.toBeInstanceOf(OnlineError);
  });

  it('Annex C: a recipientPublicKey whose kty or crv is a float that equals the integer is refused', async () => {
    const { request } = await createDcApiRequest({ origin: ORIGIN, docRequests: [{ docType: MDL, nameSpaces: { [NS]: { family_name: false } } }], backend });
    const info = decode(fromBase64(request.data.encryptionInfo)) as [string, Map<string, CborValue>];
    const key = info[1].get('recipientPublicKey') as Map<number, CborValue>;
    for (const [label, float] of [[1, new CborFloat(2)], [-1, new CborFloat(1)]] as const) {
      const changed = encode([info[0], new Map([...info[1], ['recipientPublicKey', new Map([...key, [label, float]])]])]);
      await expect(readDcApiRequest({ ...request.data, encryptionInfo: toBase64Url(changed) }, ORIGIN, { backend }), `label ${label}`).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
    }
    await expect(readDcApiRequest({ ...request.data, encryptionInfo: toBase64Url(encode(info)) }, ORIGIN, { backend })).resolves.toBeDefined();
  });

  it("Annex C: reads Apple's published sample request (DeviceRequest 1.1 with readerAuthAll)", async () => {
    const v = loadVector('online/online-presentation.json') as Record<string, { hex: string }>;
    const data = { deviceRequest: toBase64Url(fromHex(v['apple_dcapi_sample.device_request']!.hex)), encryptionInfo: toBase64Url(fromHex(v['apple_dcapi_sample.encryption_info']!.hex)) };
    const read = await readDcApiRequest(data, 'https://example.com', { backend });
    expect(read.deviceRequest.version).toBe('1.1');
    expect(read.deviceRequest.extensions).toBeUndefined();
    expect(read.deviceRequest.readerAuthAll).toHaveLength(1);
    expect(read.deviceRequest.deviceRequestInfo?.value.useCases?.[0]?.documentSets).toEqual([[0]]);
    expect(read.nonce.length).toBe(32);
    // The 1.1 members survive a re-encode unchanged.
    const again = decodeDeviceRequest(encodeDeviceRequest(read.deviceRequest));
    expect(again.deviceRequestInfo?.tagged).toEqual(read.deviceRequest.deviceRequestInfo?.tagged);
    expect(again.readerAuthAll?.[0]?.signature).toEqual(read.deviceRequest.readerAuthAll?.[0]?.signature);
  });

  it('Apple in-app: seal → open, and a wrong nonce or key is ERR_ONLINE_TRANSCRIPT before decrypting', async () => {
    const merchantKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const context = { nonce: backend.randomBytes(16), merchantId: 'merchant.com.example', teamId: 'ABCDE12345' };
    const transcript = await appleSessionTranscript(publicKeyOf(merchantKey), context, { backend });
    const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { age_over_21: false } } }]);
    const response = await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], request, sessionTranscript: transcript, backend });
    const envelope = await sealAppleIdentityResponse(response, publicKeyOf(merchantKey), context, { backend });
    const { verification } = await openAppleIdentityResponse(envelope, merchantKey, context, { trustAnchors: [issuer.iaca], now: NOW, request, backend });
    expect(verification.valid).toBe(true);
    await expect(openAppleIdentityResponse(envelope, merchantKey, { ...context, nonce: backend.randomBytes(16) }, { trustAnchors: [issuer.iaca], backend })).rejects.toMatchObject({
      code: 'ERR_ONLINE_TRANSCRIPT',
      check: 'APPLE_INFO_HASH',
    });
    const otherKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    await expect(openAppleIdentityResponse(envelope, otherKey, restoredAppleContext(context), { trustAnchors: [issuer.iaca], backend })).rejects.toMatchObject({ code: 'ERR_ONLINE_TRANSCRIPT', check: 'APPLE_PKR_HASH' });
    await expect(openAppleIdentityResponse(fromHex('a0'), merchantKey, restoredAppleContext(context), { trustAnchors: [issuer.iaca], backend })).rejects.toMatchObject({ code: 'ERR_ONLINE_MESSAGE' });
  });

  it('Apple in-app: an envelope whose mode is a float (0.0, -0.0) is not mode 0: ERR_ONLINE_MESSAGE', async () => {
    const merchantKey = (await backend.generateKeyPair('P-256')) as EcPrivateKey;
    const context = { nonce: backend.randomBytes(16), merchantId: 'merchant.com.example', teamId: 'ABCDE12345' };
    const response = { version: '1.0', documents: [], documentErrors: [], status: 0 } as const;
    const envelope = decode(await sealAppleIdentityResponse(response, publicKeyOf(merchantKey), context, { backend })) as Map<string, CborValue>;
    const withMode = (mode: CborValue): Uint8Array => {
      const params = new Map(envelope.get('params') as Map<string, CborValue>);
      params.set('mode', mode);
      return encode(new Map([...envelope, ['params', params]]));
    };
    // RFC 9180 mode_base is the integer 0; CBOR 0.0 and -0.0 are floats, not that integer.
    for (const mode of [new CborFloat(0), new CborFloat(-0)]) {
      await expect(openAppleIdentityResponse(withMode(mode), merchantKey, restoredAppleContext(context), { trustAnchors: [issuer.iaca], backend })).rejects.toMatchObject({
        code: 'ERR_ONLINE_MESSAGE',
      });
    }
    // The same envelope with the integer 0 opens.
    await expect(openAppleIdentityResponse(withMode(0), merchantKey, context, { trustAnchors: [issuer.iaca], backend })).resolves.toMatchObject({ response: { status: 0 } });
  });
});
