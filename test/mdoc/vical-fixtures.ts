/** A VICAL provider PKI and two IACAs for the VICAL tests (built fresh; nothing here is a published vector). */
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { CryptoBackend, EcPrivateKey } from '../../src/crypto/types.js';
import { buildVical, type BuildVicalOptions } from '../../src/mdoc/index.js';
import { buildDocumentSigner, buildIaca, type Certificate, ExtKeyUsageOid } from '../../src/x509/index.js';
import { NOW } from './fixtures.js';

export const DAY = 86_400_000;
export const MDL = 'org.iso.18013.5.1.mDL';
export const MNC = 'org.iso.23220.1.jp.mnc';

export interface VicalPki {
  readonly root: Certificate;
  readonly rootKey: EcPrivateKey;
  readonly signer: Certificate;
  readonly signerKey: EcPrivateKey;
  /** A US IACA (mDL) and a JP IACA (My Number Card), with their keys. */
  readonly us: { readonly iaca: Certificate; readonly key: EcPrivateKey };
  readonly jp: { readonly iaca: Certificate; readonly key: EcPrivateKey };
}

const around = (before: number, after: number) => ({ notBefore: new Date(NOW.getTime() - before * DAY), notAfter: new Date(NOW.getTime() + after * DAY) });

/** A VICAL root, a VICAL signer (EKU 1.0.18013.5.1.8, or `signerEku`) and two IACAs, valid around NOW. */
export async function vicalPki(backend: CryptoBackend, signerEku: string = ExtKeyUsageOid.vicalSigner, signerValidity = around(30, 365)): Promise<VicalPki> {
  const gen = async () => (await backend.generateKeyPair('P-256')) as EcPrivateKey;
  const [rootKey, signerKey, usKey, jpKey] = await Promise.all([gen(), gen(), gen(), gen()]);
  const root = await buildIaca({ country: 'US', commonName: 'Example VICAL root', key: rootKey, validity: around(365, 3650), issuerAltName: 'https://vical.example', backend });
  const signer = await buildDocumentSigner({
    iaca: root,
    iacaKey: rootKey,
    commonName: 'Example VICAL signer',
    publicKey: publicKeyOf(signerKey),
    validity: signerValidity,
    crlUri: 'https://vical.example/crl',
    extKeyUsage: [signerEku],
    backend,
  });
  const usIaca = await buildIaca({ country: 'US', state: 'CA', commonName: 'Example US IACA', key: usKey, validity: around(365, 1825), issuerAltName: 'https://dmv.example', crlUri: 'https://dmv.example/crl', backend });
  const jpIaca = await buildIaca({ country: 'JP', commonName: 'Example JP IACA', key: jpKey, validity: around(365, 1825), issuerAltName: 'https://jp.example', crlUri: 'https://jp.example/crl', backend });
  return { root, rootKey, signer, signerKey, us: { iaca: usIaca, key: usKey }, jp: { iaca: jpIaca, key: jpKey } };
}

/** A VICAL listing the US IACA for mDL and the JP IACA for the My Number Card, signed by the PKI's signer. */
export function sampleVical(pki: VicalPki, backend: CryptoBackend, overrides: Partial<BuildVicalOptions> = {}): Promise<Uint8Array> {
  return buildVical({
    vicalProvider: 'Example Provider',
    date: new Date(NOW.getTime() - DAY),
    vicalIssueID: 42,
    nextUpdate: new Date(NOW.getTime() + 30 * DAY),
    certificateInfos: [
      { certificate: pki.us.iaca, docType: [MDL], issuingAuthority: 'Example DMV', names: true },
      { certificate: pki.jp.iaca, docType: [MNC], issuingAuthority: 'Example J-LIS' },
    ],
    signer: pki.signerKey,
    certificates: [pki.signer.der],
    backend,
    ...overrides,
  });
}
