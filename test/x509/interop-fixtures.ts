/**
 * Deterministic builders of the field-interop certificates in `vectors/interop/x509/` (issue 9
 * item 1): certificates other implementations issue that are well-formed DER but not
 * conformant in one extension. Fixed keys, serials and dates, and deterministic ECDSA
 * (RFC 6979, the noble backend), so the same bytes come out on every run; `x509-interop.test.ts`
 * checks the files against these builders. Write them with
 * `npx tsx test/x509/write-interop-fixtures.ts`. Tests only.
 */
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { ecPrivateKeyFromScalar } from '../../src/crypto/key-from-secret.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { fromHex } from '../../src/internal/bytes.js';
import { encodeOid, encodeSequence, encodeString, Tag } from '../../src/x509/der.js';
import { type BuildCertificateOptions, buildCertificate, type Certificate, ExtensionOid, ExtKeyUsageOid } from '../../src/x509/index.js';

const backend = nobleBackend;
export const FIXTURE_NOT_BEFORE = new Date('2024-01-01T00:00:00Z');
/** A validation time inside every fixture's validity. */
export const FIXTURE_NOW = new Date('2024-06-01T00:00:00Z');

/** Test-only private keys (never use them for anything else). */
const IACA_KEY: EcPrivateKey = ecPrivateKeyFromScalar('P-256', fromHex('5f1c39c4f6a3e0e2a1d6b1f9c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7'));
export const DS_KEY: EcPrivateKey = ecPrivateKeyFromScalar('P-256', fromHex('2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe'));

/** The extension values the fixtures carry (DER of extnValue). */
export const ODD_VALUES = {
  /** cRLDistributionPoints as an empty SEQUENCE (SIZE (1..MAX) broken). */
  emptySequence: fromHex('3000'),
  /** keyUsage digitalSignature written over two octets: trailing zero bits (X.690 §11.2.2 broken). */
  keyUsageTrailingZeros: fromHex('03030780' + '00'),
  /** certificatePolicies: one policy (2.23.140.1.2.2) with a qualifier of an unknown id (1.3.6.1.5.5.7.2.99). */
  policyUnknownQualifier: encodeSequence(encodeSequence(encodeOid('2.23.140.1.2.2'), encodeSequence(encodeSequence(encodeOid('1.3.6.1.5.5.7.2.99'), encodeString(Tag.UTF8_STRING, 'x'))))),
  /** A value that is not a cRLDistributionPoints at all (an OCTET STRING). */
  notASequence: fromHex('0400'),
  /** Some private extension's value. */
  privateValue: fromHex('0500'),
} as const;

/** A private extension OID nobody processes. */
export const PRIVATE_EXTENSION_OID = '1.3.6.1.4.1.99999.1';

/** The IACA of an Android wallet's public test service, as described in issue 9: conformant but for an empty, non-critical cRLDistributionPoints. */
export function buildIacaEmptyCrlDp(): Promise<Certificate> {
  return buildCertificate({
    subject: { C: 'US', ST: 'US-CA', CN: 'shomei interop IACA (empty CRL DP)' },
    serialNumber: '01a1',
    notBefore: FIXTURE_NOT_BEFORE,
    notAfter: new Date('2034-01-01T00:00:00Z'),
    publicKey: publicKeyOf(IACA_KEY),
    signer: IACA_KEY,
    basicConstraints: { cA: true, pathLen: 0 },
    keyUsage: ['keyCertSign', 'cRLSign'],
    issuerAltName: [{ type: 'uniformResourceIdentifier', value: 'https://iaca.interop.example/' }],
    extensions: [{ oid: ExtensionOid.cRLDistributionPoints, value: ODD_VALUES.emptySequence }],
    backend,
  });
}

/** Document signer options conformant to Annex B Table B.3 under `iaca`, with `change` applied. */
function dsOptions(iaca: Certificate, serial: string, change: Partial<BuildCertificateOptions>): BuildCertificateOptions {
  return {
    subject: { C: 'US', ST: 'US-CA', CN: `shomei interop DS ${serial}` },
    issuer: iaca,
    serialNumber: serial,
    notBefore: FIXTURE_NOT_BEFORE,
    notAfter: new Date('2025-01-01T00:00:00Z'),
    publicKey: publicKeyOf(DS_KEY),
    signer: IACA_KEY,
    keyUsage: ['digitalSignature'],
    extKeyUsage: [ExtKeyUsageOid.mdlDS],
    issuerAltName: [{ type: 'uniformResourceIdentifier', value: 'https://iaca.interop.example/' }],
    crlDistributionPoints: ['https://iaca.interop.example/iaca.crl'],
    backend,
    ...change,
  };
}

/** Every fixture, by file name (without `.pem`). */
export async function buildInteropFixtures(): Promise<Record<string, Certificate>> {
  const iaca = await buildIacaEmptyCrlDp();
  const { keyUsage: _ku, ...noKeyUsage } = dsOptions(iaca, '', {});
  const { crlDistributionPoints: _dp, ...noCrlDp } = dsOptions(iaca, '', {});
  return {
    'iaca-empty-crldp': iaca,
    'ds-under-iaca-empty-crldp': await buildCertificate(dsOptions(iaca, '02d1', {})),
    'ds-keyusage-trailing-zero-bits': await buildCertificate({
      ...noKeyUsage,
      subject: { C: 'US', ST: 'US-CA', CN: 'shomei interop DS 02d2' },
      serialNumber: '02d2',
      extensions: [{ oid: ExtensionOid.keyUsage, critical: true, value: ODD_VALUES.keyUsageTrailingZeros }],
    }),
    'ds-policy-unknown-qualifier': await buildCertificate(dsOptions(iaca, '02d3', { extensions: [{ oid: ExtensionOid.certificatePolicies, value: ODD_VALUES.policyUnknownQualifier }] })),
    'ds-crldp-not-a-sequence': await buildCertificate({
      ...noCrlDp,
      subject: { C: 'US', ST: 'US-CA', CN: 'shomei interop DS 02d4' },
      serialNumber: '02d4',
      extensions: [{ oid: ExtensionOid.cRLDistributionPoints, value: ODD_VALUES.notASequence }],
    }),
    'ds-critical-private-extension': await buildCertificate(dsOptions(iaca, '02d5', { extensions: [{ oid: PRIVATE_EXTENSION_OID, critical: true, value: ODD_VALUES.privateValue }] })),
  };
}
