// `node --cpu-prof bench/profile-verify.mjs [node|webcrypto|noble] [n] [holders]` (after `npm run build`):
// n verifications of the mDL DeviceResponses of `holders` (default 512, bench/fixtures.mjs: a new device key each time),
// one backend, nothing else loaded: a CPU profile of shomei's verification alone.
import { EncodedCbor, encode, FullDate } from 'shomei';
import { nobleBackend, nodeCryptoBackend, publicKeyOf, webCryptoBackend } from 'shomei/crypto';
import { buildDeviceRequest, buildDeviceResponse, encodeDeviceResponse, issueMdoc, verifyDeviceResponse } from 'shomei/mdoc';
import { benchPki, benchPortrait, DAY, HOLDERS as DEFAULT_HOLDERS } from './fixtures.mjs';

const backend = { node: nodeCryptoBackend(), webcrypto: webCryptoBackend, noble: nobleBackend }[process.argv[2] ?? 'node'];
const n = Number(process.argv[3] ?? 3000);
const now = new Date(Math.floor(Date.now() / 1000) * 1000);
const NS = 'org.iso.18013.5.1';
const { dsKey, ds, iaca } = await benchPki(now);
const data = { family_name: 'Yamada', given_name: 'Taro', birth_date: FullDate.of(1990, 4, 1), issue_date: FullDate.of(2025, 4, 1), expiry_date: FullDate.of(2030, 4, 1), issuing_country: 'JP', issuing_authority: 'TMPD', document_number: '1', portrait: benchPortrait(), age_over_18: true };
const request = await buildDeviceRequest([{ docType: 'org.iso.18013.5.1.mDL', nameSpaces: { [NS]: { family_name: false, birth_date: false, issuing_country: false, portrait: false, age_over_18: false } } }]);
const transcript = EncodedCbor.wrap(encode([null, null, ['OpenID4VPHandover', new Uint8Array(32)]]), null).tagged;
const responses = [];
const HOLDERS = Number(process.argv[4] ?? DEFAULT_HOLDERS);
for (let i = 0; i < HOLDERS; i++) {
  const deviceKey = await webCryptoBackend.generateKeyPair('P-256');
  const issuerSigned = await issueMdoc({ docType: 'org.iso.18013.5.1.mDL', nameSpaces: { [NS]: data }, deviceKey: publicKeyOf(deviceKey), validity: { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * DAY) }, issuer: { signer: dsKey, certificates: [ds.der] } });
  responses.push(encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned, deviceKey }], request, sessionTranscript: transcript })));
}
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const r = await verifyDeviceResponse(responses[i % responses.length], { trustAnchors: [iaca], sessionTranscript: transcript, now, backend });
  if (!r.valid) throw new Error('invalid');
}
console.log(`${n} verifications (${backend.name}), ${HOLDERS} holders: ${(n / ((performance.now() - t0) / 1000)).toFixed(0)}/s`);
