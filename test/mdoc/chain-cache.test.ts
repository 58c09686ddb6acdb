/**
 * The per-DS chain decision cache (src/mdoc/chain-cache.ts): made once, then reused only for
 * the same backend, chain, anchors and options, and only while the validation time keeps the
 * path valid; never reused across backends, anchors, options, CRLs or times.
 */
import { describe, expect, it } from 'vitest';
import { encode, EncodedCbor } from '../../src/cbor/index.js';
import { nodeCryptoBackend, publicKeyOf } from '../../src/crypto/index.js';
import { buildDeviceRequest, buildDeviceResponse, encodeDeviceResponse, issueMdoc, verifyDeviceResponse } from '../../src/mdoc/index.js';
import type { VerifyDeviceResponseOptions } from '../../src/mdoc/verify.js';
import { buildCrl, CrlCache, parseCertificate, type VerifyX5ChainOptions, verifyIssuerChain } from '../../src/x509/index.js';
import { cachedIssuerChain } from '../../src/mdoc/chain-cache.js';
import { concat } from '../../src/internal/bytes.js';
import { countingBackend } from '../helpers/counting-backend.js';
import { days, issuerPki, key, NOW, T0 } from '../x509/pki.js';

const base = nodeCryptoBackend()!;
const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';

/** `base` with its calls counted under `name`; with `refuseEcdsa`, every ECDSA signature is refused. */
function counting(name: string, refuseEcdsa = false) {
  return countingBackend(refuseEcdsa ? { ...base, ecdsaVerify: async () => false } : base, name);
}

async function fixture() {
  const pki = await issuerPki(base);
  const other = await issuerPki(base, 'P-384');
  const deviceKey = await key(base, 'P-256', 4);
  const issuerSigned = await issueMdoc({
    docType: MDL,
    nameSpaces: { [NS]: { family_name: 'Yamada', issuing_country: 'JP' } },
    deviceKey: publicKeyOf(deviceKey),
    validity: { signed: days(T0, 10), validFrom: days(T0, 10), validUntil: days(T0, 400) },
    issuer: { signer: pki.dsKey, certificates: [pki.ds.der] },
    backend: base,
  });
  const request = await buildDeviceRequest([{ docType: MDL, nameSpaces: { [NS]: { family_name: false } } }]);
  const sessionTranscript = EncodedCbor.wrap(encode([null, null, ['chain-cache', 1]]), null).tagged;
  const response = encodeDeviceResponse(await buildDeviceResponse({ documents: [{ issuerSigned, deviceKey }], request, sessionTranscript, backend: base }));
  const verify = (options: Partial<VerifyDeviceResponseOptions> = {}) =>
    verifyDeviceResponse(response, { trustAnchors: [pki.iaca], sessionTranscript, now: NOW, ...options } as VerifyDeviceResponseOptions);
  return { pki, other, verify };
}

const chainStatus = (result: Awaited<ReturnType<Awaited<ReturnType<typeof fixture>>['verify']>>) =>
  result.documents[0]?.checks.find((c) => c.id === 'DS_CHAIN')?.status;

describe('per-DS chain decision cache', () => {
  it('checks the chain once per backend: the second verification does no Annex B key-identifier hashing', async () => {
    const { verify } = await fixture();
    const { backend, calls } = counting('counting-1');
    expect((await verify({ backend })).valid).toBe(true);
    const first = calls['digest:SHA-1'] ?? 0;
    expect(first).toBeGreaterThan(0);
    expect((await verify({ backend })).valid).toBe(true);
    expect(calls['digest:SHA-1'] ?? 0).toBe(first);
  });

  it('never hands one backend the verdict of another', async () => {
    const { verify } = await fixture();
    const good = counting('same-name');
    expect((await verify({ backend: good.backend })).valid).toBe(true);
    // Same name, same bytes, same options: a different backend object computes its own verdict.
    const refusing = counting('same-name', true);
    const result = await verify({ backend: refusing.backend });
    expect(result.valid).toBe(false);
    expect(chainStatus(result)).toBe('failed');
    expect(refusing.calls['ecdsaVerify']).toBeGreaterThan(0);
    // And the first backend's verdict is still its own.
    expect((await verify({ backend: good.backend })).valid).toBe(true);
  });

  it('is keyed by the trust anchors, an anchor changed in place included', async () => {
    const { pki, other, verify } = await fixture();
    const { backend } = counting('anchors');
    expect((await verify({ backend })).valid).toBe(true);
    const wrongAnchor = await verify({ backend, trustAnchors: [other.iaca] });
    expect(chainStatus(wrongAnchor)).toBe('failed');
    const bytes = pki.iaca.der.slice();
    expect((await verify({ backend, trustAnchors: [bytes] })).valid).toBe(true);
    // The same Uint8Array, now holding another IACA: not the anchor it was.
    const swapped = other.iaca.der.slice();
    const anchor = new Uint8Array(Math.max(bytes.length, swapped.length));
    anchor.set(bytes);
    const exact = anchor.subarray(0, bytes.length);
    expect((await verify({ backend, trustAnchors: [exact] })).valid).toBe(true);
    exact.fill(0);
    // Now no certificate at all: the anchor is parsed afresh and refused, never answered from the cache.
    await expect(verify({ backend, trustAnchors: [exact] })).rejects.toMatchObject({ code: 'ERR_X509_PARSE' });
  });

  it('keys a parsed certificate by its object and its bytes: the same object with other DER is checked afresh', async () => {
    const { pki } = await fixture();
    const { backend } = counting('parsed');
    const ds = parseCertificate(pki.ds.der);
    const options = { anchors: [pki.iaca], now: NOW, backend };
    const first = await cachedIssuerChain([ds], options);
    expect(first.valid).toBe(true);
    // The same object again: the report kept for it.
    expect(await cachedIssuerChain([ds], options)).toBe(first);
    // Its DER changed in place (a caller's write): no longer the certificate the verdict was for.
    const der = ds.der as Uint8Array;
    const last = der.length - 1;
    der[last]! ^= 0xff;
    try {
      expect(await cachedIssuerChain([ds], options)).not.toBe(first);
    } finally {
      der[last]! ^= 0xff;
    }
  });

  it('keys raw certificates after the DS unambiguously: two given apart are not one glued together', async () => {
    const { pki } = await fixture();
    const { backend } = counting('glued');
    const ds = parseCertificate(pki.ds.der);
    const options = { anchors: [pki.iaca], now: NOW, backend };
    const raw = pki.iaca.der.slice();
    const first = await cachedIssuerChain([ds, raw, raw], options);
    expect(first.valid).toBe(true);
    expect(await cachedIssuerChain([ds, raw.slice(), raw.slice()], options)).toBe(first);
    // The same bytes with a comma (the key's separator) between them, as one "certificate".
    const glued = concat(raw, Uint8Array.of(0x2c), raw);
    const second = await cachedIssuerChain([ds, glued], options).catch((e: unknown) => e);
    expect(second).not.toBe(first);
  });

  it('is keyed by every option that can change the verdict (EKUs, waivers, revocation)', async () => {
    const { pki, verify } = await fixture();
    const { backend } = counting('options');
    expect((await verify({ backend })).valid).toBe(true);
    const eku = await verify({ backend, dsExtendedKeyUsages: ['1.2.3.4'] });
    expect(eku.valid).toBe(false);
    expect(chainStatus(eku)).toBe('failed');
    expect((await verify({ backend })).valid).toBe(true);
    // A CRL revoking the DS: never answered from the cache.
    const crl = await buildCrl({
      issuer: pki.iaca,
      signer: pki.iacaKey,
      thisUpdate: days(NOW, -1),
      nextUpdate: days(NOW, 30),
      revoked: [{ serialNumber: pki.ds.serialNumber, revocationDate: days(NOW, -2) }],
      backend: base,
    });
    const revoked = await verify({ backend, crls: [crl] });
    expect(revoked.valid).toBe(false);
    expect(revoked.documents[0]?.checks.find((c) => c.id === 'DS_CHAIN.REVOCATION')?.status).toBe('failed');
    expect((await verify({ backend, requireRevocationCheck: true })).valid).toBe(false);
  });

  it('with a revocation source, reuses the path verdict and checks REVOCATION on every call, exactly as an uncached validation', async () => {
    const { pki } = await fixture();
    const { backend, calls } = counting('revocation');
    const crl = (options: { revoke?: boolean; nextUpdate?: Date; crlNumber?: null }) =>
      buildCrl({
        issuer: pki.iaca,
        signer: pki.iacaKey,
        thisUpdate: days(NOW, -1),
        nextUpdate: options.nextUpdate ?? days(NOW, 30),
        revoked: options.revoke === true ? [{ serialNumber: pki.ds.serialNumber, revocationDate: days(NOW, -2), reason: 1 }] : [],
        ...(options.crlNumber === null ? { crlNumber: null } : {}),
        backend: base,
      });
    const [good, revoking, stale, unnumbered] = await Promise.all([crl({}), crl({ revoke: true }), crl({ nextUpdate: days(NOW, -1) }), crl({ crlNumber: null })]);
    const serving = (list: typeof good) => new CrlCache({ fetch: async () => list.der, now: () => NOW.getTime() });
    const anchors = [pki.iaca];
    const cases: [string, Partial<VerifyX5ChainOptions>, string, string | undefined][] = [
      ['a good CRL', { crls: [good] }, 'passed', undefined],
      ['a CRL revoking the DS', { crls: [revoking] }, 'failed', 'ERR_X509_REVOKED'],
      ['a stale CRL', { crls: [stale], requireRevocationCheck: true }, 'failed', 'ERR_X509_CRL'],
      ['required, no source', { requireRevocationCheck: true }, 'failed', 'ERR_X509_CRL'],
      ['a CrlCache serving a good CRL', { crlCache: serving(good) }, 'passed', undefined],
      ['a CrlCache serving a revoking CRL', { crlCache: serving(revoking) }, 'failed', 'ERR_X509_REVOKED'],
      ['a fetchCrl that fails, required', { fetchCrl: async () => Promise.reject(new Error('offline')), requireRevocationCheck: true }, 'failed', 'ERR_X509_CRL_FETCH'],
      ['a CRL without cRLNumber, waived', { crls: [unnumbered], waive: ['CRL_NUMBER'] }, 'passed', undefined],
      ['a CRL without cRLNumber', { crls: [unnumbered], requireRevocationCheck: true }, 'failed', 'ERR_X509_CRL'],
    ];
    expect((await cachedIssuerChain([pki.ds], { anchors, now: NOW, backend })).valid).toBe(true);
    // The Annex B key-identifier hashes of a path validation: none when the kept verdict is used.
    const hashes = () => calls['digest:SHA-1'] ?? 0;
    expect(hashes()).toBeGreaterThan(0);
    for (const [what, extra, status, code] of cases) {
      const options = { anchors, now: NOW, backend, ...extra } as VerifyX5ChainOptions;
      // `waive` is part of the path's key (it changes profile checks): validated the first time.
      if (extra.waive !== undefined) await cachedIssuerChain([pki.ds], options);
      const before = hashes();
      const cached = await cachedIssuerChain([pki.ds], options);
      expect(hashes() - before, what).toBe(0);
      expect(cached, what).toEqual(await verifyIssuerChain([pki.ds], options));
      expect(cached.checks.find((c) => c.id === 'REVOCATION'), what).toMatchObject({ status, ...(code === undefined ? {} : { code }) });
      expect(cached.valid, what).toBe(status === 'passed');
    }
    // Later, the same kept path verdict meets a CRL that has gone stale.
    const late = await cachedIssuerChain([pki.ds], { anchors, now: days(NOW, 31), backend, crls: [good], requireRevocationCheck: true });
    expect(late.checks.find((c) => c.id === 'REVOCATION')?.detail).toMatch(/stale/);
  });

  it('re-evaluates the time: a valid chain is not reused at a time outside the path validity', async () => {
    const { pki, verify } = await fixture();
    const { backend } = counting('time');
    expect((await verify({ backend })).valid).toBe(true);
    const late = await verify({ backend, now: new Date(pki.ds.notAfter.getTime() + 400 * 1000) });
    expect(late.documents[0]?.checks.find((c) => c.id === 'DS_CHAIN.VALIDITY')?.status).toBe('failed');
    const early = await verify({ backend, now: new Date(pki.ds.notBefore.getTime() - 400 * 1000) });
    expect(early.documents[0]?.checks.find((c) => c.id === 'DS_CHAIN.VALIDITY')?.status).toBe('failed');
    // Within the skew of the edge (300 s by default), still valid and from the same decision.
    const edge = await verify({ backend, now: new Date(pki.ds.notAfter.getTime() + 200 * 1000) });
    expect(edge.documents[0]?.checks.find((c) => c.id === 'DS_CHAIN.VALIDITY')?.status).toBe('passed');
  });
});
