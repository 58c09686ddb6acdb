/** Small ISO 18013-5 test PKIs built with shomei/x509 (tests only). */
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { CryptoBackend, EcCurve, EcPrivateKey } from '../../src/crypto/types.js';
import { buildDocumentSigner, buildIaca, buildReaderAuthCertificate, type Certificate } from '../../src/x509/index.js';

export const T0 = new Date('2024-01-01T00:00:00Z');
export const NOW = new Date('2024-06-01T00:00:00Z');
export const DAY = 86_400_000;

export function days(from: Date, n: number): Date {
  return new Date(from.getTime() + n * DAY);
}

export interface IssuerPki {
  readonly iacaKey: EcPrivateKey;
  readonly iaca: Certificate;
  readonly dsKey: EcPrivateKey;
  readonly ds: Certificate;
}

const keyCache = new Map<string, EcPrivateKey[]>();

/** Deterministic-per-run key pool, so suites do not pay for key generation over and over. */
export async function key(backend: CryptoBackend, crv: EcCurve, index = 0): Promise<EcPrivateKey> {
  const id = `${backend.name}:${crv}`;
  const pool = keyCache.get(id) ?? [];
  while (pool.length <= index) pool.push((await backend.generateKeyPair(crv)) as EcPrivateKey);
  keyCache.set(id, pool);
  return pool[index]!;
}

export async function issuerPki(backend: CryptoBackend, crv: EcCurve = 'P-256'): Promise<IssuerPki> {
  const iacaKey = await key(backend, crv, 0);
  const dsKey = await key(backend, crv, 1);
  const iaca = await buildIaca({
    country: 'JP',
    state: 'TOKYO',
    commonName: 'shomei test IACA',
    key: iacaKey,
    validity: { notBefore: T0, notAfter: days(T0, 3650) },
    issuerAltName: 'https://iaca.example.jp/',
    crlUri: 'https://iaca.example.jp/iaca.crl',
    backend,
  });
  const ds = await buildDocumentSigner({
    iaca,
    iacaKey,
    commonName: 'shomei test DS',
    publicKey: publicKeyOf(dsKey),
    validity: { notBefore: T0, notAfter: days(T0, 365) },
    backend,
  });
  return { iacaKey, iaca, dsKey, ds };
}

export interface ReaderPki {
  readonly rootKey: EcPrivateKey;
  readonly root: Certificate;
  readonly readerKey: EcPrivateKey;
  readonly reader: Certificate;
}

export async function readerPki(backend: CryptoBackend, crv: EcCurve = 'P-256'): Promise<ReaderPki> {
  const rootKey = await key(backend, crv, 2);
  const readerKey = await key(backend, crv, 3);
  const root = await buildIaca({
    country: 'JP',
    commonName: 'shomei test reader CA',
    key: rootKey,
    validity: { notBefore: T0, notAfter: days(T0, 3650) },
    issuerAltName: { email: 'ca@reader.example.jp' },
    crlUri: 'https://reader.example.jp/ca.crl',
    backend,
  });
  const reader = await buildReaderAuthCertificate({
    issuer: root,
    issuerKey: rootKey,
    commonName: 'shomei test reader',
    publicKey: publicKeyOf(readerKey),
    validity: { notBefore: T0, notAfter: days(T0, 1000) },
    backend,
  });
  return { rootKey, root, readerKey, reader };
}
