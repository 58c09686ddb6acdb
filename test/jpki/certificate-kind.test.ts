/**
 * Certificate kind when the policy OID is not one shomei knows (issue 14: smartphone
 * certificates, スマホ用電子証明書, whose J-LIS profile OIDs could not be confirmed): the kind
 * then comes from the certificate's structure (issuer CA, key usage), and `kindBasis` says so.
 */
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/noble.js';
import { rsaPublicKeyOf } from '../../src/crypto/rsa.js';
import { decodeJpkiCertificate } from '../../src/jpki/certificates.js';
import { JpkiPolicyOid } from '../../src/jpki/oids.js';
import { buildTestCertificates, DEFAULT_TEST_IDENTITY, TEST_AUTH_CA_NAME, TEST_SIGN_CA_NAME } from '../../src/jpki/simulator/index.js';
import { testRsaSigner } from '../../src/jpki/simulator/test-certificates.js';
import { testKey } from '../../src/jpki/simulator/test-keys.js';
import { buildCertificate } from '../../src/x509/build.js';
import type { NameInput } from '../../src/x509/name.js';
import type { KeyUsageName } from '../../src/x509/extensions.js';
import { loadVectorText } from '../helpers/vectors.js';

/** A policy OID no JPKI source confirms (a stand-in for an unconfirmed smartphone profile). */
const UNCONFIRMED_POLICY = '1.2.392.200149.8.5.1.1.99';
const PRODUCTION_SIGN_CA = { C: 'JP', O: 'JPKI', OU: ['JPKI for digital signature', 'Japan Agency for Local Authority Information Systems'] };
const PRODUCTION_AUTH_CA = { C: 'JP', O: 'JPKI', OU: ['JPKI for user authentication', 'Japan Agency for Local Authority Information Systems'] };

async function leaf(issuer: NameInput, keyUsage: KeyUsageName[], policies: string[] = [UNCONFIRMED_POLICY]): Promise<Uint8Array> {
  const cert = await buildCertificate({
    subject: { C: 'JP', CN: 'SHOMEITESTPHONE00000001' },
    issuer,
    serialNumber: 0x3001n,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-01T00:00:00Z'),
    publicKey: rsaPublicKeyOf(testKey('signKey')),
    signer: testRsaSigner(testKey('signCa')),
    keyUsage,
    ...(policies.length > 0 ? { certificatePolicies: { oids: policies, critical: true } } : {}),
    backend: nobleBackend,
  });
  return cert.der;
}

describe('JPKI certificate kind by structure when the policy is not known', () => {
  it('a production sign-CA leaf with digitalSignature + nonRepudiation is sign, by structure', async () => {
    const info = decodeJpkiCertificate(await leaf(PRODUCTION_SIGN_CA, ['digitalSignature', 'nonRepudiation']));
    expect([info.kind, info.kindBasis]).toEqual(['sign', 'structure']);
  });

  it('a production auth-CA leaf with digitalSignature only is auth, by structure (also with no policy at all)', async () => {
    expect(decodeJpkiCertificate(await leaf(PRODUCTION_AUTH_CA, ['digitalSignature']))).toMatchObject({ kind: 'auth', kindBasis: 'structure' });
    expect(decodeJpkiCertificate(await leaf(PRODUCTION_AUTH_CA, ['digitalSignature'], []))).toMatchObject({ kind: 'auth', kindBasis: 'structure' });
  });

  it('a test-hierarchy sign leaf (issuer O=JPKI-TEST…) is sign-test, by structure', async () => {
    expect(decodeJpkiCertificate(await leaf(TEST_SIGN_CA_NAME, ['digitalSignature', 'nonRepudiation']))).toMatchObject({ kind: 'sign-test', kindBasis: 'structure' });
    expect(decodeJpkiCertificate(await leaf(TEST_AUTH_CA_NAME, ['digitalSignature']))).toMatchObject({ kind: 'auth', kindBasis: 'structure' });
  });

  it('does not guess when the structure does not fit: stays unknown with basis none', async () => {
    const cases: [NameInput, KeyUsageName[]][] = [
      [PRODUCTION_SIGN_CA, ['digitalSignature']], // sign CA family without nonRepudiation
      [PRODUCTION_AUTH_CA, ['digitalSignature', 'nonRepudiation']], // auth CA family with nonRepudiation
      [{ C: 'JP', O: 'Some Other CA', OU: ['JPKI for digital signature'] }, ['digitalSignature', 'nonRepudiation']],
      [{ C: 'JP', O: 'JPKI' }, ['digitalSignature', 'nonRepudiation']], // no CA family OU
      [PRODUCTION_SIGN_CA, ['nonRepudiation']],
    ];
    for (const [issuer, usages] of cases) {
      expect(decodeJpkiCertificate(await leaf(issuer, usages))).toMatchObject({ kind: 'unknown', kindBasis: 'none' });
    }
  });

  it('a known policy OID decides by policy (the real auth certificate, the virtual card certificates)', async () => {
    expect(decodeJpkiCertificate(loadVectorText('jpki/real-auth-cert-expired.pem'))).toMatchObject({ kind: 'auth', kindBasis: 'policy' });
    const certs = await buildTestCertificates(DEFAULT_TEST_IDENTITY);
    expect(decodeJpkiCertificate(certs.sign)).toMatchObject({ kind: 'sign', kindBasis: 'policy' });
    expect(decodeJpkiCertificate(certs.signCa)).toMatchObject({ kind: 'ca', kindBasis: 'structure' });
    // The policy wins over the structure: a test-hierarchy leaf with the production policy is 'sign'.
    expect(decodeJpkiCertificate(await leaf(TEST_SIGN_CA_NAME, ['digitalSignature'], [JpkiPolicyOid.SIGN]))).toMatchObject({ kind: 'sign', kindBasis: 'policy' });
  });
});
