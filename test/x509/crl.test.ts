import { describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { X509Error } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import { buildCertificate, buildCrl, type ChainReport, CrlReason, derToPem, type RevokedEntryInput, parseCrl, verifyChain, verifyIssuerChain } from '../../src/x509/index.js';
import { webCryptoBackend } from '../../src/crypto/index.js';
import { encodeSequence } from '../../src/x509/der.js';
import { derChildren } from '../helpers/der.js';
import { BACKENDS } from '../helpers/backends.js';
import { days, issuerPki, key, NOW, T0 } from './pki.js';

function revocation(report: ChainReport) {
  return report.checks.find((c) => c.id === 'REVOCATION')!;
}

describe.each(BACKENDS)('CRLs (%s)', (_name, backend) => {
  it('parses what buildCrl writes, and node:crypto reads the same CRL fields', async () => {
    const { iaca, iacaKey, ds } = await issuerPki(backend);
    const crl = await buildCrl({
      issuer: iaca,
      signer: iacaKey,
      thisUpdate: days(T0, 100),
      nextUpdate: days(T0, 200),
      revoked: [{ serialNumber: ds.serialNumber, revocationDate: days(T0, 90), reason: CrlReason.keyCompromise }, { serialNumber: 7n, revocationDate: days(T0, 91) }],
      crlNumber: 42,
      backend,
    });
    expect(crl.version).toBe(2);
    expect(crl.issuer.text).toBe(iaca.subject.text);
    expect(crl.crlNumber).toBe('2a');
    expect(crl.revoked.map((r) => [r.serialNumber, r.reason])).toEqual([
      [ds.serialNumber, 1],
      ['07', null],
    ]);
    expect(toHex(crl.authorityKeyIdentifier!.keyIdentifier!)).toBe(toHex(iaca.subjectKeyIdentifier!.keyIdentifier));
    expect(toHex(parseCrl(derToPem(crl.der, 'X509 CRL')).der)).toBe(toHex(crl.der));
    expect(() => parseCrl(crl.der.subarray(1))).toThrow(X509Error);
  });

  it('a v1 CRL (no version, no CRL extensions) whose entries carry extensions is refused (RFC 5280 §5.1.2.1)', async () => {
    const { iaca, iacaKey } = await issuerPki(backend);
    const crl = await buildCrl({ issuer: iaca, signer: iacaKey, thisUpdate: days(T0, 100), nextUpdate: days(T0, 200), revoked: [{ serialNumber: 7n, revocationDate: days(T0, 91), reason: CrlReason.keyCompromise }], backend });
    // TBSCertList: version, signature, issuer, thisUpdate, nextUpdate, revokedCertificates, [0] crlExtensions.
    const [tbs, alg, sig] = derChildren(crl.der) as [Uint8Array, Uint8Array, Uint8Array];
    const fields = derChildren(tbs);
    expect(fields).toHaveLength(7);
    const v1 = (revoked: Uint8Array) => encodeSequence(encodeSequence(...fields.slice(1, 5), revoked), alg, sig);
    expect(() => parseCrl(v1(fields[5]!))).toThrow(/entry extensions need version 2/);
    // The same entry without its extensions is a v1 CRL that parses.
    const [entry] = derChildren(fields[5]!) as [Uint8Array];
    const bare = encodeSequence(encodeSequence(...derChildren(entry).slice(0, 2)));
    const parsed = parseCrl(v1(bare));
    expect([parsed.version, parsed.revoked[0]?.serialNumber, parsed.revoked[0]?.reason]).toEqual([1, '07', null]);
  });

  it('not revoked, revoked, stale, not yet valid, wrong signature, no nextUpdate', async () => {
    const { iaca, iacaKey, ds } = await issuerPki(backend);
    const base = { issuer: iaca, signer: iacaKey, thisUpdate: days(T0, 100), nextUpdate: days(NOW, 10), backend } as const;
    const opts = { anchors: [iaca], now: NOW, backend } as const;

    const good = await buildCrl({ ...base, revoked: [{ serialNumber: 'abcdef', revocationDate: days(T0, 1) }] });
    const r1 = await verifyIssuerChain([ds], { ...opts, crls: [good.der] });
    expect(r1.valid).toBe(true);
    expect(revocation(r1)).toMatchObject({ status: 'passed' });

    const revoked = await buildCrl({ ...base, revoked: [{ serialNumber: ds.serialNumber, revocationDate: days(T0, 50), reason: 1 }] });
    const r2 = await verifyIssuerChain([ds], { ...opts, crls: [revoked] });
    expect(revocation(r2)).toMatchObject({ status: 'failed', code: 'ERR_X509_REVOKED' });
    await expect(verifyIssuerChain([ds], { ...opts, crls: [revoked], strict: true })).rejects.toMatchObject({ code: 'ERR_X509_REVOKED', check: 'REVOCATION' });
    // a revoked entry with removeFromCRL (delta-CRL semantics) is not a revocation
    const removed = await buildCrl({ ...base, revoked: [{ serialNumber: ds.serialNumber, revocationDate: days(T0, 50), reason: CrlReason.removeFromCRL }] });
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [removed] })).status).toBe('passed');

    const stale = await buildCrl({ ...base, nextUpdate: days(NOW, -1) });
    const r3 = await verifyIssuerChain([ds], { ...opts, crls: [stale] });
    expect(revocation(r3)).toMatchObject({ status: 'failed', code: 'ERR_X509_CRL' });
    expect(revocation(r3).detail).toMatch(/stale/);
    await expect(verifyIssuerChain([ds], { ...opts, crls: [stale], strict: true })).rejects.toMatchObject({ code: 'ERR_X509_CRL' });
    // a fresh CRL next to the stale one is used
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [stale, good] })).status).toBe('passed');
    // the stale CRL is fine with enough clock skew
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [stale], clockSkewSeconds: 2 * 86400 })).status).toBe('passed');

    const future = await buildCrl({ ...base, thisUpdate: days(NOW, 1) });
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [future] })).detail).toMatch(/future/);

    const forged = await buildCrl({ ...base, signer: await key(backend, 'P-256', 8) });
    const r4 = await verifyIssuerChain([ds], { ...opts, crls: [forged] });
    expect(revocation(r4)).toMatchObject({ status: 'failed', code: 'ERR_X509_CRL' });
    expect(revocation(r4).detail).toMatch(/signature/);

    const open = await buildCrl({ ...base, nextUpdate: null });
    expect(open.nextUpdate).toBeNull();
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [open] })).detail).toMatch(/nextUpdate/);

    // a CRL from another issuer does not apply: skipped, or failed when a check is required
    const other = await issuerPki(backend, 'P-384');
    const foreign = await buildCrl({ ...base, issuer: other.iaca, signer: other.iacaKey });
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [foreign] })).status).toBe('skipped');
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [foreign], requireRevocationCheck: true }))).toMatchObject({
      status: 'failed',
      code: 'ERR_X509_CRL',
    });
    expect(revocation(await verifyIssuerChain([ds], { ...opts, requireRevocationCheck: true }))).toMatchObject({ status: 'failed', code: 'ERR_X509_CRL' });
    // bytes that are not a CRL
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [fromHex('3000')] }))).toMatchObject({ status: 'failed', code: 'ERR_X509_CRL' });
  });

  it('calls the injected fetchCrl with the CRL distribution point URI, once per URI', async () => {
    const { iaca, iacaKey, ds } = await issuerPki(backend);
    const crl = await buildCrl({ issuer: iaca, signer: iacaKey, thisUpdate: days(T0, 100), nextUpdate: days(NOW, 10), backend });
    const calls: string[] = [];
    const report = await verifyIssuerChain([ds], {
      anchors: [iaca],
      now: NOW,
      backend,
      fetchCrl: async (uri) => {
        calls.push(uri);
        return crl.der;
      },
    });
    expect(calls).toEqual(['https://iaca.example.jp/iaca.crl']);
    expect(revocation(report).status).toBe('passed');

    const missing = await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, backend, fetchCrl: async () => undefined });
    expect(revocation(missing).status).toBe('skipped');
    const failing = await verifyIssuerChain([ds], {
      anchors: [iaca],
      now: NOW,
      backend,
      requireRevocationCheck: true,
      fetchCrl: async () => {
        throw new Error('offline');
      },
    });
    expect(revocation(failing)).toMatchObject({ status: 'failed', code: 'ERR_X509_CRL_FETCH' });
    expect(revocation(failing).detail).toMatch(/offline/);
    const garbage = await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, backend, fetchCrl: async () => fromHex('01') });
    expect(revocation(garbage).status).toBe('skipped');
    expect(revocation(garbage).detail).toMatch(/does not parse/);
  });

  it('a CRL signed by an issuer whose keyUsage lacks cRLSign is unusable', async () => {
    const k = await key(backend, 'P-256', 0);
    const ca = await buildCertificate({
      subject: { C: 'JP', CN: 'no cRLSign' },
      notBefore: T0,
      notAfter: days(T0, 1000),
      publicKey: publicKeyOf(k),
      signer: k,
      basicConstraints: { cA: true },
      keyUsage: ['keyCertSign'],
      backend,
    });
    const leaf = await buildCertificate({ subject: { CN: 'leaf' }, issuer: ca, notBefore: T0, notAfter: days(T0, 300), publicKey: publicKeyOf(await key(backend, 'P-256', 1)), signer: k, backend });
    const crl = await buildCrl({ issuer: ca, signer: k, thisUpdate: days(T0, 100), nextUpdate: days(NOW, 10), backend });
    const report = await verifyChain(leaf, { anchors: [ca], now: NOW, crls: [crl], backend });
    expect(revocation(report)).toMatchObject({ status: 'failed', code: 'ERR_X509_CRL' });
    expect(revocation(report).detail).toMatch(/cRLSign/);
  });
});

describe('CRL entries (src/x509/crl-entries.ts)', () => {
  const backend = webCryptoBackend;
  const base = { thisUpdate: days(T0, 100), nextUpdate: days(NOW, 10), backend } as const;
  // The certificate's own serial, or one that differs from it in the last hex digit.
  const other = (serial: string) => `${serial.slice(0, -1)}${serial.endsWith('0') ? '1' : '0'}`;

  it('buildCrl writes 150,000 entries; every one reads back and the check finds the one it needs', async () => {
    const { iaca, iacaKey, ds } = await issuerPki(backend);
    const revoked: RevokedEntryInput[] = Array.from({ length: 150_000 }, (_, i) => ({ serialNumber: BigInt(i + 1), revocationDate: days(T0, i % 50), ...(i % 3 === 0 ? { reason: CrlReason.superseded } : {}) }));
    revoked[100_000] = { serialNumber: ds.serialNumber, revocationDate: days(T0, 60), reason: CrlReason.keyCompromise };
    const crl = await buildCrl({ ...base, issuer: iaca, signer: iacaKey, revoked });
    expect(crl.revoked).toHaveLength(150_000);
    expect(crl.revoked).toBe(crl.revoked);
    expect(Object.isFrozen(crl.revoked)).toBe(true);
    for (const i of [0, 1, 99_999, 100_001, 149_999]) {
      const hex = (i + 1).toString(16);
      expect(crl.revoked[i]).toEqual({ serialNumber: hex.length % 2 === 0 ? hex : `0${hex}`, revocationDate: days(T0, i % 50), reason: i % 3 === 0 ? 4 : null, extensions: expect.any(Array) });
    }
    expect(crl.revoked[100_000]).toMatchObject({ serialNumber: ds.serialNumber, reason: 1 });

    const opts = { anchors: [iaca], now: NOW, backend } as const;
    const hit = revocation(await verifyIssuerChain([ds], { ...opts, crls: [crl] }));
    expect(hit).toMatchObject({ status: 'failed', code: 'ERR_X509_REVOKED' });
    expect(hit.detail).toContain(`revoked at ${days(T0, 60).toISOString()} (reason 1)`);
    revoked[100_000] = { serialNumber: other(ds.serialNumber), revocationDate: days(T0, 60) };
    const miss = await buildCrl({ ...base, issuer: iaca, signer: iacaKey, revoked });
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [miss] })).status).toBe('passed');
  });

  it('a serial listed more than once is revoked if any of its entries revokes it', async () => {
    const { iaca, iacaKey, ds } = await issuerPki(backend);
    const opts = { anchors: [iaca], now: NOW, backend } as const;
    const twice = (first: number, second: number) =>
      buildCrl({
        ...base,
        issuer: iaca,
        signer: iacaKey,
        revoked: [
          { serialNumber: ds.serialNumber, revocationDate: days(T0, 50), reason: first },
          { serialNumber: 'abcdef', revocationDate: days(T0, 51) },
          { serialNumber: ds.serialNumber, revocationDate: days(T0, 52), reason: second },
        ],
      });
    for (const [first, second] of [
      [CrlReason.keyCompromise, CrlReason.removeFromCRL],
      [CrlReason.removeFromCRL, CrlReason.keyCompromise],
    ] as const) {
      const crl = await twice(first, second);
      const check = revocation(await verifyIssuerChain([ds], { ...opts, crls: [crl] }));
      expect(check).toMatchObject({ status: 'failed', code: 'ERR_X509_REVOKED' });
      expect(check.detail).toContain('(reason 1)');
    }
    const removed = await twice(CrlReason.removeFromCRL, CrlReason.removeFromCRL);
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [removed] })).status).toBe('passed');
  });

  it('a critical entry extension shomei does not process, on any entry, makes the CRL unusable (RFC 5280 §5.3)', async () => {
    const { iaca, iacaKey, ds } = await issuerPki(backend);
    const opts = { anchors: [iaca], now: NOW, backend } as const;
    const withEntryExtension = (oid: string, value: Uint8Array) =>
      buildCrl({
        ...base,
        issuer: iaca,
        signer: iacaKey,
        revoked: [
          { serialNumber: 'abcdef', revocationDate: days(T0, 51), extensions: [{ oid, critical: true, value }] },
          { serialNumber: other(ds.serialNumber), revocationDate: days(T0, 52) },
        ],
      });
    // invalidityDate (2.5.29.24, a GeneralizedTime) is processed: critical is fine.
    const known = await withEntryExtension('2.5.29.24', fromHex('180f32303234303130313030303030305a'));
    expect(known.revoked[0]!.extensions).toMatchObject([{ oid: '2.5.29.24', critical: true }]);
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [known] })).status).toBe('passed');
    // certificateIssuer (2.5.29.29), as an indirect CRL would carry it, is not.
    const unknown = await withEntryExtension('2.5.29.29', fromHex('3000'));
    const check = revocation(await verifyIssuerChain([ds], { ...opts, crls: [unknown] }));
    expect(check).toMatchObject({ status: 'failed', code: 'ERR_X509_CRL' });
    expect(check.detail).toMatch(/CRL_CRITICAL_EXTENSION.*2\.5\.29\.29/);
  });

  it('a CertificateList not made by parseCrl is read through its revoked list, with the same verdicts', async () => {
    const { iaca, iacaKey, ds } = await issuerPki(backend);
    const opts = { anchors: [iaca], now: NOW, backend } as const;
    const crl = await buildCrl({
      ...base,
      issuer: iaca,
      signer: iacaKey,
      revoked: [
        { serialNumber: 'abcdef', revocationDate: days(T0, 51), extensions: [{ oid: '1.2.3.4', critical: true, value: fromHex('0500') }] },
        { serialNumber: ds.serialNumber, revocationDate: days(T0, 52), reason: CrlReason.keyCompromise },
      ],
    });
    const copy = { ...crl };
    expect(Object.getOwnPropertyDescriptor(copy, 'revoked')).toHaveProperty('value');
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [copy] })).detail).toMatch(/CRL_CRITICAL_EXTENSION.*1\.2\.3\.4/);
    const plain = { ...crl, revoked: crl.revoked.slice(1) };
    expect(revocation(await verifyIssuerChain([ds], { ...opts, crls: [plain] }))).toMatchObject({ status: 'failed', code: 'ERR_X509_REVOKED' });
  });
});
