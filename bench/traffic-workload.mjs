// The many-holder verification workload the traffic benchmarks share (bench/traffic.mjs on
// Node, bench/browser.mjs in Chromium): DeviceResponses each from its own device key, with
// everything the cryptography's limit needs extracted from the response bytes.
import { EncodedCbor, encode } from 'shomei';
import { buildSigStructure } from 'shomei/cose';
import { ecPublicKeyToRaw, nodeCryptoBackend, publicKeyOf } from 'shomei/crypto';
import { buildDeviceRequest, buildDeviceResponse, decodeDeviceResponse, deviceAuthenticationBytes, encodeDeviceResponse, issueMdoc, readSessionTranscript } from 'shomei/mdoc';
import { DAY } from './fixtures.mjs';

export const MDL = 'org.iso.18013.5.1.mDL';
export const MDL_NS = 'org.iso.18013.5.1';
export const MDL_DISCLOSED = ['family_name', 'birth_date', 'issuing_country', 'portrait', 'age_over_18'];

/**
 * `holders` DeviceResponses of `docType`, each from its own device key, the issuers (from
 * `benchPki`) taken in turn; each with its own OpenID4VP-style SessionTranscript, valid 30
 * days from `now`. Made with the node:crypto backend (the fastest here).
 */
export async function trafficWorkload({ docType, ns, data, disclosed, issuers, holders, now }) {
  const backend = nodeCryptoBackend();
  if (backend === undefined) throw new Error('node:crypto backend not available');
  const validity = { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * DAY) };
  const request = await buildDeviceRequest([{ docType, nameSpaces: { [ns]: Object.fromEntries(disclosed.map((e) => [e, false])) } }]);
  const out = [];
  for (let i = 0; i < holders; i++) {
    const { dsKey, ds } = issuers[i % issuers.length];
    const deviceKey = await backend.generateKeyPair('P-256');
    const issuerSigned = await issueMdoc({ docType, nameSpaces: { [ns]: data }, deviceKey: publicKeyOf(deviceKey), validity, issuer: { signer: dsKey, certificates: [ds.der] }, backend });
    const nonce = new Uint8Array(32);
    new DataView(nonce.buffer).setUint32(0, i);
    const transcript = EncodedCbor.wrap(encode([null, null, ['OpenID4VPHandover', nonce]]), null).tagged;
    const bytes = encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned, deviceKey }], request, sessionTranscript: transcript, backend }));
    const doc = decodeDeviceResponse(bytes).documents[0];
    const auth = doc.issuerSigned.issuerAuth;
    const dev = doc.deviceSigned.deviceAuth.deviceSignature;
    out.push({
      bytes,
      transcript,
      anchor: issuers[i % issuers.length].iaca,
      dsRaw: ecPublicKeyToRaw(publicKeyOf(dsKey)),
      deviceRaw: ecPublicKeyToRaw(publicKeyOf(deviceKey)),
      issuerTbs: buildSigStructure(auth.protectedBytes, new Uint8Array(0), auth.payload),
      issuerSig: auth.signature,
      deviceTbs: buildSigStructure(dev.protectedBytes, new Uint8Array(0), deviceAuthenticationBytes(readSessionTranscript(transcript), docType, doc.deviceSigned.nameSpaces)),
      deviceSig: dev.signature,
      items: [...doc.issuerSigned.nameSpaces.values()].flat().map((item) => item.tagged),
    });
  }
  return out;
}
