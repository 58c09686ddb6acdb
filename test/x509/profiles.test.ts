import { describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcCurve, EcPrivateKey, EcPublicKey } from '../../src/crypto/types.js';
import { X509Error } from '../../src/errors.js';
import { concat, fromHex } from '../../src/internal/bytes.js';
import {
  type BuildCertificateOptions,
  buildCertificate,
  buildDocumentSigner,
  buildIaca,
  buildReaderAuthCertificate,
  type Certificate,
  type CertificateSigner,
  type ChainReport,
  ExtensionOid,
  ExtKeyUsageOid,
  MdocCheck,
  verifyIssuerChain,
  verifyReaderChain,
} from '../../src/x509/index.js';
import { contextTag, encodeSequence, encodeTlv } from '../../src/x509/der.js';
import { BACKENDS } from '../helpers/backends.js';
import { days, issuerPki, key, NOW, readerPki, T0 } from './pki.js';

function failed(report: ChainReport): string[] {
  return report.checks.filter((c) => c.status === 'failed').map((c) => c.id);
}

/** A P-256 SubjectPublicKeyInfo holding the compressed form of `key`'s point. */
function compressedSpki(key: EcPublicKey): Uint8Array {
  const point = concat(Uint8Array.of(2 | (key.y[31]! & 1)), key.x);
  return concat(fromHex('3039301306072a8648ce3d020106082a8648ce3d030107032200'), point);
}

const CURVES: EcCurve[] = ['P-256', 'P-384', 'P-521'];

describe.each(BACKENDS)('built Annex B certificates pass their profiles (%s)', (_name, backend) => {
  it.each(CURVES)('IACA + DS on %s', async (crv) => {
    const { iaca, ds } = await issuerPki(backend, crv);
    const report = await verifyIssuerChain([ds.der], { anchors: [iaca], now: NOW, backend, strict: true });
    expect(report.valid).toBe(true);
    expect(report.checks.filter((c) => c.status !== 'passed').map((c) => c.id)).toEqual(['REVOCATION']);
    expect(report.checks.filter((c) => c.id.startsWith('IACA_') || c.id.startsWith('DS_'))).toHaveLength(30);
    expect(ds.subject.attributes).toMatchObject({ C: ['JP'], ST: ['TOKYO'], CN: ['shomei test DS'] });
    expect(ds.serialNumber).toHaveLength(32);
  });

  it.each(CURVES)('reader CA + reader on %s', async (crv) => {
    const { root, reader } = await readerPki(backend, crv);
    const report = await verifyReaderChain([reader], { anchors: [root], now: NOW, backend, strict: true });
    expect(report.valid).toBe(true);
    expect(report.checks.filter((c) => c.id.startsWith('READER_') && c.status === 'passed')).toHaveLength(12);
  });

  it('accepts an Ed25519 document signer key under a P-256 IACA', async () => {
    const { iaca, iacaKey } = await issuerPki(backend);
    const ed = await backend.generateKeyPair('Ed25519');
    const ds = await buildDocumentSigner({ iaca, iacaKey, commonName: 'ed DS', publicKey: publicKeyOf(ed), validity: { notBefore: T0, notAfter: days(T0, 30) }, backend });
    expect(ds.publicKey).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect((await verifyIssuerChain([ds], { anchors: [iaca], now: days(T0, 10), backend })).valid).toBe(true);
  });

  it('accepts mdocDS (ISO 23220-4) only when configured', async () => {
    const { iaca, iacaKey, dsKey } = await issuerPki(backend);
    const ds = await buildDocumentSigner({
      iaca,
      iacaKey,
      commonName: 'generic DS',
      publicKey: publicKeyOf(dsKey),
      validity: { notBefore: T0, notAfter: days(T0, 300) },
      extKeyUsage: [ExtKeyUsageOid.mdocDS],
      backend,
    });
    expect(failed(await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, backend }))).toEqual(['DS_EKU']);
    const ok = await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, dsExtendedKeyUsages: [ExtKeyUsageOid.mdlDS, ExtKeyUsageOid.mdocDS], backend });
    expect(ok.valid).toBe(true);
  });
});

describe.each(BACKENDS)('each Annex B check fails when its property is broken, and can be waived (%s)', (_name, backend) => {
  const validity = { notBefore: T0, notAfter: days(T0, 3650) };
  const dsValidity = { notBefore: T0, notAfter: days(T0, 365) };

  async function keys(): Promise<{ iacaKey: EcPrivateKey; dsKey: EcPrivateKey; other: EcPrivateKey }> {
    return { iacaKey: await key(backend, 'P-256', 0), dsKey: await key(backend, 'P-256', 1), other: await key(backend, 'P-256', 7) };
  }

  async function iacaWith(overrides: Partial<BuildCertificateOptions>): Promise<Certificate> {
    const { iacaKey } = await keys();
    return buildCertificate({
      subject: { C: 'JP', ST: 'TOKYO', CN: 'shomei test IACA' },
      ...validity,
      publicKey: publicKeyOf(iacaKey),
      signer: iacaKey,
      basicConstraints: { cA: true, pathLen: 0 },
      keyUsage: ['keyCertSign', 'cRLSign'],
      issuerAltName: [{ type: 'uniformResourceIdentifier', value: 'https://iaca.example.jp/' }],
      backend,
      ...overrides,
    });
  }

  async function dsWith(iaca: Certificate, overrides: Partial<BuildCertificateOptions>, signer?: BuildCertificateOptions['signer']): Promise<Certificate> {
    const { iacaKey, dsKey } = await keys();
    return buildCertificate({
      subject: { C: 'JP', ST: 'TOKYO', CN: 'shomei test DS' },
      issuer: iaca,
      ...dsValidity,
      publicKey: publicKeyOf(dsKey),
      signer: signer ?? iacaKey,
      keyUsage: ['digitalSignature'],
      extKeyUsage: [ExtKeyUsageOid.mdlDS],
      issuerAltName: [{ type: 'rfc822Name', value: 'iaca@example.jp' }],
      crlDistributionPoints: ['https://iaca.example.jp/iaca.crl'],
      authorityKeyIdentifier: iaca.subjectKeyIdentifier!.keyIdentifier,
      backend,
      ...overrides,
    });
  }

  async function expectOnly(iaca: Certificate, ds: Certificate, ids: string[]): Promise<void> {
    const report = await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, backend });
    expect(failed(report).sort()).toEqual([...ids].sort());
    const error = await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, backend, strict: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(X509Error);
    expect((error as X509Error).code).toBe('ERR_X509_PROFILE');
    const waived = await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, backend, waive: ids });
    expect(waived.valid).toBe(true);
    for (const id of ids) expect(waived.checks.find((c) => c.id === id)?.status).toBe('waived');
  }

  it('the reference IACA and DS of this suite pass', async () => {
    const iaca = await iacaWith({});
    await expect(verifyIssuerChain([await dsWith(iaca, {})], { anchors: [iaca], now: NOW, backend, strict: true })).resolves.toMatchObject({ valid: true });
  });

  const iacaCases: [string, (k: Awaited<ReturnType<typeof keys>>) => Partial<BuildCertificateOptions>][] = [
    [MdocCheck.IACA_SELF_SIGNED, () => ({ issuer: { C: 'JP', CN: 'someone else' }, authorityKeyIdentifier: false })],
    [MdocCheck.IACA_BASIC_CONSTRAINTS, () => ({ basicConstraints: { cA: true } })],
    [MdocCheck.IACA_KEY_USAGE, () => ({ keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'] })],
    [MdocCheck.IACA_SKI, () => ({ subjectKeyIdentifier: fromHex('0102030405060708090a0b0c0d0e0f1011121314') })],
    [MdocCheck.IACA_ISSUER_ALT_NAME, () => ({ issuerAltName: [{ type: 'dNSName', value: 'iaca.example.jp' }] })],
    [MdocCheck.IACA_VALIDITY, () => ({ notAfter: days(T0, 365 * 21) })],
    [MdocCheck.IACA_COUNTRY, () => ({ subject: { C: 'jp', ST: 'TOKYO', CN: 'shomei test IACA' } })],
    [MdocCheck.IACA_PUBLIC_KEY, (k) => ({ publicKey: compressedSpki(publicKeyOf(k.iacaKey)) })],
    [MdocCheck.IACA_FORBIDDEN_EXTENSIONS, () => ({ extensions: [{ oid: ExtensionOid.nameConstraints, value: fromHex('3000') }] })],
  ];

  it.each(iacaCases)('%s', async (id, broken) => {
    const iaca = await iacaWith(broken(await keys()));
    const ds = await dsWith(iaca, id === MdocCheck.IACA_COUNTRY ? { subject: { C: 'jp', ST: 'TOKYO', CN: 'shomei test DS' } } : {});
    await expectOnly(iaca, ds, [id]);
  });

  it('IACA_SIGNATURE_ALGORITHM, IACA_PUBLIC_KEY and DS_SIGNATURE_ALGORITHM (an Ed25519 IACA breaks all three)', async () => {
    const edKey = await backend.generateKeyPair('Ed25519');
    const iaca = await iacaWith({ publicKey: publicKeyOf(edKey), signer: edKey });
    expect(iaca.signatureAlgorithm.name).toBe('EdDSA');
    const ds = await dsWith(iaca, {}, edKey);
    await expectOnly(iaca, ds, [MdocCheck.IACA_SIGNATURE_ALGORITHM, MdocCheck.IACA_PUBLIC_KEY, MdocCheck.DS_SIGNATURE_ALGORITHM]);
  });

  const dsCases: [string, (k: Awaited<ReturnType<typeof keys>>) => Partial<BuildCertificateOptions>][] = [
    [MdocCheck.DS_EKU, () => ({ extKeyUsage: [ExtKeyUsageOid.clientAuth] })],
    [MdocCheck.DS_KEY_USAGE, () => ({ keyUsage: ['digitalSignature', 'nonRepudiation'] })],
    [MdocCheck.DS_NOT_CA, () => ({ basicConstraints: { cA: true } })],
    [MdocCheck.DS_SKI, () => ({ subjectKeyIdentifier: false })],
    [MdocCheck.DS_AKI_MATCHES_IACA_SKI, () => ({ authorityKeyIdentifier: fromHex('00112233') })],
    [MdocCheck.DS_ISSUER_MATCHES_IACA, () => ({ issuer: { C: 'JP', ST: 'Tokyo', CN: 'shomei test iaca' } })],
    [MdocCheck.DS_ISSUER_ALT_NAME, () => ({ issuerAltName: undefined as never })],
    [MdocCheck.DS_CRL_DP, () => ({ crlDistributionPoints: [[{ type: 'dNSName', value: 'example.com' }]] })],
    [MdocCheck.DS_VALIDITY, () => ({ notAfter: days(T0, 458) })],
    [MdocCheck.DS_COUNTRY_MATCHES_IACA, () => ({ subject: { C: 'US', ST: 'TOKYO', CN: 'shomei test DS' } })],
    [MdocCheck.DS_STATE_MATCHES_IACA, () => ({ subject: { C: 'JP', ST: 'OSAKA', CN: 'shomei test DS' } })],
    [MdocCheck.DS_PUBLIC_KEY, (k) => ({ publicKey: compressedSpki(publicKeyOf(k.dsKey)) })],
    [MdocCheck.DS_FORBIDDEN_EXTENSIONS, () => ({ extensions: [{ oid: ExtensionOid.policyConstraints, value: fromHex('3000') }] })],
  ];

  it.each(dsCases)('%s', async (id, broken) => {
    const iaca = await iacaWith({});
    const ds = await dsWith(iaca, broken(await keys()));
    await expectOnly(iaca, ds, [id]);
  });

  // RFC 5280 §4.2.1.6: a URI must follow RFC 3986. A CRL URI with ESC ] 0 ; … BEL would reach
  // the caller's CRL fetcher and logs; one without a scheme cannot be fetched at all.
  const uri = (value: string) => encodeTlv(contextTag(6, false), Uint8Array.from(value, (c) => c.charCodeAt(0)));
  it.each([
    ['a CRL URI holding ESC', MdocCheck.DS_CRL_DP, ExtensionOid.cRLDistributionPoints, encodeSequence(encodeSequence(encodeTlv(contextTag(0, true), encodeTlv(contextTag(0, true), uri('http://crl.example.jp/\x1b]0;x\x07.crl')))))],
    ['an issuerAltName URI without a scheme', MdocCheck.DS_ISSUER_ALT_NAME, ExtensionOid.issuerAltName, encodeSequence(uri('iaca.example.jp/contact'))],
  ] as const)('%s fails %s', async (_name, id, oid, value) => {
    const iaca = await iacaWith({});
    const field = oid === ExtensionOid.cRLDistributionPoints ? 'crlDistributionPoints' : 'issuerAltName';
    const ds = await dsWith(iaca, { [field]: undefined, extensions: [{ oid, value }] });
    await expectOnly(iaca, ds, [id]);
  });

  it('DS_VALIDITY names the exact span: 457 days and an hour is not "458 days"', async () => {
    const iaca = await iacaWith({});
    const ds = await dsWith(iaca, { notAfter: new Date(days(T0, 457).getTime() + 3_600_000) });
    const report = await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, backend });
    expect(report.checks.find((c) => c.id === MdocCheck.DS_VALIDITY)).toMatchObject({ status: 'failed', detail: 'validity 457 days 01:00:00 exceeds 457 days' });
    const whole = await verifyIssuerChain([await dsWith(iaca, { notAfter: days(T0, 458) })], { anchors: [iaca], now: NOW, backend });
    expect(whole.checks.find((c) => c.id === MdocCheck.DS_VALIDITY)?.detail).toBe('validity 458 days exceeds 457 days');
  });

  it('DS_EKU also fails for a non-critical mdlDS extKeyUsage', async () => {
    const iaca = await iacaWith({});
    await expectOnly(iaca, await dsWith(iaca, { extKeyUsage: { oids: [ExtKeyUsageOid.mdlDS], critical: false } }), [MdocCheck.DS_EKU]);
  });

  it('a waived check that fails does not hide a chain failure, which cannot be waived', async () => {
    const iaca = await iacaWith({});
    const ds = await dsWith(iaca, { notAfter: days(T0, 458) });
    const report = await verifyIssuerChain([ds], { anchors: [iaca], now: days(T0, 500), backend, waive: [MdocCheck.DS_VALIDITY] });
    expect(report.valid).toBe(false);
    expect(failed(report)).toEqual(['VALIDITY']);
  });
});

describe.each(BACKENDS)('reader profile checks (%s)', (_name, backend) => {
  async function readerWith(overrides: Partial<BuildCertificateOptions>, root?: Certificate, rootKey?: CertificateSigner): Promise<{ root: Certificate; reader: Certificate }> {
    const pki = await readerPki(backend);
    const r = root ?? pki.root;
    const reader = await buildCertificate({
      subject: { CN: 'reader' },
      issuer: r,
      notBefore: T0,
      notAfter: days(T0, 1000),
      publicKey: publicKeyOf(pki.readerKey),
      signer: rootKey ?? pki.rootKey,
      keyUsage: ['digitalSignature'],
      extKeyUsage: [ExtKeyUsageOid.mdlReaderAuth],
      crlDistributionPoints: ['https://reader.example.jp/ca.crl'],
      backend,
      ...overrides,
    });
    return { root: r, reader };
  }

  const cases: [string, (readerKey: EcPrivateKey) => Partial<BuildCertificateOptions>][] = [
    [MdocCheck.READER_EKU, () => ({ extKeyUsage: [ExtKeyUsageOid.mdlDS] })],
    [MdocCheck.READER_KEY_USAGE, () => ({ keyUsage: ['keyAgreement'] })],
    [MdocCheck.READER_SKI, () => ({ subjectKeyIdentifier: false })],
    [MdocCheck.READER_AKI_MATCHES_ISSUER_SKI, () => ({ authorityKeyIdentifier: false })],
    [MdocCheck.READER_VALIDITY, () => ({ notAfter: days(T0, 1188) })],
    [MdocCheck.READER_CRL_DP, () => ({ crlDistributionPoints: undefined as never })],
    [MdocCheck.READER_PUBLIC_KEY, (k) => ({ publicKey: compressedSpki(publicKeyOf(k)) })],
    [MdocCheck.READER_FORBIDDEN_EXTENSIONS, () => ({ extensions: [{ oid: ExtensionOid.inhibitAnyPolicy, value: fromHex('020100') }] })],
  ];

  it.each(cases)('%s', async (id, broken) => {
    const { root, reader } = await readerWith(broken((await readerPki(backend)).readerKey));
    const report = await verifyReaderChain([reader], { anchors: [root], now: NOW, backend });
    expect(failed(report)).toEqual([id]);
    expect((await verifyReaderChain([reader], { anchors: [root], now: NOW, backend, waive: [id] })).valid).toBe(true);
  });

  it(MdocCheck.READER_SIGNATURE_ALGORITHM, async () => {
    const edKey = await backend.generateKeyPair('Ed25519');
    const edRoot = await buildCertificate({
      subject: { CN: 'Ed25519 reader CA' },
      notBefore: T0,
      notAfter: days(T0, 3650),
      publicKey: publicKeyOf(edKey),
      signer: edKey,
      basicConstraints: { cA: true, pathLen: 0 },
      keyUsage: ['keyCertSign', 'cRLSign'],
      backend,
    });
    const { reader } = await readerWith({}, edRoot, edKey);
    const report = await verifyReaderChain([reader], { anchors: [edRoot], now: NOW, backend });
    expect(failed(report)).toEqual([MdocCheck.READER_SIGNATURE_ALGORITHM]);
  });

  it('builders refuse options they cannot honour', async () => {
    const { root } = await readerPki(backend);
    const k = await key(backend, 'P-256', 3);
    await expect(
      buildIaca({ country: 'jp', commonName: 'x', key: k, validity: { notBefore: T0, notAfter: days(T0, 1) }, issuerAltName: 'a@b' } as never),
    ).rejects.toThrow(TypeError);
    const noCrl = await buildIaca({ country: 'JP', commonName: 'x', key: k, validity: { notBefore: T0, notAfter: days(T0, 10) }, issuerAltName: 'a@b.example', backend });
    expect(noCrl.issuerAltName?.names).toEqual([{ type: 'rfc822Name', value: 'a@b.example' }]);
    await expect(
      buildDocumentSigner({ iaca: noCrl, iacaKey: k, commonName: 'd', publicKey: publicKeyOf(k), validity: { notBefore: T0, notAfter: days(T0, 1) }, backend }),
    ).rejects.toThrow(TypeError);
    await expect(
      buildReaderAuthCertificate({ issuer: noCrl, issuerKey: k, commonName: 'r', publicKey: publicKeyOf(k), validity: { notBefore: T0, notAfter: days(T0, 1) }, backend }),
    ).rejects.toThrow(TypeError);
    expect(root.cRLDistributionPoints?.uris).toEqual(['https://reader.example.jp/ca.crl']);
  });
});
