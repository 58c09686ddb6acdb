/**
 * CMS SignedData from ECDSA signers (RFC 5753 §2.1.1; RFC 5754 §3.3 and RFC 5758 §3.2 for the
 * algorithm identifiers; RFC 3279 §2.2.3 for ECDSA-Sig-Value): P-256, P-384 and P-521 signers
 * verify on every backend, with each existing check unchanged (message digest, content type,
 * ESS signing certificate, signer purpose, chain, signer selection by sid, the verification
 * bound); the signature value is read strictly; the signature and digest algorithms must pair;
 * a key of the other kind, or on a curve shomei or the backend does not support, is a named
 * failure, never a crash. The same against `openssl cms`: cms-ecdsa-openssl.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend, nodeCryptoBackend, webCryptoBackend } from '../../src/crypto/index.js';
import type { CryptoBackend, EcCurve, HashAlg } from '../../src/crypto/types.js';
import { CryptoError } from '../../src/errors.js';
import { concat, utf8Encode } from '../../src/internal/bytes.js';
import { type CmsVerification, verifyAttachedCms, verifyDetachedCms } from '../../src/jpki/cms.js';
import { ecdsaDerToRaw } from '../../src/crypto/ecdsa-der.js';
import { ecdsaSignatureRaw } from '../../src/jpki/cms-syntax.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { DEFAULT_TEST_IDENTITY } from '../../src/jpki/simulator/index.js';
import { DER_NULL, encodeInteger, encodeOctetString, encodeOid, encodeSequence, encodeTlv, Tag } from '../../src/x509/der.js';
import { runCli } from '../helpers/cli.js';
import { countingBackend } from '../helpers/counting-backend.js';
import { derChildren } from '../helpers/der.js';
import { buildEcCms, checkOf, ECDSA_OIDS, type EcPki, ecPki, edited, failedOf, HASH_OIDS, NOW, OID, ORDER, signatureOf, withSignature } from './ec-cms.js';
import { rejectsWith, virtualCard } from './helpers.js';

const content = utf8Encode('契約書 — signed with an EC key\n');
const node = nodeCryptoBackend();
const ALL_BACKENDS: [string, CryptoBackend][] = [['noble', nobleBackend], ['webcrypto', webCryptoBackend], ...(node ? [['node', node] as [string, CryptoBackend]] : [])];
const CURVES: readonly EcCurve[] = ['P-256', 'P-384', 'P-521'];
const HASHES = ['SHA-256', 'SHA-384', 'SHA-512'] as const;

const pkis = new Map<EcCurve, EcPki>();
const pki = (crv: EcCurve) => pkis.get(crv)!;
beforeAll(async () => {
  for (const crv of CURVES) pkis.set(crv, await ecPki(crv));
});

const opts = (p: EcPki, backend?: CryptoBackend) => ({ anchors: [p.ca], now: NOW, ...(backend ? { backend } : {}) });

/** A big-endian integer of `size` bytes. */
function be(n: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}
const num = (b: Uint8Array) => b.reduce((a, x) => (a << 8n) | BigInt(x), 0n);
/** A DER INTEGER with exactly these content bytes (not necessarily minimal). */
const int = (content: Uint8Array) => encodeTlv(Tag.INTEGER, content);

describe.each(ALL_BACKENDS)('ECDSA signers (%s)', (_name, backend) => {
  it('P-256, P-384 and P-521 with SHA-256, SHA-384 and SHA-512, by IssuerAndSerialNumber and by key id, detached and attached: valid, with the signer named', async () => {
    for (const crv of CURVES) {
      for (const hash of HASHES) {
        for (const keyid of [false, true]) {
          const p = pki(crv);
          const detached = await buildEcCms({ content, pki: p, hash, keyid, backend });
          const r = await verifyDetachedCms(detached, content, opts(p, backend));
          expect([crv, hash, keyid, r.status, failedOf(r)]).toEqual([crv, hash, keyid, 'valid', []]);
          expect(r.signers[0]!.certificate?.subject.text).toBe(`CN=EC signer ${crv}`);
          expect(checkOf(r, 'DIGEST_ALGORITHM')?.detail).toBe(hash);
          const attached = await verifyAttachedCms(await buildEcCms({ content, pki: p, hash, keyid, attached: true, backend }), opts(p, backend));
          expect([attached.status, attached.content]).toEqual(['valid', content]);
        }
      }
    }
  });

  it('a flipped signature, other content, or a signed attribute changed: invalid, with the check that failed', async () => {
    const p = pki('P-256');
    const p7s = await buildEcCms({ content, pki: p, backend });
    const sig = signatureOf(p7s);
    const flipped = sig.slice();
    flipped[flipped.length - 3]! ^= 1;
    const bad = await verifyDetachedCms(withSignature(p7s, flipped), content, opts(p, backend));
    expect(failedOf(bad)).toEqual(['SIGNATURE']);
    expect(checkOf(bad, 'SIGNATURE')?.detail).toBe('the signature does not verify with the signer certificate');
    expect(failedOf(await verifyDetachedCms(p7s, utf8Encode('another document'), opts(p, backend)))).toEqual(['MESSAGE_DIGEST']);
    // The message digest attribute's last byte: it no longer matches the content, and the signature no longer covers it.
    const attrsEdited = edited(p7s, {
      signerInfo: (e) => {
        const attrs = e[3]!.slice();
        attrs[attrs.length - 1]! ^= 1;
        return [...e.slice(0, 3), attrs, ...e.slice(4)];
      },
    });
    expect(failedOf(await verifyDetachedCms(attrsEdited, content, opts(p, backend)))).toEqual(['MESSAGE_DIGEST', 'SIGNATURE']);
  });
});

describe('the signature algorithm', () => {
  it('id-ecPublicKey (parameters absent or NULL) is read as ECDSA with the digestAlgorithm hash, as rsaEncryption is for RSA', async () => {
    for (const hash of HASHES) {
      const p = pki('P-384');
      for (const signatureAlgorithm of [encodeSequence(encodeOid(OID.ecPublicKey)), encodeSequence(encodeOid(OID.ecPublicKey), DER_NULL)]) {
        const r = await verifyDetachedCms(await buildEcCms({ content, pki: p, hash, signatureAlgorithm }), content, opts(p));
        expect([hash, r.status]).toEqual([hash, 'valid']);
      }
    }
  });

  it('ecdsa-with-SHA* with parameters (RFC 5758 §3.2 omits them), or id-ecPublicKey with a curve as parameters: ERR_JPKI_CMS', async () => {
    const p = pki('P-256');
    for (const signatureAlgorithm of [
      encodeSequence(encodeOid(OID.ecdsaWithSha256), DER_NULL),
      encodeSequence(encodeOid(OID.ecdsaWithSha256), encodeOid('1.2.840.10045.3.1.7')),
      encodeSequence(encodeOid(OID.ecPublicKey), encodeOid('1.2.840.10045.3.1.7')),
    ]) {
      const e = await rejectsWith(verifyDetachedCms(await buildEcCms({ content, pki: p, signatureAlgorithm }), content, opts(p)), 'ERR_JPKI_CMS');
      expect(e.message).toMatch(/signatureAlgorithm 1\.2\.840\.10045\.(4\.3\.2|2\.1) /);
    }
  });

  it('a signatureAlgorithm whose hash is not the digestAlgorithm is refused, as for RSA', async () => {
    const p = pki('P-256');
    for (const [hash, other] of [['SHA-256', 'SHA-384'], ['SHA-384', 'SHA-256'], ['SHA-512', 'SHA-256']] as const) {
      const signatureAlgorithm = encodeSequence(encodeOid(ECDSA_OIDS[other]));
      const r = await verifyDetachedCms(await buildEcCms({ content, pki: p, hash, signatureAlgorithm }), content, opts(p));
      expect(failedOf(r)).toEqual(['SIGNATURE']);
      expect(checkOf(r, 'SIGNATURE')?.detail).toBe(`signatureAlgorithm ${ECDSA_OIDS[other]} does not go with digestAlgorithm ${HASH_OIDS[hash]}`);
    }
  });

  it('the digestAlgorithm swapped after signing: the digest and the signature fail', async () => {
    const p = pki('P-256');
    const p7s = await buildEcCms({ content, pki: p, signatureAlgorithm: encodeSequence(encodeOid(OID.ecPublicKey)) });
    const swapped = edited(p7s, { signerInfo: (e) => [e[0]!, e[1]!, encodeSequence(encodeOid(HASH_OIDS['SHA-384'])), ...e.slice(3)] });
    expect(failedOf(await verifyDetachedCms(swapped, content, opts(p)))).toEqual(['MESSAGE_DIGEST', 'SIGNATURE']);
  });

  it('an EC key with sha256WithRSAEncryption, and an RSA key with ecdsa-with-SHA256, are refused by name', async () => {
    const p = pki('P-256');
    const asRsa = await verifyDetachedCms(await buildEcCms({ content, pki: p, signatureAlgorithm: encodeSequence(encodeOid(OID.sha256WithRsa), DER_NULL) }), content, opts(p));
    expect(failedOf(asRsa)).toEqual(['SIGNATURE']);
    expect(checkOf(asRsa, 'SIGNATURE')?.detail).toBe(`signatureAlgorithm ${OID.sha256WithRsa} needs an RSA key; the signer certificate holds an EC key`);

    const card = new MyNumberCard(await virtualCard());
    const rsa = await card.cmsSign(content, DEFAULT_TEST_IDENTITY.pins.sign, { signingTime: new Date('2025-01-01T00:00:00Z') });
    const anchors = [await card.readSignCaCertificate()];
    expect((await verifyDetachedCms(rsa, content, { anchors, now: NOW })).status).toBe('valid');
    for (const alg of [OID.ecdsaWithSha256, OID.ecPublicKey]) {
      const asEc = edited(rsa, { signerInfo: (e) => [...e.slice(0, 4), encodeSequence(encodeOid(alg)), ...e.slice(5)] });
      const r = await verifyDetachedCms(asEc, content, { anchors, now: NOW });
      expect(failedOf(r)).toEqual(['SIGNATURE']);
      expect(checkOf(r, 'SIGNATURE')?.detail).toBe(`signatureAlgorithm ${alg} needs an EC key; the signer certificate holds an RSA key`);
    }
  });

  it('ecdsa-with-SHA1: DIGEST_ALGORITHM fails (waivable), and the signature cannot be verified at all (no backend does ECDSA with SHA-1)', async () => {
    const p = pki('P-256');
    const sha256 = await buildEcCms({ content, pki: p });
    // The digest and signature algorithms changed to SHA-1 (the digest no longer matches: this is about what the report says).
    const sha1 = edited(sha256, { signerInfo: (e) => [e[0]!, e[1]!, encodeSequence(encodeOid(HASH_OIDS['SHA-1'])), e[3]!, encodeSequence(encodeOid(OID.ecdsaWithSha1)), ...e.slice(5)] });
    for (const waive of [[], ['DIGEST_ALGORITHM'] as const]) {
      const r = await verifyDetachedCms(sha1, content, { ...opts(p), waive: [...waive] });
      expect(checkOf(r, 'DIGEST_ALGORITHM')?.status).toBe(waive.length ? 'waived' : 'failed');
      expect(checkOf(r, 'SIGNATURE')?.status).toBe('failed');
      expect(checkOf(r, 'SIGNATURE')?.detail).toMatch(/cannot verify ECDSA on P-256 with SHA-1/);
      expect(r.valid).toBe(false);
    }
  });
});

describe('the ECDSA-Sig-Value is read strictly (RFC 3279 §2.2.3, DER)', () => {
  /** Each encoding of a signature whose (r, s) verifies that is not its one DER encoding, or that is out of range. */
  function malformed(raw: Uint8Array, crv: EcCurve): [string, Uint8Array, RegExp][] {
    const size = raw.length / 2;
    const r = raw.subarray(0, size);
    const s = raw.subarray(size);
    const der = (a: Uint8Array, b: Uint8Array) => encodeSequence(a, b);
    const n = ORDER[crv];
    const notDer = /not a DER ECDSA-Sig-Value/;
    const body = concat(encodeInteger(r), encodeInteger(s));
    const longForm = body.length < 0x80 ? concat(Uint8Array.of(0x30, 0x81, body.length), body) : concat(Uint8Array.of(0x30, 0x82, 0, body.length), body);
    return [
      ['r with a leading zero byte it does not need', der(int(concat(Uint8Array.of(0, 0), r)), encodeInteger(s)), notDer],
      ['a byte after the SEQUENCE', concat(der(encodeInteger(r), encodeInteger(s)), Uint8Array.of(0)), notDer],
      ['a NULL after s inside the SEQUENCE', encodeSequence(encodeInteger(r), encodeInteger(s), DER_NULL), notDer],
      ['a non-minimal long-form length', longForm, notDer],
      ['an indefinite length (BER)', concat(Uint8Array.of(0x30, 0x80), body, Uint8Array.of(0, 0)), notDer],
      ['a negative r (its sign bit set, no zero byte)', der(int(r[0]! >= 0x80 ? r : concat(Uint8Array.of(0xff), r)), encodeInteger(s)), notDer],
      ['the raw r || s wrapped in an OCTET STRING', encodeOctetString(raw), notDer],
      ['the raw r || s (P1363) instead of DER', raw.slice(), notDer],
      ['r = 0', der(encodeInteger(0), encodeInteger(s)), /r is not in \[1, n-1\]/],
      ['s = 0', der(encodeInteger(r), encodeInteger(0)), /s is not in \[1, n-1\]/],
      ['r = n', der(encodeInteger(n), encodeInteger(s)), /r is not in \[1, n-1\]/],
      ['s = n - 1 + 1 = n', der(encodeInteger(r), encodeInteger(n)), /s is not in \[1, n-1\]/],
      ['r + n (the same r mod n)', der(encodeInteger(num(r) + n), encodeInteger(s)), /r is not in \[1, n-1\]|not a DER/],
      ['s + n (the same s mod n)', der(encodeInteger(r), encodeInteger(num(s) + n)), /s is not in \[1, n-1\]|not a DER/],
    ];
  }

  for (const crv of CURVES) {
    it(`${crv}: each malformed or out-of-range encoding fails SIGNATURE with the reason, on every backend; s and n - s both verify (no low-S rule in CMS)`, async () => {
      const p = pki(crv);
      const p7s = await buildEcCms({ content, pki: p });
      const raw = ecdsaDerToRaw(signatureOf(p7s), crv);
      for (const [what, sig, reason] of malformed(raw, crv)) {
        for (const [name, backend] of ALL_BACKENDS) {
          const r = await verifyDetachedCms(withSignature(p7s, sig), content, opts(p, backend));
          expect([what, name, failedOf(r)]).toEqual([what, name, ['SIGNATURE']]);
          expect(checkOf(r, 'SIGNATURE')?.detail, `${what} (${name})`).toMatch(reason);
        }
      }
      const size = raw.length / 2;
      const highS = concat(raw.subarray(0, size), be(ORDER[crv] - num(raw.subarray(size)), size));
      for (const [, backend] of ALL_BACKENDS) {
        expect((await verifyDetachedCms(withSignature(p7s, encodeSequence(encodeInteger(highS.subarray(0, size)), encodeInteger(highS.subarray(size)))), content, opts(p, backend))).status).toBe('valid');
      }
    });
  }

  it('ecdsaSignatureRaw throws ERR_JPKI_CMS (a typed error), never anything else, for any bytes (property, fixed seed)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), fc.constantFrom<EcCurve>('P-256', 'P-384', 'P-521'), (bytes, crv) => {
        try {
          const raw = ecdsaSignatureRaw(bytes, crv);
          expect(raw.length).toBe(2 * (crv === 'P-256' ? 32 : crv === 'P-384' ? 48 : 66));
        } catch (e) {
          expect((e as { code?: string }).code).toBe('ERR_JPKI_CMS');
        }
      }),
      { seed: 5753, numRuns: 2000 },
    );
  });
});

describe('keys shomei or the backend cannot use', () => {
  it('a signer on secp256k1 (a curve shomei does not support): SIGNATURE fails naming the curve; the chain and the rest still run', async () => {
    const p = pki('P-256');
    // A secp256k1 SubjectPublicKeyInfo (RFC 5480: id-ecPublicKey, namedCurve 1.3.132.0.10): its point is not read.
    const k1 = encodeSequence(encodeSequence(encodeOid(OID.ecPublicKey), encodeOid(OID.secp256k1)), encodeTlv(Tag.BIT_STRING, concat(Uint8Array.of(0, 4), new Uint8Array(64).fill(7))));
    const odd = await ecPki('P-256', { spki: k1, ca: { key: p.caKey, cert: p.ca }, name: 'k1 signer', serialNumber: 77n });
    expect(odd.signer.publicKey).toBeNull();
    // Signed by a P-256 key, but what matters is that nothing can verify it: the report says why.
    const p7s = await buildEcCms({ content, pki: odd });
    for (const [, backend] of ALL_BACKENDS) {
      const r = await verifyDetachedCms(p7s, content, opts(p, backend));
      expect(failedOf(r)).toEqual(['SIGNATURE']);
      expect(checkOf(r, 'SIGNATURE')?.detail).toBe(`the signer certificate's EC key is on a curve shomei does not support (${OID.secp256k1}; P-256, P-384 and P-521 only)`);
      expect(checkOf(r, 'CERTIFICATE_CHAIN')?.status).toBe('passed');
    }
  });

  it('a backend that refuses a curve (P-521 here): SIGNATURE fails with its refusal, not a crash', async () => {
    const refusing: CryptoBackend = {
      ...countingBackend(nobleBackend, 'no-p521').backend,
      ecdsaVerify: async (key, hash, data, sig) => {
        if (key.crv === 'P-521') throw new CryptoError('ERR_CRYPTO_UNSUPPORTED', 'unsupported curve P-521');
        return nobleBackend.ecdsaVerify(key, hash, data, sig);
      },
    };
    const p = pki('P-521');
    const r = await verifyDetachedCms(await buildEcCms({ content, pki: p, hash: 'SHA-512' }), content, { anchors: [pki('P-256').ca], now: NOW, backend: refusing });
    expect(checkOf(r, 'SIGNATURE')).toEqual({ id: 'SIGNATURE', status: 'failed', detail: 'the no-p521 backend cannot verify ECDSA on P-521 with SHA-512: unsupported curve P-521' });
    expect(r.valid).toBe(false);
  });
});

describe('the other checks, for an EC signer', () => {
  it('ESS signing-certificate-v2: passes naming the signer, fails naming another certificate', async () => {
    const p = pki('P-384');
    const good = await verifyDetachedCms(await buildEcCms({ content, pki: p, hash: 'SHA-384', essCertificate: p.signer }), content, opts(p));
    expect([good.status, checkOf(good, 'SIGNING_CERTIFICATE')?.status]).toEqual(['valid', 'passed']);
    const other = await verifyDetachedCms(await buildEcCms({ content, pki: p, hash: 'SHA-384', essCertificate: p.ca }), content, opts(p));
    expect(failedOf(other)).toEqual(['SIGNING_CERTIFICATE']);
  });

  it('signer purpose: keyUsage keyAgreement only is refused (not waivable); digitalSignature only fails SIGNER_PURPOSE, waivable', async () => {
    const p = pki('P-256');
    const ka = await ecPki('P-256', { keyUsage: ['keyAgreement'], ca: { key: p.caKey, cert: p.ca }, serialNumber: 2n });
    const r1 = await verifyDetachedCms(await buildEcCms({ content, pki: ka }), content, { ...opts(p), waive: ['SIGNER_PURPOSE'] });
    expect(failedOf(r1)).toEqual(['SIGNER_PURPOSE']);
    const ds = await ecPki('P-256', { keyUsage: ['digitalSignature'], ca: { key: p.caKey, cert: p.ca }, serialNumber: 3n });
    const p7s = await buildEcCms({ content, pki: ds });
    expect(failedOf(await verifyDetachedCms(p7s, content, opts(p)))).toEqual(['SIGNER_PURPOSE']);
    expect((await verifyDetachedCms(p7s, content, { ...opts(p), waive: ['SIGNER_PURPOSE'] })).status).toBe('valid');
  });

  it('content type other than id-data, another anchor, no anchors', async () => {
    const p = pki('P-256');
    const p7s = await buildEcCms({ content, pki: p });
    const tstInfo = edited(p7s, { signedData: (e) => [e[0]!, e[1]!, encodeSequence(encodeOid('1.2.840.113549.1.9.16.1.4')), ...e.slice(3)] });
    expect(failedOf(await verifyDetachedCms(tstInfo, content, opts(p)))).toEqual(['CONTENT_TYPE']);
    expect(failedOf(await verifyDetachedCms(p7s, content, { anchors: [pki('P-384').ca], now: NOW }))).toEqual(['CERTIFICATE_CHAIN']);
    expect((await verifyDetachedCms(p7s, content)).status).toBe('unverifiable');
  });

  it('signer selection by sid: a look-alike certificate (same issuer and serial, another EC key) listed first does not hide the signer', async () => {
    const p = pki('P-256');
    const lookAlike = await ecPki('P-256', { ca: { key: p.caKey, cert: p.ca }, name: 'look-alike' });
    const p7s = await buildEcCms({ content, pki: p, certificates: [lookAlike.signer.der, p.signer.der] });
    const r = await verifyDetachedCms(p7s, content, opts(p));
    expect(r.status).toBe('valid');
    expect(r.signers[0]!.certificate?.subject.text).toBe('CN=EC signer P-256');
    // With the signer's certificate missing, the look-alike is reported, and the signature fails.
    const only = await verifyDetachedCms(await buildEcCms({ content, pki: p, certificates: [lookAlike.signer.der] }), content, opts(p));
    expect(failedOf(only)).toEqual(['SIGNATURE']);
    expect(only.signers[0]!.certificate?.subject.text).toBe('CN=look-alike');
  });

  it('the bound on verifications per call holds for EC keys: 3 SignerInfos × 32 look-alike keys is ERR_JPKI_CMS', async () => {
    const p = pki('P-256');
    const certs = [];
    for (let i = 0; i < 32; i++) certs.push((await ecPki('P-256', { ca: { key: p.caKey, cert: p.ca }, name: `look-alike ${i}` })).signer.der);
    const one = await buildEcCms({ content, pki: p, certificates: certs });
    const [ct, wrapper] = derChildren(one) as [Uint8Array, Uint8Array];
    const sd = derChildren(derChildren(wrapper)[0]!);
    const si = derChildren(sd.at(-1)!)[0]!;
    const flip = (b: Uint8Array, i: number) => {
      const c = b.slice();
      c[c.length - 1 - i]! ^= 1;
      return c;
    };
    const three = encodeSequence(ct, encodeTlv(0xa0, encodeSequence(...sd.slice(0, -1), encodeTlv(Tag.SET, si, flip(si, 1), flip(si, 2)))));
    const e = await rejectsWith(verifyDetachedCms(three, content, opts(p)), 'ERR_JPKI_CMS');
    expect(e.message).toMatch(/more than 64 signature verifications/);
  });
});

describe('shomei jpki verify-cms', () => {
  it('verifies an EC signer (detached and attached) with --trust; a flipped signature exits 1 naming SIGNATURE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-cms-ecdsa-cli-'));
    try {
      const f = (name: string) => join(dir, name);
      const p = pki('P-384');
      const p7s = await buildEcCms({ content, pki: p, hash: 'SHA-384' });
      writeFileSync(f('doc.txt'), content);
      writeFileSync(f('doc.p7s'), p7s);
      writeFileSync(f('attached.p7s'), await buildEcCms({ content, pki: p, hash: 'SHA-384', attached: true }));
      writeFileSync(f('ca.der'), p.ca.der);
      const sig = signatureOf(p7s);
      sig[sig.length - 1]! ^= 1;
      writeFileSync(f('bad.p7s'), withSignature(p7s, sig));
      const at = ['--trust', f('ca.der'), '--at', NOW.toISOString()];
      const ok = await runCli('jpki', 'verify-cms', f('doc.p7s'), '--content', f('doc.txt'), ...at);
      expect([ok.code, ok.out.split('\n')[0]]).toEqual([0, 'VALID: detached CMS']);
      expect(ok.out).toContain('signer CN=EC signer P-384');
      expect((await runCli('jpki', 'verify-cms', f('attached.p7s'), ...at)).code).toBe(0);
      const bad = await runCli('jpki', 'verify-cms', f('bad.p7s'), '--content', f('doc.txt'), ...at);
      expect(bad.code).toBe(1);
      expect(bad.out).toMatch(/failed\s+SIGNATURE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Property: over random curves, hashes, sids, attached or detached, contents and one mutation
 * (none, a signature byte, a content byte, the message digest attribute, the digest algorithm),
 * the report is exactly what the mutation should break.
 */
describe('property: EC signatures and their mutations (fixed seed)', () => {
  it('each mutation fails exactly the checks it breaks (240 cases)', async () => {
    const mutations = ['none', 'signature', 'content', 'messageDigest', 'digestAlgorithm'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<EcCurve>('P-256', 'P-384', 'P-521'),
        fc.constantFrom<Exclude<HashAlg, 'SHA-1'>>('SHA-256', 'SHA-384', 'SHA-512'),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.constantFrom(...mutations),
        fc.nat(),
        async (crv, hash, keyid, attached, keyOid, doc, mutation, at) => {
          const p = pki(crv);
          const signatureAlgorithm = keyOid ? encodeSequence(encodeOid(OID.ecPublicKey)) : undefined;
          let p7s = await buildEcCms({ content: doc, pki: p, hash, keyid, attached, ...(signatureAlgorithm ? { signatureAlgorithm } : {}) });
          let given = doc;
          let expected: string[] = [];
          if (mutation === 'signature') {
            const sig = signatureOf(p7s);
            const s = sig.slice();
            s[at % s.length]! ^= 1 << (at % 8);
            p7s = withSignature(p7s, s);
            expected = ['SIGNATURE'];
          } else if (mutation === 'content') {
            given = doc.slice();
            given[at % given.length]! ^= 1 << (at % 8);
            expected = ['MESSAGE_DIGEST'];
          } else if (mutation === 'messageDigest') {
            p7s = edited(p7s, {
              signerInfo: (e) => {
                const attrs = e[3]!.slice();
                attrs[attrs.length - 1 - (at % 8)]! ^= 1;
                return [...e.slice(0, 3), attrs, ...e.slice(4)];
              },
            });
            expected = ['MESSAGE_DIGEST', 'SIGNATURE'];
          } else if (mutation === 'digestAlgorithm') {
            const other = HASHES.filter((h) => h !== hash)[at % 2]!;
            p7s = edited(p7s, { signerInfo: (e) => [e[0]!, e[1]!, encodeSequence(encodeOid(HASH_OIDS[other])), ...e.slice(3)] });
            expected = ['MESSAGE_DIGEST', 'SIGNATURE'];
          }
          let r: CmsVerification;
          if (attached && mutation === 'content') {
            // The attached content itself changed: rebuild the eContent with the other bytes.
            p7s = edited(p7s, { signedData: (e) => [e[0]!, e[1]!, encodeSequence(encodeOid(OID.data), encodeTlv(0xa0, encodeOctetString(given))), ...e.slice(3)] });
            r = await verifyAttachedCms(p7s, opts(p));
          } else {
            r = attached ? await verifyAttachedCms(p7s, opts(p)) : await verifyDetachedCms(p7s, given, opts(p));
          }
          expect(failedOf(r)).toEqual(expected);
          expect(r.valid).toBe(expected.length === 0);
          expect(r.signers[0]!.certificate?.subject.text).toBe(`CN=EC signer ${crv}`);
        },
      ),
      { seed: 20251207, numRuns: 240 },
    );
  }, 120_000);
});
