/**
 * Chain validation hardening (issue 15 items 4 and 7): no CRL is fetched for a path whose
 * signatures or validity failed, and the certificate-signature cache is keyed by backend and
 * never remembers a backend failure.
 */
import { describe, expect, it, vi } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { CryptoBackend } from '../../src/crypto/types.js';
import { buildCertificate, buildDocumentSigner, type ChainReport, verifyChain, verifyIssuerChain } from '../../src/x509/index.js';
import { days, issuerPki, key, NOW, T0 } from './pki.js';

const backend = nobleBackend;

function status(report: ChainReport, id: string): string | undefined {
  return report.checks.find((c) => c.id === id)?.status;
}

describe('revocation and profile checks run only on a sound path (issue 15 item 4)', () => {
  it('a DS signed with an attacker key, naming the IACA, never reaches fetchCrl', async () => {
    const { iaca } = await issuerPki(backend);
    const attackerKey = await key(backend, 'P-256', 7);
    const forged = await buildDocumentSigner({
      iaca,
      iacaKey: attackerKey,
      commonName: 'forged DS',
      publicKey: publicKeyOf(attackerKey),
      validity: { notBefore: T0, notAfter: days(T0, 365) },
      crlUri: 'http://169.254.169.254/latest/meta-data/',
      backend,
    });
    expect(forged.cRLDistributionPoints?.uris).toEqual(['http://169.254.169.254/latest/meta-data/']);
    const fetchCrl = vi.fn(async (_uri: string) => undefined);
    const report = await verifyIssuerChain([forged], { anchors: [iaca], now: NOW, fetchCrl, requireRevocationCheck: true, backend });
    expect(report.valid).toBe(false);
    expect(status(report, 'SIGNATURE')).toBe('failed');
    expect(status(report, 'REVOCATION')).toBe('skipped');
    expect(report.checks.find((c) => c.id === 'REVOCATION')?.detail).toMatch(/SIGNATURE/);
    expect(status(report, 'DS_CRL_DP')).toBe('skipped');
    expect(fetchCrl).not.toHaveBeenCalled();
  });

  it('an expired DS is not checked for revocation either; a sound one is (the spy is live)', async () => {
    const { iaca, iacaKey } = await issuerPki(backend);
    const dsKey = await key(backend, 'P-256', 1);
    const uri = 'https://iaca.example.jp/ds.crl';
    const build = (notAfter: Date) =>
      buildDocumentSigner({ iaca, iacaKey, commonName: 'DS', publicKey: publicKeyOf(dsKey), validity: { notBefore: T0, notAfter }, crlUri: uri, backend });
    const fetchCrl = vi.fn(async (_uri: string) => undefined);
    const expired = await verifyIssuerChain([await build(days(T0, 10))], { anchors: [iaca], now: NOW, fetchCrl, backend });
    expect(status(expired, 'VALIDITY')).toBe('failed');
    expect(status(expired, 'REVOCATION')).toBe('skipped');
    expect(fetchCrl).not.toHaveBeenCalled();

    const sound = await verifyIssuerChain([await build(days(T0, 365))], { anchors: [iaca], now: NOW, fetchCrl, backend });
    expect(status(sound, 'SIGNATURE')).toBe('passed');
    expect(fetchCrl).toHaveBeenCalledWith(uri);
  });
});

/** A fresh CA and leaf (new objects, so nothing is cached for them yet). */
async function freshPair(serial: string) {
  const caKey = await key(backend, 'P-256', 4);
  const ca = await buildCertificate({
    subject: { C: 'JP', CN: `cache test CA ${serial}` },
    serialNumber: serial,
    notBefore: T0,
    notAfter: days(T0, 1000),
    publicKey: publicKeyOf(caKey),
    signer: caKey,
    basicConstraints: { cA: true },
    keyUsage: ['keyCertSign', 'cRLSign'],
    backend,
  });
  const leaf = await buildCertificate({
    subject: { C: 'JP', CN: `cache test leaf ${serial}` },
    serialNumber: serial,
    issuer: ca,
    notBefore: T0,
    notAfter: days(T0, 300),
    publicKey: publicKeyOf(await key(backend, 'P-256', 5)),
    signer: caKey,
    backend,
  });
  return { ca, leaf };
}

describe('the certificate-signature cache (issue 15 item 7)', () => {
  it('is keyed by backend: a backend that rejects everything does not decide for another', async () => {
    const { ca, leaf } = await freshPair('0a01');
    const refusing: CryptoBackend = { ...backend, name: 'refusing', ecdsaVerify: async () => false };
    const first = await verifyChain(leaf, { anchors: [ca], now: NOW, backend: refusing });
    expect(status(first, 'SIGNATURE')).toBe('failed');
    const second = await verifyChain(leaf, { anchors: [ca], now: NOW, backend });
    expect(status(second, 'SIGNATURE')).toBe('passed');
    expect(second.valid).toBe(true);
  });

  it('never keeps a result the backend threw in', async () => {
    const { ca, leaf } = await freshPair('0a02');
    let fail = true;
    const calls = vi.fn();
    const flaky: CryptoBackend = {
      ...backend,
      name: 'flaky',
      ecdsaVerify: async (...args: Parameters<CryptoBackend['ecdsaVerify']>) => {
        calls();
        if (fail) throw new Error('HSM unavailable');
        return backend.ecdsaVerify(...args);
      },
    };
    const first = await verifyChain(leaf, { anchors: [ca], now: NOW, backend: flaky });
    expect(status(first, 'SIGNATURE')).toBe('failed');
    fail = false;
    const second = await verifyChain(leaf, { anchors: [ca], now: NOW, backend: flaky });
    expect(status(second, 'SIGNATURE')).toBe('passed');
    // a definite result is kept: the third run verifies nothing again
    const before = calls.mock.calls.length;
    const third = await verifyChain(leaf, { anchors: [ca], now: NOW, backend: flaky });
    expect(third.valid).toBe(true);
    expect(calls.mock.calls.length).toBe(before);
  });

  it('concurrent validations of one pair share one verification', async () => {
    const { ca, leaf } = await freshPair('0a03');
    const calls = vi.fn();
    const counting: CryptoBackend = {
      ...backend,
      name: 'counting',
      ecdsaVerify: async (...args: Parameters<CryptoBackend['ecdsaVerify']>) => {
        calls();
        return backend.ecdsaVerify(...args);
      },
    };
    const reports = await Promise.all([1, 2, 3, 4].map(() => verifyChain(leaf, { anchors: [ca], now: NOW, backend: counting })));
    expect(reports.every((r) => r.valid)).toBe(true);
    expect(calls).toHaveBeenCalledTimes(1);
  });
});
