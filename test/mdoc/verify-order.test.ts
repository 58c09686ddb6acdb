/**
 * verifyDeviceResponse starts its cryptography before its other work, so that with an
 * asynchronous backend (WebCrypto) the signatures and digests run while the JavaScript
 * does the rest: the IssuerAuth signature before the chain lookup settles, the device
 * signature (the longest chain: import, then verify) before the digests. These are the
 * orders in which the operations are started, which the code fixes; the report's order
 * does not depend on which finishes first.
 */
import { describe, expect, it } from 'vitest';
import { EncodedCbor, encode } from '../../src/cbor/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import type { CryptoBackend } from '../../src/crypto/types.js';
import { buildDeviceRequest, buildDeviceResponse, encodeDeviceResponse, verifyDeviceResponse } from '../../src/mdoc/index.js';
import { NOW, testMdl } from './fixtures.js';

/** `backend`, recording each call as it starts; the results come a macrotask later, as from a thread. */
function recording(backend: CryptoBackend, log: string[]): CryptoBackend {
  const later = <T>(value: Promise<T>) => value.then((v) => new Promise<T>((ok) => setTimeout(() => ok(v), 0)));
  return {
    ...backend,
    name: 'recording',
    ecdsaVerify: (key, hash, data, signature) => {
      log.push(`ecdsaVerify ${key.crv}`);
      return later(backend.ecdsaVerify(key, hash, data, signature));
    },
    digest: (hash, data) => {
      log.push('digest');
      return later(backend.digest(hash, data));
    },
  };
}

describe('the order verifyDeviceResponse starts its cryptography in', () => {
  it('IssuerAuth signature, device signature, then the digests; the report in its fixed order', async () => {
    const { issuer, device, mdl } = await testMdl(nobleBackend);
    const request = await buildDeviceRequest([{ docType: 'org.iso.18013.5.1.mDL', nameSpaces: { 'org.iso.18013.5.1': { family_name: false, age_over_18: false } } }]);
    const sessionTranscript = EncodedCbor.wrap(encode([null, null, ['verify-order', 1]]), null).tagged;
    const response = encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned: mdl, deviceKey: device }], request, sessionTranscript, backend: nobleBackend }));
    const log: string[] = [];
    const backend = recording(nobleBackend, log);
    const verify = () => verifyDeviceResponse(response, { trustAnchors: [issuer.iaca], sessionTranscript, now: NOW, backend });
    const first = await verify();
    expect(first.valid).toBe(true);
    log.length = 0;
    // Chain cached: one signature per signer, the device's started before the digests.
    const second = await verify();
    expect(second.valid).toBe(true);
    expect(log).toEqual(['ecdsaVerify P-256', 'ecdsaVerify P-256', 'digest', 'digest']);
    const ids = (r: typeof first) => r.documents[0]!.checks.map((c) => c.id);
    expect(ids(second)).toEqual(ids(first));
    const order = ids(second);
    expect(order.indexOf('ISSUER_SIGNATURE')).toBeGreaterThan(order.indexOf('DS_CHAIN'));
    expect(order.indexOf('MSO_VALIDITY')).toBeGreaterThan(order.indexOf('ISSUER_SIGNATURE'));
    expect(order.indexOf('DEVICE_AUTH')).toBeGreaterThan(order.lastIndexOf('VALUE_DIGEST'));
  });
});
