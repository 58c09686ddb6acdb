/**
 * verifyJpkiAuthentication with an EC 利用者証明用 certificate (a key in a phone's secure
 * element rather than on the card): ECDSA over hash(challenge), the signature a DER
 * ECDSA-Sig-Value read strictly, every other check (policy, key usage, validity, chain) as for
 * the card's RSA key.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ecdsaRawToDer } from '../../src/crypto/ecdsa-der.js';
import { nobleBackend, nodeCryptoBackend, webCryptoBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { CryptoBackend, EcCurve, EcPrivateKey } from '../../src/crypto/types.js';
import { concat, utf8Encode } from '../../src/internal/bytes.js';
import { JpkiPolicyOid } from '../../src/jpki/oids.js';
import { verifyJpkiAuthentication } from '../../src/jpki/verify-auth.js';
import { buildCertificate } from '../../src/x509/build.js';
import type { Certificate } from '../../src/x509/certificate.js';
import { encodeInteger, encodeSequence } from '../../src/x509/der.js';

const NOW = new Date('2025-06-01T00:00:00Z');
const challenge = utf8Encode('nonce 0123456789abcdef0123456789abcdef');
const node = nodeCryptoBackend();
const ALL_BACKENDS: [string, CryptoBackend][] = [['noble', nobleBackend], ['webcrypto', webCryptoBackend], ...(node ? [['node', node] as [string, CryptoBackend]] : [])];

interface Phone {
  readonly key: EcPrivateKey;
  readonly cert: Certificate;
  readonly ca: Certificate;
}
const phones = new Map<EcCurve, Phone>();

async function phone(crv: EcCurve, policies: readonly string[] = [JpkiPolicyOid.AUTH]): Promise<Phone> {
  const caKey = await nobleBackend.generateKeyPair(crv);
  const ca = await buildCertificate({
    subject: { CN: `EC auth CA ${crv}` },
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-01T00:00:00Z'),
    publicKey: publicKeyOf(caKey),
    signer: caKey,
    basicConstraints: { cA: true },
    keyUsage: ['keyCertSign', 'cRLSign'],
  });
  const key = await nobleBackend.generateKeyPair(crv);
  const cert = await buildCertificate({
    subject: { CN: `PHONE${crv}` },
    issuer: ca,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2030-01-01T00:00:00Z'),
    publicKey: publicKeyOf(key),
    signer: caKey,
    keyUsage: ['digitalSignature'],
    certificatePolicies: [...policies],
  });
  return { key, cert, ca };
}

beforeAll(async () => {
  for (const crv of ['P-256', 'P-384', 'P-521'] as const) phones.set(crv, await phone(crv));
});

const failedIds = (r: { checks: readonly { id: string; status: string; required: boolean }[] }) => r.checks.filter((c) => c.status === 'failed' && c.required).map((c) => c.id);
const detailOf = (r: { checks: readonly { id: string; detail?: string }[] }, id: string) => r.checks.find((c) => c.id === id)?.detail;

describe.each(ALL_BACKENDS)('verifyJpkiAuthentication with an EC certificate (%s)', (_name, backend) => {
  it('ECDSA over SHA-256/384/512 of the challenge, on P-256, P-384 and P-521: valid, the hash reported, form message', async () => {
    for (const [crv, p] of phones) {
      for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
        const signature = ecdsaRawToDer(await nobleBackend.ecdsaSign(p.key, hash, challenge));
        const r = await verifyJpkiAuthentication({ challenge, signature, certificate: p.cert }, { anchors: [p.ca], now: NOW, backend });
        expect([crv, hash, r.valid, r.hash, r.form, failedIds(r)]).toEqual([crv, hash, true, hash, 'message', []]);
        expect(detailOf(r, 'SIGNATURE')).toBe(`ECDSA (${crv}) over ${hash}(challenge)`);
      }
    }
  });

  it('another challenge, a flipped byte, the raw r || s, a trailing byte, r = 0, a hash not listed: SIGNATURE fails with the reason', async () => {
    const p = phones.get('P-256')!;
    const raw = await nobleBackend.ecdsaSign(p.key, 'SHA-256', challenge);
    const der = ecdsaRawToDer(raw);
    const anchors = { anchors: [p.ca], now: NOW, backend };
    const verify = (signature: Uint8Array, options = {}, c = challenge) => verifyJpkiAuthentication({ challenge: c, signature, certificate: p.cert }, { ...anchors, ...options });
    const other = await verify(der, {}, utf8Encode('another nonce'));
    expect(failedIds(other)).toEqual(['SIGNATURE']);
    expect(detailOf(other, 'SIGNATURE')).toBe('the signature does not verify over the challenge with any of SHA-256, SHA-384, SHA-512');
    const flipped = der.slice();
    flipped[flipped.length - 1]! ^= 1;
    expect(failedIds(await verify(flipped))).toEqual(['SIGNATURE']);
    for (const bad of [raw, concat(der, Uint8Array.of(0)), encodeSequence(encodeInteger(0), encodeInteger(raw.subarray(32)))]) {
      const r = await verify(bad);
      expect(failedIds(r)).toEqual(['SIGNATURE']);
      expect(detailOf(r, 'SIGNATURE')).toMatch(/not a DER ECDSA-Sig-Value for P-256|r is not in \[1, n-1\]/);
    }
    expect(failedIds(await verify(der, { hashes: ['SHA-384', 'SHA-512'] }))).toEqual(['SIGNATURE']);
    const sha1Only = await verify(der, { hashes: ['SHA-1'] });
    expect(failedIds(sha1Only)).toEqual(['SIGNATURE']);
    expect(detailOf(sha1Only, 'SIGNATURE')).toMatch(/cannot verify ECDSA on P-256 with SHA-1/);
  });

  it('the other checks hold for an EC certificate: a 署名用 policy fails POLICY, another anchor fails CHAIN', async () => {
    const p = phones.get('P-384')!;
    const signature = ecdsaRawToDer(await nobleBackend.ecdsaSign(p.key, 'SHA-256', challenge));
    expect(failedIds(await verifyJpkiAuthentication({ challenge, signature, certificate: p.cert }, { anchors: [phones.get('P-256')!.ca], now: NOW, backend }))).toEqual(['CHAIN']);
    const sign = await phone('P-256', [JpkiPolicyOid.SIGN]);
    const bySignKey = ecdsaRawToDer(await nobleBackend.ecdsaSign(sign.key, 'SHA-256', challenge));
    expect(failedIds(await verifyJpkiAuthentication({ challenge, signature: bySignKey, certificate: sign.cert }, { anchors: [sign.ca], now: NOW, backend }))).toEqual(['POLICY']);
  });
});
