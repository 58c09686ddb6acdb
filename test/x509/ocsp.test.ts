/**
 * OCSP (RFC 6960, RFC 9654 nonces): requests, response verification (responder by the CA or
 * a delegated, authorised certificate; good / revoked / unknown; freshness; nonce), the
 * transport and the cache. Both crypto backends.
 */
import { describe, expect, it } from 'vitest';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { CryptoBackend, EcPrivateKey } from '../../src/crypto/types.js';
import { X509Error } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import {
  buildCertificate,
  buildOcspRequest,
  buildOcspResponse,
  type Certificate,
  checkOcsp,
  createOcspCache,
  decodeOcspRequest,
  decodeOcspResponse,
  encodeOcspErrorResponse,
  ExtKeyUsageOid,
  type OcspCertStatus,
  OcspOid,
  ocspUrls,
  verifyOcspResponse,
} from '../../src/x509/index.js';
import { BACKENDS } from '../helpers/backends.js';
import { days, key, NOW, T0 } from './pki.js';

interface Pki {
  caKey: EcPrivateKey;
  ca: Certificate;
  leaf: Certificate;
  other: Certificate;
  responderKey: EcPrivateKey;
  responder: Certificate;
  noEku: Certificate;
  foreignCa: Certificate;
  foreignKey: EcPrivateKey;
  foreignResponder: Certificate;
}

async function pki(backend: CryptoBackend): Promise<Pki> {
  const caKey = await key(backend, 'P-256', 10);
  const responderKey = await key(backend, 'P-256', 11);
  const foreignKey = await key(backend, 'P-256', 12);
  const leafKey = await key(backend, 'P-256', 13);
  const validity = { notBefore: T0, notAfter: days(T0, 3650) };
  const ca = await buildCertificate({ subject: { C: 'JP', CN: 'OCSP test CA' }, ...validity, publicKey: publicKeyOf(caKey), signer: caKey, basicConstraints: { cA: true }, keyUsage: ['keyCertSign', 'cRLSign'], backend });
  const foreignCa = await buildCertificate({ subject: { C: 'JP', CN: 'OCSP foreign CA' }, ...validity, publicKey: publicKeyOf(foreignKey), signer: foreignKey, basicConstraints: { cA: true }, backend });
  const aia = { oid: OcspOid.authorityInfoAccess, value: Uint8Array.from([0x30, 0x1f, 0x30, 0x1d, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x86, 0x11, ...new TextEncoder().encode('http://ocsp.test/')]) };
  const leaf = await buildCertificate({ subject: { C: 'JP', CN: 'leaf' }, issuer: ca, serialNumber: 0x1001n, ...validity, publicKey: publicKeyOf(leafKey), signer: caKey, keyUsage: ['digitalSignature'], extensions: [aia], backend });
  const other = await buildCertificate({ subject: { C: 'JP', CN: 'other' }, issuer: ca, serialNumber: 0x1002n, ...validity, publicKey: publicKeyOf(leafKey), signer: caKey, backend });
  const responder = await buildCertificate({
    subject: { C: 'JP', CN: 'OCSP responder' },
    issuer: ca,
    serialNumber: 0x2001n,
    notBefore: T0,
    notAfter: days(NOW, 30),
    publicKey: publicKeyOf(responderKey),
    signer: caKey,
    keyUsage: ['digitalSignature'],
    extKeyUsage: [ExtKeyUsageOid.ocspSigning],
    extensions: [{ oid: OcspOid.noCheck, value: Uint8Array.of(0x05, 0x00) }],
    backend,
  });
  const noEku = await buildCertificate({ subject: { C: 'JP', CN: 'not a responder' }, issuer: ca, serialNumber: 0x2002n, ...validity, publicKey: publicKeyOf(responderKey), signer: caKey, keyUsage: ['digitalSignature'], backend });
  const foreignResponder = await buildCertificate({
    subject: { C: 'JP', CN: 'foreign responder' },
    issuer: foreignCa,
    serialNumber: 0x3001n,
    ...validity,
    publicKey: publicKeyOf(responderKey),
    signer: foreignKey,
    extKeyUsage: [ExtKeyUsageOid.ocspSigning],
    backend,
  });
  return { caKey, ca, leaf, other, responderKey, responder, noEku, foreignCa, foreignKey, foreignResponder };
}

const GOOD: OcspCertStatus = { status: 'good' };

describe.each(BACKENDS)('OCSP (%s)', (_name, backend) => {
  async function respond(p: Pki, over: Partial<Parameters<typeof buildOcspResponse>[0]> & { status?: OcspCertStatus; nextUpdate?: Date | null; thisUpdate?: Date; forCert?: Certificate } = {}) {
    const req = await buildOcspRequest(over.forCert ?? p.leaf, p.ca, { nonce: Uint8Array.of(1, 2, 3, 4), backend });
    const der = await buildOcspResponse({
      responses: [{ certId: req.certId, certStatus: over.status ?? GOOD, thisUpdate: over.thisUpdate ?? days(NOW, -1), nextUpdate: over.nextUpdate === undefined ? days(NOW, 1) : over.nextUpdate }],
      responderCertificate: over.responderCertificate ?? p.ca,
      signer: over.signer ?? p.caKey,
      producedAt: days(NOW, -1),
      nonce: over.nonce === undefined ? req.nonce : over.nonce,
      backend,
      ...(over.certs ? { certs: over.certs } : {}),
      ...(over.responderId ? { responderId: over.responderId } : {}),
    });
    return der;
  }
  const verify = (p: Pki, der: Uint8Array, extra: Record<string, unknown> = {}) =>
    verifyOcspResponse(der, { certificate: p.leaf, issuer: p.ca, nonce: Uint8Array.of(1, 2, 3, 4), now: NOW, backend, ...extra });
  const problem = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (e) {
      if (e instanceof X509Error) return [e.code, e.check];
      throw e;
    }
    return ['no error'];
  };

  it('builds a request that decodes to its CertID and nonce; SHA-256 CertIDs; RFC 9654 nonce bounds (1 to 128 octets)', async () => {
    const p = await pki(backend);
    const req = await buildOcspRequest(p.leaf, p.ca, { backend });
    expect(req.nonce).toHaveLength(32);
    const decoded = decodeOcspRequest(req.der);
    expect(decoded.certIds).toHaveLength(1);
    expect(decoded.certIds[0]!.serialNumber).toBe('1001');
    expect(decoded.certIds[0]!.hash).toBe('SHA-1');
    expect(toHex(decoded.certIds[0]!.issuerKeyHash)).toBe(toHex(await backend.digest('SHA-1', p.ca.subjectPublicKey)));
    expect(toHex(decoded.nonce!)).toBe(toHex(req.nonce!));
    const sha256 = await buildOcspRequest(p.leaf, p.ca, { hash: 'SHA-256', nonce: false, backend });
    expect(sha256.nonce).toBeNull();
    expect(decodeOcspRequest(sha256.der).certIds[0]!.issuerNameHash).toHaveLength(32);
    expect(decodeOcspRequest(sha256.der).nonce).toBeNull();
    await expect(buildOcspRequest(p.leaf, p.ca, { nonce: new Uint8Array(0), backend })).rejects.toThrow(RangeError);
    await expect(buildOcspRequest(p.leaf, p.ca, { nonce: new Uint8Array(129), backend })).rejects.toThrow(RangeError);
    expect(decodeOcspRequest((await buildOcspRequest(p.leaf, p.ca, { nonce: new Uint8Array(128).fill(7), backend })).der).nonce).toHaveLength(128);
    await expect(buildOcspRequest(p.leaf, p.ca, { hash: 'MD5' as never, backend })).rejects.toThrow(RangeError);
    expect(ocspUrls(p.leaf)).toEqual(['http://ocsp.test/']);
    expect(ocspUrls(p.ca)).toEqual([]);
  });

  it('good, signed by the CA itself (byKey) or by a delegated responder (byName) with ocsp-nocheck', async () => {
    const p = await pki(backend);
    const byCa = await verify(p, await respond(p));
    expect(byCa.certStatus).toEqual({ status: 'good' });
    expect(byCa.responder).toBe('issuer');
    expect(byCa.nonceMatched).toBe(true);
    const delegated = await verify(p, await respond(p, { responderCertificate: p.responder, signer: p.responderKey, certs: [p.responder], responderId: 'byName' }));
    expect(delegated.responder).toBe('delegated');
    expect(delegated.responderCertificate?.subject.text).toContain('OCSP responder');
    expect(delegated.responderNoCheck).toBe(true);
  });

  it('revoked with time and reason, and unknown', async () => {
    const p = await pki(backend);
    const revoked = await verify(p, await respond(p, { status: { status: 'revoked', revocationTime: days(NOW, -3), reason: 1 } }));
    expect(revoked.certStatus).toEqual({ status: 'revoked', revocationTime: days(NOW, -3), reason: 1 });
    const noReason = await verify(p, await respond(p, { status: { status: 'revoked', revocationTime: days(NOW, -3), reason: null } }));
    expect(noReason.certStatus).toEqual({ status: 'revoked', revocationTime: days(NOW, -3), reason: null });
    expect((await verify(p, await respond(p, { status: { status: 'unknown' } }))).certStatus).toEqual({ status: 'unknown' });
  });

  it('refuses an unauthorised responder: no OCSPSigning EKU, issued by another CA, or not sent at all', async () => {
    const p = await pki(backend);
    expect(await problem(verify(p, await respond(p, { responderCertificate: p.noEku, signer: p.responderKey, certs: [p.noEku] })))).toEqual(['ERR_X509_OCSP', 'RESPONDER']);
    expect(await problem(verify(p, await respond(p, { responderCertificate: p.foreignResponder, signer: p.responderKey, certs: [p.foreignResponder] })))).toEqual([
      'ERR_X509_OCSP',
      'RESPONDER',
    ]);
    expect(await problem(verify(p, await respond(p, { responderCertificate: p.responder, signer: p.responderKey })))).toEqual(['ERR_X509_OCSP', 'RESPONDER']);
    // The delegated responder's certificate must be valid now.
    expect(await problem(verify(p, await respond(p, { responderCertificate: p.responder, signer: p.responderKey, certs: [p.responder] }), { now: days(NOW, 40) }))).toEqual([
      'ERR_X509_OCSP',
      'RESPONDER',
    ]);
  });

  it('refuses a bad signature, a stale or future response, a missing or wrong nonce, and another certificate', async () => {
    const p = await pki(backend);
    // Signed by the foreign key while naming the CA: the signature does not verify.
    expect(await problem(verify(p, await respond(p, { signer: p.foreignKey })))).toEqual(['ERR_X509_OCSP', 'SIGNATURE']);
    expect(await problem(verify(p, await respond(p, { nextUpdate: days(NOW, -0.5) })))).toEqual(['ERR_X509_OCSP', 'FRESHNESS']);
    expect(await problem(verify(p, await respond(p, { thisUpdate: days(NOW, 0.5) })))).toEqual(['ERR_X509_OCSP', 'FRESHNESS']);
    // Clock skew tolerates a response a little in the future.
    await expect(verify(p, await respond(p, { thisUpdate: days(NOW, 0.001) }), { clockSkewSeconds: 300 })).resolves.toBeDefined();
    // No nextUpdate: accepted within the maximum age, refused after it.
    await expect(verify(p, await respond(p, { nextUpdate: null }), { maxAgeSeconds: 2 * 86400 })).resolves.toBeDefined();
    expect(await problem(verify(p, await respond(p, { nextUpdate: null }), { maxAgeSeconds: 3600 }))).toEqual(['ERR_X509_OCSP', 'FRESHNESS']);
    expect(await problem(verify(p, await respond(p, { nonce: Uint8Array.of(9, 9, 9, 9) })))).toEqual(['ERR_X509_OCSP', 'NONCE']);
    expect(await problem(verify(p, await respond(p, { nonce: null })))).toEqual(['ERR_X509_OCSP', 'NONCE']);
    // Without a nonce sent, an echoed one is not required.
    await expect(verify(p, await respond(p, { nonce: null }), { nonce: null })).resolves.toBeDefined();
    expect(await problem(verify(p, await respond(p, { forCert: p.other })))).toEqual(['ERR_X509_OCSP', 'CERT_ID']);
  });

  it('two SingleResponses for the certificate: revoked wins over good, in either order; otherwise the first counts', async () => {
    const p = await pki(backend);
    const req = await buildOcspRequest(p.leaf, p.ca, { nonce: Uint8Array.of(1, 2, 3, 4), backend });
    const REVOKED: OcspCertStatus = { status: 'revoked', revocationTime: days(NOW, -3), reason: 1 };
    const both = async (...statuses: OcspCertStatus[]) =>
      (
        await verify(
          p,
          await buildOcspResponse({
            responses: statuses.map((certStatus) => ({ certId: req.certId, certStatus, thisUpdate: days(NOW, -1), nextUpdate: days(NOW, 1) })),
            responderCertificate: p.ca,
            signer: p.caKey,
            producedAt: days(NOW, -1),
            nonce: req.nonce,
            backend,
          }),
        )
      ).certStatus.status;
    expect(await both(GOOD, REVOKED)).toBe('revoked');
    expect(await both(REVOKED, GOOD)).toBe('revoked');
    expect(await both(GOOD, { status: 'unknown' })).toBe('good');
    expect(await both({ status: 'unknown' }, GOOD)).toBe('unknown');
  });

  it('refuses a nextUpdate before thisUpdate, even within the clock skew (RFC 6960 §4.2.2.1)', async () => {
    const p = await pki(backend);
    const der = await respond(p, { thisUpdate: new Date(NOW.getTime() - 60_000), nextUpdate: new Date(NOW.getTime() - 120_000) });
    expect(await problem(verify(p, der, { clockSkewSeconds: 300 }))).toEqual(['ERR_X509_OCSP', 'FRESHNESS']);
    await expect(verify(p, der, { clockSkewSeconds: 300 })).rejects.toThrow(/before thisUpdate/);
  });

  it('a response signed with an algorithm shomei does not verify says so, not "does not verify"', async () => {
    const p = await pki(backend);
    const der = await respond(p);
    // ecdsa-with-SHA256 (1.2.840.10045.4.3.2) → 1.2.840.10045.4.3.9, the same length: only the outer signatureAlgorithm holds it.
    const hex = toHex(der);
    const at = hex.lastIndexOf('06082a8648ce3d040302');
    expect(at).toBeGreaterThan(0);
    const unknown = fromHex(`${hex.slice(0, at)}06082a8648ce3d040309${hex.slice(at + 20)}`);
    const e = await verify(p, unknown).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ERR_X509_OCSP', check: 'SIGNATURE' });
    expect((e as Error).message).toMatch(/1\.2\.840\.10045\.4\.3\.9, which shomei does not verify/);
  });

  it('refuses unsuccessful statuses and other response types', async () => {
    const p = await pki(backend);
    const tryLater = decodeOcspResponse(encodeOcspErrorResponse('tryLater'));
    expect(tryLater.responseStatusName).toBe('tryLater');
    expect(tryLater.basic).toBeNull();
    expect(await problem(verify(p, tryLater.der))).toEqual(['ERR_X509_OCSP', 'RESPONSE_STATUS']);
    expect(() => encodeOcspErrorResponse('successful' as never)).toThrow(RangeError);
    // Rewrite the responseType OID's last arc (basic .1 → .9).
    const good = await respond(p);
    const oid = [0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];
    const at = toHex(good).indexOf(toHex(Uint8Array.from(oid))) / 2;
    const other = good.slice();
    other[at + oid.length - 1] = 0x09;
    expect(decodeOcspResponse(other).basic).toBeNull();
    expect(await problem(verify(p, other))).toEqual(['ERR_X509_OCSP', 'RESPONSE_TYPE']);
  });

  it('checkOcsp: through the transport, with the AIA URL, a cache honouring nextUpdate, single-flight, and transport failures', async () => {
    const p = await pki(backend);
    let calls = 0;
    const urls: string[] = [];
    const transport = async (request: Uint8Array, url: string) => {
      calls++;
      urls.push(url);
      const req = decodeOcspRequest(request);
      return buildOcspResponse({ responses: [{ certId: req.certIds[0]!, certStatus: GOOD, thisUpdate: days(NOW, -1), nextUpdate: days(NOW, 1) }], responderCertificate: p.ca, signer: p.caKey, producedAt: NOW, nonce: req.nonce, backend });
    };
    const first = await checkOcsp(p.leaf, p.ca, { transport, now: NOW, backend });
    expect(first.status).toBe('good');
    expect(urls).toEqual(['http://ocsp.test/']);
    let clock = NOW.getTime();
    const cache = createOcspCache({ now: () => clock });
    calls = 0;
    const all = await Promise.all(Array.from({ length: 20 }, () => checkOcsp(p.leaf, p.ca, { transport, url: 'http://127.0.0.1/ocsp', now: NOW, cache, backend })));
    expect(all.every((r) => r.status === 'good')).toBe(true);
    expect(calls).toBe(1);
    const again = await checkOcsp(p.leaf, p.ca, { transport, url: 'http://127.0.0.1/ocsp', now: NOW, cache, backend });
    expect(again.status === 'good' && again.cached).toBe(true);
    expect(calls).toBe(1);
    clock = days(NOW, 1).getTime() + 1; // past nextUpdate: fetched again
    await checkOcsp(p.leaf, p.ca, { transport, url: 'http://127.0.0.1/ocsp', now: NOW, cache, backend });
    expect(calls).toBe(2);

    const down = await checkOcsp(p.leaf, p.ca, { transport: () => Promise.reject(new Error('ECONNREFUSED')), now: NOW, backend });
    expect(down.status).toBe('unavailable');
    expect(down.status === 'unavailable' && down.reason).toContain('ECONNREFUSED');
    const noUrl = await checkOcsp(p.other, p.ca, { transport, now: NOW, backend });
    expect(noUrl.status).toBe('unavailable');
    const garbage = await checkOcsp(p.leaf, p.ca, { transport: async () => Uint8Array.of(0x30, 0x03, 0x0a, 0x01), now: NOW, backend });
    expect(garbage.status === 'unusable' && garbage.problem).toBe('MALFORMED');
    const replayed = await checkOcsp(p.leaf, p.ca, { transport: async () => respond(p), now: NOW, backend });
    expect(replayed.status === 'unusable' && replayed.problem).toBe('NONCE');
    await expect(checkOcsp(p.leaf, p.ca, {} as never)).rejects.toThrow(TypeError);
  });
});
