/** CrlCache and the named CRL checks (RFC 5280 §5, §6.3.3; ISO 18013-5 2e Annex B.2), without a network. */
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { X509Error } from '../../src/errors.js';
import { fromHex } from '../../src/internal/bytes.js';
import { contextTag, encodeInteger, encodeSequence, encodeTlv } from '../../src/x509/der.js';
import { encodeCrlDistributionPoints, encodeGeneralName } from '../../src/x509/extensions.js';
import {
  buildCertificate,
  buildCrl,
  type BuildCrlOptions,
  type ChainReport,
  CrlCache,
  CrlProblem,
  crlTransportFromFetch,
  type FetchResponseLike,
  MAX_CRL_URI_LENGTH,
  parseCertificate,
  verifyChain,
  verifyIssuerChain,
} from '../../src/x509/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import { ExtensionOid } from '../../src/x509/oids.js';
import { days, issuerPki, NOW, T0 } from './pki.js';

const backend = nobleBackend;
const DP = 'https://iaca.example.jp/iaca.crl';

function revocation(report: ChainReport) {
  return report.checks.find((c) => c.id === 'REVOCATION')!;
}

function idp(opts: { uri?: string; indirect?: boolean; onlyUser?: boolean }): Uint8Array {
  const parts: Uint8Array[] = [];
  if (opts.uri !== undefined) parts.push(encodeTlv(contextTag(0, true), encodeTlv(contextTag(0, true), encodeGeneralName({ type: 'uniformResourceIdentifier', value: opts.uri }))));
  if (opts.onlyUser) parts.push(encodeTlv(contextTag(1, false), Uint8Array.of(0xff)));
  if (opts.indirect) parts.push(encodeTlv(contextTag(4, false), Uint8Array.of(0xff)));
  return encodeSequence(...parts);
}

describe('CrlCache', () => {
  it('checks a fetched CRL against the CA, by named reason, before it is used', async () => {
    const { iaca, iacaKey, ds, dsKey } = await issuerPki(backend);
    const clock = NOW.getTime();
    const base: BuildCrlOptions = { issuer: iaca, signer: iacaKey, thisUpdate: days(NOW, -1), nextUpdate: days(NOW, 7), backend };
    const run = async (crl: Partial<BuildCrlOptions>, waive: string[] = []) => {
      const der = (await buildCrl({ ...base, ...crl })).der;
      const crlCache = new CrlCache({ fetch: async () => der, now: () => clock });
      return verifyIssuerChain([ds], { anchors: [iaca], now: NOW, crlCache, waive, backend });
    };
    expect(revocation(await run({}))).toMatchObject({ status: 'passed' });
    // Annex B.2 profile: each failure named, each waivable, a waived one shown as waived.
    for (const [change, id, also] of [
      [{ crlNumber: null }, 'CRL_NUMBER', []],
      [{ authorityKeyIdentifier: false }, 'CRL_AKI', []],
      [{ extensions: [{ oid: ExtensionOid.freshestCRL, value: encodeCrlDistributionPoints(['https://iaca.example.jp/delta.crl']) }] }, 'CRL_FRESHEST', []],
      // a v1 CRL has no extensions at all, so no AKI and no cRLNumber either
      [{ version: 1 }, 'CRL_VERSION', ['CRL_AKI', 'CRL_NUMBER']],
    ] as const) {
      const failed = await run(change as Partial<BuildCrlOptions>);
      expect(revocation(failed), id).toMatchObject({ status: 'failed', code: 'ERR_X509_CRL' });
      expect(revocation(failed).detail).toContain(`${id}: `);
      expect((await run(change as Partial<BuildCrlOptions>, [...also])).valid, id).toBe(false);
      const waived = await run(change as Partial<BuildCrlOptions>, [id, ...also]);
      expect(waived.valid, id).toBe(true);
      expect(revocation(waived).status).toBe('passed');
      for (const w of [id, ...also]) expect(waived.checks.find((c) => c.id === w)).toMatchObject({ status: 'waived' });
    }
    // Never waivable: a delta CRL, an indirect CRL, an unknown critical extension.
    const delta = await run({ extensions: [{ oid: ExtensionOid.deltaCRLIndicator, critical: true, value: encodeInteger(1n) }] });
    expect(revocation(delta).detail).toMatch(/CRL_DELTA: /);
    const indirect = await run({ extensions: [{ oid: ExtensionOid.issuingDistributionPoint, critical: true, value: idp({ indirect: true }) }] });
    expect(revocation(indirect).detail).toMatch(/CRL_IDP: /);
    const unknown = await run({ extensions: [{ oid: '1.2.3.4', critical: true, value: encodeInteger(1n) }] });
    expect(revocation(unknown).detail).toMatch(/CRL_CRITICAL_EXTENSION: /);
    // A critical issuingDistributionPoint is understood: its distribution point must be the certificate's.
    const scoped = await run({ extensions: [{ oid: ExtensionOid.issuingDistributionPoint, critical: true, value: idp({ uri: DP, onlyUser: true }) }] });
    expect(revocation(scoped)).toMatchObject({ status: 'passed' });
    const elsewhere = await run({ extensions: [{ oid: ExtensionOid.issuingDistributionPoint, critical: true, value: idp({ uri: 'https://other.example/x.crl' }) }] });
    expect(revocation(elsewhere)).toMatchObject({ status: 'skipped' });
    expect(revocation(elsewhere).detail).toMatch(/CRL_SCOPE: /);
    // Another CA's CRL at the distribution point: same name, another key; another name.
    const other = await issuerPki(backend, 'P-384');
    const sameName = await run({ issuer: other.iaca, signer: other.iacaKey });
    expect(revocation(sameName)).toMatchObject({ status: 'failed', code: 'ERR_X509_CRL' });
    expect(revocation(sameName).detail).toMatch(/CRL_AKI_MISMATCH: /);
    const foreign = await run({ issuer: ds, signer: dsKey });
    expect(revocation(foreign).detail).toMatch(/CRL_ISSUER: /);
    // Bytes that are not a CRL.
    const garbage = await verifyIssuerChain([ds], { anchors: [iaca], now: NOW, crlCache: new CrlCache({ fetch: async () => fromHex('3000') }), backend });
    expect(revocation(garbage).detail).toMatch(/CRL_PARSE: /);
  });

  it('is bounded, keeps failures no longer than the failure TTL, and refuses bad options', async () => {
    const { iaca, iacaKey } = await issuerPki(backend);
    let clock = NOW.getTime();
    const der = (await buildCrl({ issuer: iaca, signer: iacaKey, thisUpdate: days(NOW, -1), nextUpdate: days(NOW, 7), backend })).der;
    const asked: string[] = [];
    const crlCache = new CrlCache({
      fetch: async (uri) => {
        asked.push(uri);
        if (uri.includes('down')) throw new Error('ECONNREFUSED');
        return der;
      },
      maxEntries: 2,
      maxAgeSeconds: 3600,
      failureTtlSeconds: 10,
      now: () => clock,
    });
    for (const u of ['https://a/1.crl', 'https://a/2.crl', 'https://a/3.crl']) expect((await crlCache.lookup(u, iaca, { backend })).ok).toBe(true);
    expect(crlCache.size).toBe(2);
    await crlCache.lookup('https://a/1.crl', iaca, { backend }); // evicted: fetched again
    expect(asked).toHaveLength(4);
    // A good CRL is kept for maxAgeSeconds at most (its nextUpdate is later).
    clock += 3600_000;
    await crlCache.lookup('https://a/1.crl', iaca, { backend });
    expect(asked).toHaveLength(5);
    // A failure is kept for failureTtlSeconds.
    const down = await crlCache.lookup('https://down/x.crl', iaca, { backend });
    expect(down).toMatchObject({ ok: false, problem: CrlProblem.CRL_FETCH });
    await crlCache.lookup('https://down/x.crl', iaca, { backend });
    expect(asked).toHaveLength(6);
    clock += 10_000;
    await crlCache.lookup('https://down/x.crl', iaca, { backend });
    expect(asked).toHaveLength(7);
    // A hostile distribution point URI is not handed to the transport.
    expect(await crlCache.lookup(`https://a/${'x'.repeat(MAX_CRL_URI_LENGTH)}`, iaca, { backend })).toMatchObject({ ok: false, problem: 'CRL_FETCH' });
    expect(asked).toHaveLength(7);
    // The transport returning something that is not bytes, or nothing.
    expect(await new CrlCache({ fetch: async () => 'x' as never }).lookup(DP, iaca, { backend })).toMatchObject({ ok: false, problem: 'CRL_FETCH' });
    expect(await new CrlCache({ fetch: async () => undefined }).lookup(DP, iaca, { backend })).toMatchObject({ ok: false, problem: 'CRL_FETCH' });

    expect(() => new CrlCache({ fetch: async () => undefined, maxAgeSeconds: 10, failureTtlSeconds: 11 })).toThrow(RangeError);
    expect(() => new CrlCache({ fetch: 'x' as never })).toThrow(TypeError);
    expect(() => new CrlCache({ fetch: async () => undefined, maxEntries: 0 })).toThrow(RangeError);
    expect(() => crlCache.lookup(1 as never, iaca)).toThrow(TypeError);
  });

  it('is keyed by the CA: its key and name, read again when its bytes change in place', async () => {
    const { iaca, iacaKey } = await issuerPki(backend);
    const other = await issuerPki(backend, 'P-384');
    const der = (await buildCrl({ issuer: iaca, signer: iacaKey, thisUpdate: days(NOW, -1), nextUpdate: days(NOW, 7), backend })).der;
    const cache = new CrlCache({ fetch: async () => der, now: () => NOW.getTime() });
    expect((await cache.lookup(DP, iaca, { backend })).ok).toBe(true);
    expect((await cache.lookup(DP, iaca, { backend })).ok).toBe(true);
    expect(cache.fetchCount).toBe(1);
    // Another CA at the same URI: its own entry, and the CRL is not its.
    expect(await cache.lookup(DP, other.iaca, { backend })).toMatchObject({ ok: false, problem: CrlProblem.CRL_AKI_MISMATCH });
    expect(cache.fetchCount).toBe(2);
    // The same certificate object with another key in place is another CA.
    const copy = parseCertificate(iaca.der.slice());
    expect((await cache.lookup(DP, copy, { backend })).ok).toBe(true);
    expect(cache.fetchCount).toBe(2);
    copy.spki[copy.spki.length - 1]! ^= 1;
    await cache.lookup(DP, copy, { backend });
    expect(cache.fetchCount).toBe(3);
  });

  it('a required revocation check whose CRL cannot be fetched throws ERR_X509_CRL_FETCH when strict', async () => {
    const { iaca, ds } = await issuerPki(backend);
    const crlCache = new CrlCache({
      fetch: async () => {
        throw new Error('offline');
      },
    });
    const p = verifyIssuerChain([ds], { anchors: [iaca], now: NOW, crlCache, requireRevocationCheck: true, strict: true, backend });
    await expect(p).rejects.toBeInstanceOf(X509Error);
    await expect(p).rejects.toMatchObject({ code: 'ERR_X509_CRL_FETCH', check: 'REVOCATION' });
    expect(T0.getTime()).toBeLessThan(NOW.getTime());
  });
});

describe('issuingDistributionPoint with a directory name (JPKI-style distribution points)', () => {
  it('covers a certificate naming the same directory name (RFC 5280 §7.1 matching), and no other', async () => {
    const { iaca, iacaKey, dsKey } = await issuerPki(backend);
    const dp = { C: 'JP', O: 'JPKI', OU: 'CRL Distribution Points', CN: 'Yokohama CRLDP' };
    const cert = await buildCertificate({
      subject: { C: 'JP', CN: 'user' },
      issuer: iaca,
      notBefore: T0,
      notAfter: days(T0, 365),
      publicKey: publicKeyOf(dsKey),
      signer: iacaKey,
      crlDistributionPoints: [[{ type: 'directoryName', value: dp }]],
      backend,
    });
    const idpFor = (name: Record<string, string>) =>
      encodeSequence(encodeTlv(contextTag(0, true), encodeTlv(contextTag(0, true), encodeGeneralName({ type: 'directoryName', value: name }))));
    const crlWith = (name: Record<string, string>) =>
      buildCrl({ issuer: iaca, signer: iacaKey, thisUpdate: days(NOW, -1), nextUpdate: days(NOW, 7), extensions: [{ oid: ExtensionOid.issuingDistributionPoint, critical: true, value: idpFor(name) }], backend });
    const same = await verifyChain(cert, { anchors: [iaca], now: NOW, crls: [await crlWith({ ...dp, CN: 'YOKOHAMA  crldp' })], backend });
    expect(revocation(same)).toMatchObject({ status: 'passed' });
    const other = await verifyChain(cert, { anchors: [iaca], now: NOW, crls: [await crlWith({ ...dp, CN: 'Sapporo CRLDP' })], backend });
    expect(revocation(other)).toMatchObject({ status: 'skipped' });
    expect(revocation(other).detail).toMatch(/CRL_SCOPE: /);
  });
});

describe('CrlCache with hostile bytes', () => {
  it('every single-byte change of a served CRL is refused by name, never thrown, never used', async () => {
    const { iaca, iacaKey, ds } = await issuerPki(backend);
    const der = (await buildCrl({ issuer: iaca, signer: iacaKey, thisUpdate: days(NOW, -1), nextUpdate: days(NOW, 7), revoked: [{ serialNumber: ds.serialNumber, revocationDate: days(NOW, -2) }], backend })).der;
    const names = new Set<string>(Object.values(CrlProblem));
    const seen = new Set<string>();
    for (let i = 0; i < der.length; i++) {
      const bytes = der.slice();
      bytes[i] = bytes[i]! ^ 0x41;
      const got = await new CrlCache({ fetch: async () => bytes, now: () => NOW.getTime() }).lookup(DP, iaca, { backend });
      expect(got.ok, `byte ${i}`).toBe(false);
      if (!got.ok) {
        expect(names.has(got.problem)).toBe(true);
        seen.add(got.problem);
      }
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(['CRL_PARSE', 'CRL_SIGNATURE']));
  });
});

describe('crlTransportFromFetch', () => {
  const response = (body: Uint8Array, status = 200, stream = true): FetchResponseLike => ({
    ok: status >= 200 && status < 300,
    status,
    body: stream
      ? new ReadableStream<Uint8Array>({
          start(c) {
            for (let i = 0; i < body.length; i += 100) c.enqueue(body.subarray(i, i + 100));
            c.close();
          },
        })
      : null,
    arrayBuffer: async () => body.slice().buffer,
  });

  it('reads http(s) bodies up to maxBytes, refuses other schemes and non-2xx answers', async () => {
    const body = new Uint8Array(1000).fill(7);
    const seen: string[] = [];
    const t = crlTransportFromFetch(async (url) => {
      seen.push(url);
      return response(body);
    });
    expect(await t('http://x/a.crl')).toEqual(body);
    await expect(crlTransportFromFetch(async () => response(body), { maxBytes: 999 })('https://x/a.crl')).rejects.toThrow(/larger than 999/);
    await expect(crlTransportFromFetch(async () => response(body, 200, false), { maxBytes: 999 })('https://x/a.crl')).rejects.toThrow(/larger than 999/);
    expect(await crlTransportFromFetch(async () => response(body, 200, false))('https://x/a.crl')).toEqual(body);
    await expect(crlTransportFromFetch(async () => response(body, 503))('https://x/a.crl')).rejects.toThrow(/HTTP 503/);
    await expect(t('ldap://x/cn=crl')).rejects.toThrow(/not an http/);
    expect(seen).toEqual(['http://x/a.crl']);
    expect(() => crlTransportFromFetch(async () => response(body), { maxBytes: 0 })).toThrow(RangeError);
    expect(() => crlTransportFromFetch('x' as never)).toThrow(TypeError);
  });
});
