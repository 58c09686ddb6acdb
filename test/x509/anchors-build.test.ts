import { createHash, createPrivateKey, sign as nodeSign, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ecdsaDerToRaw as coseEcdsaDerToRaw } from '../../src/cose/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { RsaPublicKey } from '../../src/crypto/types.js';
import { fromBase64, toHex } from '../../src/internal/bytes.js';
import {
  buildCertificate,
  ecdsaDerToRaw,
  ecdsaRawToDer,
  JLIS_MDOC_IACA,
  JPKI_AUTH_CA_2015,
  JPKI_AUTH_CA_2019,
  JPKI_AUTH_CA_2023,
  JPKI_SIGN_CA_2015,
  JPKI_SIGN_CA_2023,
  loadTrustAnchors,
  MdocCheck,
  parseCertificate,
  verifyCertificateSignature,
  verifyChain,
  verifyIssuerChain,
  type X509Signer,
} from '../../src/x509/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { rsaKeyPair } from '../helpers/node-keys.js';
import { days, key, NOW, T0 } from './pki.js';

const ANCHORS = { JLIS_MDOC_IACA, JPKI_AUTH_CA_2015, JPKI_AUTH_CA_2019, JPKI_AUTH_CA_2023, JPKI_SIGN_CA_2015, JPKI_SIGN_CA_2023 };

describe.each(BACKENDS)('trust anchor constants (%s)', (_name, backend) => {
  it.each(Object.entries(ANCHORS))('%s parses, is self-signed and its signature verifies', async (_id, pem) => {
    const [cert] = loadTrustAnchors(pem);
    expect(cert!.selfIssued).toBe(true);
    expect(cert!.basicConstraints?.cA).toBe(true);
    expect(await verifyCertificateSignature(cert!, cert!, { backend })).toBe(true);
    const node = new X509Certificate(cert!.der);
    expect(node.verify(node.publicKey)).toBe(true);
  });

  it('JLIS_MDOC_IACA is the published certificate and passes every IACA check', async () => {
    const [iaca] = loadTrustAnchors(JLIS_MDOC_IACA);
    expect(createHash('sha256').update(iaca!.der).digest('hex')).toBe('6e8a3108609316961d142426ce842b7927fd281755317056e1574eb9ede80a0e');
    expect(iaca!.subject.text).toBe('C=JP,O=Japan Agency for Local Authority Information Systems,CN=mncmdocRootCA');
    // the IACA checks run on the anchor of an issuer chain; validate the anchor against itself
    const report = await verifyIssuerChain([iaca!], { anchors: [iaca!], now: new Date('2026-01-01T00:00:00Z'), backend });
    const iacaChecks = report.checks.filter((c) => c.id.startsWith('IACA_'));
    expect(iacaChecks.map((c) => c.status)).toEqual(Object.values(MdocCheck).filter((id) => id.startsWith('IACA_')).map(() => 'passed'));
  });

  it('loadTrustAnchors takes bundles, DER and lists, drops duplicates, and trusts nothing by itself', () => {
    const all = loadTrustAnchors([JPKI_AUTH_CA_2015 + JPKI_AUTH_CA_2019, JPKI_AUTH_CA_2019, loadTrustAnchors(JPKI_AUTH_CA_2023)[0]!.der]);
    expect(all.map((c) => c.serialNumber)).toEqual(['01', '0133c349', '06d18006']);
    expect(() => loadTrustAnchors('nothing here')).toThrow(/no certificates/);
  });
});

function nodeRsaSigner(privatePem: string, algorithm: 'RS256' | 'RS384' | 'RS512'): X509Signer {
  const hash = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' }[algorithm];
  const key = createPrivateKey(privatePem);
  return { algorithm, sign: async (tbs) => new Uint8Array(nodeSign(hash, tbs, key)) };
}

function rsaPublic(jwk: { n?: string; e?: string }): RsaPublicKey {
  return { kty: 'RSA', n: fromBase64(jwk.n!), e: fromBase64(jwk.e!) };
}

describe('building certificates (interop with node:crypto)', () => {
  const rsa = rsaKeyPair(2048);
  const rsaPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const rsaPub = rsaPublic(rsa.publicKey.export({ format: 'jwk' }));

  it.each(BACKENDS)('an RSA root signs through an external signer (as the JPKI card will), with otherName SANs (%s)', async (_name, backend) => {
    const root = await buildCertificate({
      subject: { C: 'JP', O: 'JPKI-TEST', OU: ['JPKI for digital signature', 'Test'] },
      notBefore: T0,
      notAfter: days(T0, 3650),
      publicKey: rsaPub,
      signer: nodeRsaSigner(rsaPem, 'RS256'),
      basicConstraints: { cA: true },
      keyUsage: ['keyCertSign', 'cRLSign'],
      backend,
    });
    const userKey = rsaKeyPair(2048);
    const user = await buildCertificate({
      subject: { C: 'JP', L: ['Tokyo-to', 'Chiyoda-ku'], CN: '0123456789ABCDEF' },
      issuer: root,
      notBefore: T0,
      notAfter: days(T0, 1800),
      publicKey: rsaPublic(userKey.publicKey.export({ format: 'jwk' })),
      signer: nodeRsaSigner(rsaPem, 'RS512'),
      keyUsage: ['digitalSignature', 'nonRepudiation'],
      certificatePolicies: { oids: ['1.2.392.200149.8.5.1.1.20'], critical: true },
      subjectAltName: [
        { type: 'otherName', typeId: '1.2.392.200149.8.5.5.1', value: '山田　太郎' },
        { type: 'otherName', typeId: '1.2.392.200149.8.5.5.4', value: '419800101' },
      ],
      crlDistributionPoints: [[{ type: 'directoryName', value: { C: 'JP', O: 'JPKI', OU: 'CRL Distribution Points' } }]],
      backend,
    });
    expect(user.signatureAlgorithm.name).toBe('RS512');
    const names = user.subjectAltName!.names;
    expect(names.map((n) => (n.type === 'otherName' ? [n.typeId, n.text] : null))).toEqual([
      ['1.2.392.200149.8.5.5.1', '山田　太郎'],
      ['1.2.392.200149.8.5.5.4', '419800101'],
    ]);
    expect(names[0]!.type === 'otherName' && toHex(names[0]!.value).slice(0, 2)).toBe('0c');
    expect(user.subject.attributes.L).toEqual(['Tokyo-to', 'Chiyoda-ku']);
    const report = await verifyChain(user, { anchors: [root], now: NOW, backend, strict: true });
    expect(report.valid).toBe(true);
    const node = new X509Certificate(user.der);
    expect(node.verify(new X509Certificate(root.der).publicKey)).toBe(true);
    expect(node.subjectAltName).toBeDefined();
  });

  it.each(BACKENDS)('EC and Ed25519 certificates verify with node:crypto (%s)', async (_name, backend) => {
    for (const crv of ['P-256', 'P-384', 'P-521'] as const) {
      const k = await key(backend, crv, 0);
      const cert = await buildCertificate({ subject: { CN: crv }, notBefore: T0, notAfter: days(T0, 10), publicKey: publicKeyOf(k), signer: k, backend });
      const node = new X509Certificate(cert.der);
      expect(node.verify(node.publicKey)).toBe(true);
      expect(node.subject).toBe(`CN=${crv}`);
      expect(cert.subjectKeyIdentifier).not.toBeNull();
      expect(cert.authorityKeyIdentifier).toBeNull();
    }
    const ed = await backend.generateKeyPair('Ed25519');
    const cert = await buildCertificate({ subject: { CN: 'ed' }, notBefore: T0, notAfter: days(T0, 10), publicKey: publicKeyOf(ed), signer: ed, backend });
    expect(cert.signatureAlgorithm.name).toBe('EdDSA');
    expect(new X509Certificate(cert.der).verify(new X509Certificate(cert.der).publicKey)).toBe(true);
    expect(await verifyCertificateSignature(cert, cert, { backend })).toBe(true);
    // ES384 over a P-256 key is allowed in X.509
    const k = await key(backend, 'P-256', 0);
    const mixed = await buildCertificate({ subject: { CN: 'mixed' }, notBefore: T0, notAfter: days(T0, 10), publicKey: publicKeyOf(k), signer: k, signatureAlgorithm: 'ES384', backend });
    expect(mixed.signatureAlgorithm.name).toBe('ES384');
    expect(await verifyCertificateSignature(mixed, mixed, { backend })).toBe(true);
  });

  it('reads the RSA-2048 key of a JPKI root', () => {
    const cert = parseCertificate(loadTrustAnchors(JPKI_SIGN_CA_2023)[0]!.der);
    expect(cert.publicKey?.kty).toBe('RSA');
    expect((cert.publicKey as RsaPublicKey).n.length).toBe(256);
  });

  it('converts ECDSA signatures between DER and raw, with the same ecdsaDerToRaw as shomei/cose', () => {
    const raw = Uint8Array.from({ length: 64 }, (_, i) => (i === 0 ? 0x80 : i === 32 ? 0 : i));
    const der = ecdsaRawToDer(raw);
    expect(toHex(ecdsaDerToRaw(der, 'P-256'))).toBe(toHex(raw));
    expect(toHex(ecdsaDerToRaw(der, 'P-384'))).toBe(toHex(Uint8Array.of(...new Uint8Array(16), ...raw.subarray(0, 32), ...new Uint8Array(16), ...raw.subarray(32))));
    expect(() => ecdsaDerToRaw(ecdsaRawToDer(new Uint8Array(96).fill(1)), 'P-256')).toThrow(RangeError);
    expect(() => ecdsaDerToRaw(Uint8Array.of(0x30, 0), 'P-256')).toThrow(RangeError);
    expect(() => ecdsaRawToDer(Uint8Array.of(1))).toThrow(RangeError);
    expect(ecdsaDerToRaw).toBe(coseEcdsaDerToRaw);
  });

  it('rejects bad build options', async () => {
    const k = await key(BACKENDS[0]![1], 'P-256', 0);
    const base = { subject: { CN: 'x' }, notBefore: T0, notAfter: days(T0, 1), publicKey: publicKeyOf(k), signer: k };
    await expect(buildCertificate({ ...base, notAfter: days(T0, -1) })).rejects.toThrow(RangeError);
    await expect(buildCertificate({ ...base, notBefore: new Date(Number.NaN) })).rejects.toThrow(TypeError);
    await expect(buildCertificate({ ...base, serialNumber: 'xyz' })).rejects.toThrow(TypeError);
    await expect(buildCertificate({ ...base, keyUsage: ['bogus' as never] })).rejects.toThrow(TypeError);
    await expect(buildCertificate({ ...base, signer: {} as never })).rejects.toThrow(TypeError);
    await expect(buildCertificate({ ...base, subject: { ZZ: 'x' } })).rejects.toThrow(TypeError);
  });
});
