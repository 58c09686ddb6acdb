/** A small issuer PKI and mDL data for mdoc tests (built fresh; nothing here is a published vector). */
import type { Curve, CryptoBackend, EcPrivateKey, PrivateKey } from '../../src/crypto/types.js';
import { fromHex } from '../../src/internal/bytes.js';
import { FullDate } from '../../src/cbor/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { type IssuerSigned, issueMdoc } from '../../src/mdoc/index.js';
import { buildDocumentSigner, buildIaca, type Certificate } from '../../src/x509/index.js';

export const NOW = new Date('2026-06-01T00:00:00Z');
const DAY = 86_400_000;

export interface TestIssuer {
  readonly iaca: Certificate;
  readonly iacaKey: EcPrivateKey;
  readonly ds: Certificate;
  readonly dsKey: EcPrivateKey;
}

/** An IACA and a document signer on `curve` (P-256 by default), valid around NOW. */
export async function testIssuer(backend: CryptoBackend, curve: 'P-256' | 'P-384' | 'P-521' = 'P-256', country = 'JP'): Promise<TestIssuer> {
  const iacaKey = (await backend.generateKeyPair(curve)) as EcPrivateKey;
  const dsKey = (await backend.generateKeyPair(curve)) as EcPrivateKey;
  const iaca = await buildIaca({
    country,
    commonName: 'shomei test IACA',
    key: iacaKey,
    validity: { notBefore: new Date(NOW.getTime() - 365 * DAY), notAfter: new Date(NOW.getTime() + 5 * 365 * DAY) },
    issuerAltName: { uri: 'https://iaca.example.jp/' },
    crlUri: 'https://iaca.example.jp/crl',
    backend,
  });
  const ds = await buildDocumentSigner({
    iaca,
    iacaKey,
    commonName: 'shomei test DS',
    publicKey: { kty: 'EC', crv: dsKey.crv, x: dsKey.x, y: dsKey.y },
    validity: { notBefore: new Date(NOW.getTime() - 30 * DAY), notAfter: new Date(NOW.getTime() + 300 * DAY) },
    crlUri: 'https://iaca.example.jp/crl',
    backend,
  });
  return { iaca, iacaKey, ds, dsKey };
}

/** A device key on `curve`. */
export function deviceKey(backend: CryptoBackend, curve: Curve = 'P-256'): Promise<PrivateKey> {
  return backend.generateKeyPair(curve);
}

/** mDL element values (issuing_country JP to match the test DS). */
export const MDL_DATA = {
  'org.iso.18013.5.1': {
    family_name: 'Yamada',
    given_name: 'Taro',
    birth_date: FullDate.of(1990, 4, 1),
    issue_date: FullDate.of(2025, 4, 1),
    expiry_date: FullDate.of(2030, 4, 1),
    issuing_country: 'JP',
    issuing_authority: 'Tokyo Metropolitan Police',
    document_number: '123456789012',
    portrait: fromHex('ffd8ffe000104a464946'),
    driving_privileges: [new Map<string, unknown>([['vehicle_category_code', 'B']])] as never,
    un_distinguishing_sign: 'J',
    age_over_18: true,
    age_over_21: true,
    age_over_65: false,
  },
} as const;

/** A test issuer, a P-256 device key and an mDL of {@link MDL_DATA} signed at NOW, valid 30 days. */
export async function testMdl(backend: CryptoBackend): Promise<{ issuer: TestIssuer; device: PrivateKey; mdl: IssuerSigned }> {
  const issuer = await testIssuer(backend);
  const device = await deviceKey(backend);
  const mdl = await issueMdoc({
    docType: 'org.iso.18013.5.1.mDL',
    nameSpaces: MDL_DATA,
    deviceKey: publicKeyOf(device),
    validity: { signed: NOW, validFrom: NOW, validUntil: new Date(NOW.getTime() + 30 * DAY) },
    issuer: { signer: issuer.dsKey, certificates: [issuer.ds.der] },
    backend,
  });
  return { issuer, device, mdl };
}
