// The issuer side the mdoc and session benchmarks share: an IACA → document signer chain
// and a device key (ES256 / P-256), a 10 KiB JPEG-like portrait, and the mDL's 10 elements.
import { FullDate } from 'shomei';
import { publicKeyOf, webCryptoBackend } from 'shomei/crypto';
import { buildDocumentSigner, buildIaca } from 'shomei/x509';

export const DAY = 86_400_000;

/**
 * Holders in the many-holder workloads, taken round-robin: twice the most public keys a
 * backend keeps (256, node:crypto; see RepeatCache), so no device key is ever found cached,
 * as in real traffic. With 256 holders that held only because the DS keys made each round
 * 257 or 258 keys long: one fewer, and every device key would have been cached.
 */
export const HOLDERS = 512;

/** IACA, DS and device keys, with certificates valid around `now`. */
export async function benchPki(now) {
  const iacaKey = await webCryptoBackend.generateKeyPair('P-256');
  const dsKey = await webCryptoBackend.generateKeyPair('P-256');
  const deviceKey = await webCryptoBackend.generateKeyPair('P-256');
  const iaca = await buildIaca({
    country: 'JP',
    commonName: 'bench IACA',
    key: iacaKey,
    validity: { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 1000 * DAY) },
    issuerAltName: { uri: 'https://iaca.example.jp/' },
    crlUri: 'https://iaca.example.jp/crl',
  });
  const ds = await buildDocumentSigner({
    iaca,
    iacaKey,
    commonName: 'bench DS',
    publicKey: publicKeyOf(dsKey),
    validity: { notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 365 * DAY) },
  });
  return { iacaKey, dsKey, deviceKey, iaca, ds };
}

/** 10 KiB starting with a JPEG SOI/APP0 marker, the rest a fixed pattern. */
export function benchPortrait() {
  const portrait = new Uint8Array(10 * 1024);
  portrait.set([0xff, 0xd8, 0xff, 0xe0]);
  for (let i = 4; i < portrait.length; i++) portrait[i] = (i * 31) & 0xff;
  return portrait;
}

/** The 10 mDL elements the benchmarks issue (a 10 KiB portrait among them). */
export function benchMdlElements(portrait = benchPortrait()) {
  return {
    family_name: 'Yamada',
    given_name: 'Taro',
    birth_date: FullDate.of(1990, 4, 1),
    issue_date: FullDate.of(2025, 4, 1),
    expiry_date: FullDate.of(2030, 4, 1),
    issuing_country: 'JP',
    issuing_authority: 'Tokyo Metropolitan Police',
    document_number: '123456789012',
    portrait,
    age_over_18: true,
  };
}
