import { describe, expect, it } from 'vitest';
import { publicKeyOf } from '../src/crypto/keys.js';
import {
  assertValid,
  buildDeviceRequest,
  buildDeviceResponse,
  EncodedCbor,
  encode,
  HolderSession,
  issueMdoc,
  nobleBackend,
  ReaderSession,
  verifyDeviceResponse,
} from '../src/index.js';
import { deviceKey, MDL_DATA, NOW, testIssuer } from './mdoc/fixtures.js';

const backend = nobleBackend;

describe('shomei (the root entry point)', () => {
  it('carries the everyday API: issue, request, present and verify with nothing but the root import', async () => {
    const issuer = await testIssuer(backend);
    const device = await deviceKey(backend);
    const mdl = await issueMdoc({
      docType: 'org.iso.18013.5.1.mDL',
      nameSpaces: MDL_DATA,
      deviceKey: publicKeyOf(device),
      validity: { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 86_400_000) },
      issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
      backend,
    });
    const request = await buildDeviceRequest([{ docType: 'org.iso.18013.5.1.mDL', nameSpaces: { 'org.iso.18013.5.1': { age_over_18: false } } }]);
    const sessionTranscript = EncodedCbor.wrap(encode([null, null, ['root', 1]]), null).tagged;
    const response = await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], request, sessionTranscript, backend });
    const result = assertValid(await verifyDeviceResponse(response, { trustAnchors: [issuer.iaca], sessionTranscript, request, now: NOW, backend }));
    expect(result.documents[0]!.issuerSigned).toEqual({ 'org.iso.18013.5.1': { age_over_18: true } });
    expect(typeof HolderSession.create).toBe('function');
    expect(typeof ReaderSession).toBe('function');
  });
});
