/**
 * TEST ONLY: the virtual card's JPKI certificate hierarchy, built from the fixed test keys.
 *
 * Two self-signed test roots (`O=JPKI-TEST-SHOMEI`, one per purpose, like J-LIS's) and two
 * leaves with the JPKI profile of reference §5.2–§5.3: auth `C=JP, CN=<opaque id>`,
 * keyUsage digitalSignature, extKeyUsage clientAuth, policy 1.2.392.200149.8.5.1.3.30;
 * sign `C=JP, L=<prefecture>, L=<municipality>, CN=<opaque id>`, keyUsage
 * digitalSignature + nonRepudiation, policy 1.2.392.200149.8.5.1.1.20, and the
 * subjectAltName otherNames 1.2.392.200149.8.5.5.1–.6 carrying the identity.
 * Every certificate is RSA-2048, sha256WithRSAEncryption, with fixed dates and serials,
 * built with the x509 layer's `buildCertificate` and an RSA signer over the fixed test keys,
 * so the bytes are the same on every run.
 */
import { lazyNobleBackend as nobleBackend } from '../../crypto/lazy.js';
import { type RsaPrivateKey, rsaPkcs1SignDigest, rsaPublicKeyOf } from '../../crypto/rsa.js';
import { buildCertificate, type X509Signer } from '../../x509/build.js';
import type { Certificate } from '../../x509/certificate.js';
import { ExtKeyUsageOid } from '../../x509/oids.js';
import { toJapaneseEra } from '../era.js';
import { JpkiPolicyOid, JpkiSanOid } from '../oids.js';
import type { TestIdentity } from './identity.js';
import { testKey } from './test-keys.js';
import type { VirtualCardCertificates } from './virtual-card.js';

/** An x509 `RS256` signer over a fixed test key (what a card does for `80 2A`, in software). */
export function testRsaSigner(key: RsaPrivateKey): X509Signer {
  return {
    algorithm: 'RS256',
    sign: async (tbs) => rsaPkcs1SignDigest(key, 'SHA-256', await nobleBackend.digest('SHA-256', tbs)),
  };
}

/** TEST ONLY: subject of the test 利用者証明用 root. */
export const TEST_AUTH_CA_NAME = { C: 'JP', O: 'JPKI-TEST-SHOMEI', OU: ['JPKI for user authentication', 'shomei virtual card TEST ONLY'] } as const;
/** TEST ONLY: subject of the test 署名用 root. */
export const TEST_SIGN_CA_NAME = { C: 'JP', O: 'JPKI-TEST-SHOMEI', OU: ['JPKI for digital signature', 'shomei virtual card TEST ONLY'] } as const;

const CA_FROM = new Date('2024-01-01T00:00:00Z');
const CA_TO = new Date('2049-12-31T23:59:59Z');

/** One substitution flag per character (none substituted). */
const noSubstitution = (text: string) => '0'.repeat([...text].length);

/** TEST ONLY: build the four JPKI certificates of the virtual card for `identity`. */
export async function buildTestCertificates(identity: TestIdentity): Promise<VirtualCardCertificates> {
  const authCaKey = testKey('authCa');
  const signCaKey = testKey('signCa');
  const leafFrom = new Date('2024-04-01T00:00:00Z');
  const leafTo = new Date(`${identity.expiryDate}T14:59:59Z`);
  const { era } = toJapaneseEra(identity.birthDate);
  const root = (subject: typeof TEST_AUTH_CA_NAME | typeof TEST_SIGN_CA_NAME, key: RsaPrivateKey): Promise<Certificate> =>
    buildCertificate({
      subject,
      serialNumber: 1n,
      notBefore: CA_FROM,
      notAfter: CA_TO,
      publicKey: rsaPublicKeyOf(key),
      signer: testRsaSigner(key),
      basicConstraints: { cA: true },
      keyUsage: ['keyCertSign', 'cRLSign'],
      backend: nobleBackend,
    });
  const authCa = await root(TEST_AUTH_CA_NAME, authCaKey);
  const signCa = await root(TEST_SIGN_CA_NAME, signCaKey);
  const auth = await buildCertificate({
    subject: { C: 'JP', CN: 'SHOMEITESTAUTH000000001' },
    issuer: authCa,
    serialNumber: 0x1001n,
    notBefore: leafFrom,
    notAfter: leafTo,
    publicKey: rsaPublicKeyOf(testKey('authKey')),
    signer: testRsaSigner(authCaKey),
    keyUsage: ['digitalSignature'],
    extKeyUsage: { oids: [ExtKeyUsageOid.clientAuth], critical: false },
    certificatePolicies: { oids: [JpkiPolicyOid.AUTH], critical: true },
    backend: nobleBackend,
  });
  const sign = await buildCertificate({
    subject: { C: 'JP', L: [identity.locality[0], identity.locality[1]], CN: 'SHOMEITESTSIGN000000001' },
    issuer: signCa,
    serialNumber: 0x2001n,
    notBefore: leafFrom,
    notAfter: leafTo,
    publicKey: rsaPublicKeyOf(testKey('signKey')),
    signer: testRsaSigner(signCaKey),
    keyUsage: ['digitalSignature', 'nonRepudiation'],
    certificatePolicies: { oids: [JpkiPolicyOid.SIGN], critical: true },
    subjectAltName: [
      { type: 'otherName', typeId: JpkiSanOid.NAME, value: identity.name },
      { type: 'otherName', typeId: JpkiSanOid.BIRTH_DATE, value: `${era.code}${identity.birthDate.replaceAll('-', '')}` },
      { type: 'otherName', typeId: JpkiSanOid.SEX, value: identity.sex === '9' || identity.sex === '0' ? '3' : identity.sex },
      { type: 'otherName', typeId: JpkiSanOid.ADDRESS, value: identity.address },
      { type: 'otherName', typeId: JpkiSanOid.NAME_SUBSTITUTION, value: noSubstitution(identity.name) },
      { type: 'otherName', typeId: JpkiSanOid.ADDRESS_SUBSTITUTION, value: noSubstitution(identity.address) },
    ],
    backend: nobleBackend,
  });
  return { auth: auth.der, authCa: authCa.der, sign: sign.der, signCa: signCa.der };
}
