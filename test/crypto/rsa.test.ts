/**
 * RSASSA-PKCS1-v1_5 verification (RFC 8017 §8.2.2): signatures made by node:crypto with
 * SHA-1/256/384/512, hand-built encoded messages that must fail, the key policy, and a real
 * JPKI user-authentication certificate checked against the J-LIS 2019 authentication CA.
 */
import {
  constants,
  createHash,
  type KeyObject,
  privateEncrypt,
  sign as nodeSign,
  X509Certificate,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DIGEST_INFO_PREFIX,
  encodeDigestInfo,
  nobleBackend,
  nodeCryptoBackend,
  rsaPkcs1VerifyDigest,
  webCryptoBackend,
} from '../../src/crypto/index.js';
import type { CryptoBackend, HashAlg, RsaPublicKey } from '../../src/crypto/index.js';
import { concat, fromBase64, fromHex, toHex, utf8Encode } from '../../src/internal/bytes.js';
import { rsaKeyPair } from '../helpers/node-keys.js';
import { checkRsaPublicKey } from '../../src/crypto/rsa.js';
import { loadVectorText } from '../helpers/vectors.js';

const HASHES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const;
const nodeName = (hash: HashAlg) => hash.replace('-', '').toLowerCase();

function rsaKey(key: KeyObject): RsaPublicKey {
  const jwk = key.export({ format: 'jwk' });
  return { kty: 'RSA', n: fromBase64(jwk.n!), e: fromBase64(jwk.e!) };
}

const pair = rsaKeyPair(2048);
const publicKey = rsaKey(pair.publicKey);
const message = utf8Encode('DigestInfo over the authentication challenge');

/** Sign an arbitrary encoded-message payload T with EMSA-PKCS1-v1_5 padding (block type 1). */
const signRaw = (t: Uint8Array) =>
  new Uint8Array(privateEncrypt({ key: pair.privateKey, padding: constants.RSA_PKCS1_PADDING }, t));
const digestOf = (hash: HashAlg, data: Uint8Array) => new Uint8Array(createHash(nodeName(hash)).update(data).digest());
const flip = (bytes: Uint8Array, index: number) => {
  const copy = bytes.slice();
  copy[index]! ^= 0x10;
  return copy;
};

/** A tiny DER reader for the test: the TLV at `offset`. */
function tlv(der: Uint8Array, offset: number): { tag: number; start: number; end: number } {
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start++]!;
  }
  return { tag: der[offset]!, start, end: start + length };
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } */
function splitCertificate(pem: string) {
  const der = new Uint8Array(new X509Certificate(pem).raw);
  const outer = tlv(der, 0);
  const tbs = tlv(der, outer.start);
  const algorithm = tlv(der, tbs.end);
  const oid = tlv(der, algorithm.start);
  const bits = tlv(der, algorithm.end);
  expect([outer.tag, tbs.tag, algorithm.tag, oid.tag, bits.tag, der[bits.start]]).toEqual([0x30, 0x30, 0x30, 6, 3, 0]);
  return {
    tbs: der.subarray(outer.start, tbs.end),
    algorithm: toHex(der.subarray(oid.start, oid.end)),
    signature: der.subarray(bits.start + 1, bits.end),
  };
}

describe('DIGEST_INFO_PREFIX and encodeDigestInfo', () => {
  it('hold the RFC 8017 §9.2 Note 1 prefixes', () => {
    expect(Object.fromEntries(HASHES.map((h) => [h, toHex(DIGEST_INFO_PREFIX[h])]))).toEqual({
      'SHA-1': '3021300906052b0e03021a05000414',
      'SHA-256': '3031300d060960864801650304020105000420',
      'SHA-384': '3041300d060960864801650304020205000430',
      'SHA-512': '3051300d060960864801650304020305000440',
    });
  });

  it('builds prefix || digest, refusing a digest of the wrong length', () => {
    const digest = digestOf('SHA-256', message);
    expect(toHex(encodeDigestInfo('SHA-256', digest))).toBe(toHex(DIGEST_INFO_PREFIX['SHA-256']) + toHex(digest));
    expect(() => encodeDigestInfo('SHA-256', digest.subarray(1))).toThrow(RangeError);
    expect(() => encodeDigestInfo('MD5' as HashAlg, digest)).toThrow(expect.objectContaining({ code: 'ERR_CRYPTO_UNSUPPORTED' }));
  });

  it('mutating the exported prefixes does not change verification', () => {
    const digest = digestOf('SHA-256', message);
    const sig = signRaw(encodeDigestInfo('SHA-256', digest));
    const prefix = DIGEST_INFO_PREFIX['SHA-256'];
    prefix[5] = 0;
    try {
      expect(rsaPkcs1VerifyDigest(publicKey, 'SHA-256', digest, sig)).toBe(true);
    } finally {
      prefix[5] = 0x86;
    }
  });
});

describe('rsaPkcs1VerifyDigest', () => {
  it.each(HASHES)('accepts node:crypto PKCS#1 v1.5 signatures with %s and rejects tampering', (hash) => {
    const sig = new Uint8Array(nodeSign(nodeName(hash), message, pair.privateKey));
    const digest = digestOf(hash, message);
    expect(rsaPkcs1VerifyDigest(publicKey, hash, digest, sig)).toBe(true);
    expect(rsaPkcs1VerifyDigest(publicKey, hash, digestOf(hash, utf8Encode('other')), sig)).toBe(false);
    expect(rsaPkcs1VerifyDigest(publicKey, hash, digest, flip(sig, 100))).toBe(false);
  });

  it('rejects signatures that are ≥ n or of the wrong length', () => {
    const digest = digestOf('SHA-256', message);
    const sig = signRaw(encodeDigestInfo('SHA-256', digest));
    expect(rsaPkcs1VerifyDigest(publicKey, 'SHA-256', digest, sig)).toBe(true);
    expect(rsaPkcs1VerifyDigest(publicKey, 'SHA-256', digest, publicKey.n)).toBe(false);
    expect(rsaPkcs1VerifyDigest(publicKey, 'SHA-256', digest, new Uint8Array(256).fill(0xff))).toBe(false);
    expect(rsaPkcs1VerifyDigest(publicKey, 'SHA-256', digest, concat(Uint8Array.of(0), sig))).toBe(false);
    expect(rsaPkcs1VerifyDigest(publicKey, 'SHA-256', digest, sig.subarray(1))).toBe(false);
    expect(rsaPkcs1VerifyDigest(publicKey, 'SHA-256', digest, new Uint8Array(0))).toBe(false);
  });

  it('rejects encoded messages with the wrong hash prefix or a loose DigestInfo', () => {
    const d256 = digestOf('SHA-256', message);
    const bad = {
      'SHA-384 prefix around a SHA-256 digest': concat(DIGEST_INFO_PREFIX['SHA-384'].subarray(0, -1), Uint8Array.of(32), d256),
      'SHA-1 signature checked as SHA-256': encodeDigestInfo('SHA-1', digestOf('SHA-1', message)),
      'no NULL parameters': concat(fromHex('302f300b0609608648016503040201'), fromHex('0420'), d256),
      'bare digest without DigestInfo': d256,
      'trailing garbage': concat(encodeDigestInfo('SHA-256', d256), Uint8Array.of(0)),
    };
    for (const [name, payload] of Object.entries(bad)) {
      expect(rsaPkcs1VerifyDigest(publicKey, 'SHA-256', d256, signRaw(payload)), name).toBe(false);
    }
    expect(rsaPkcs1VerifyDigest(publicKey, 'SHA-256', d256, signRaw(encodeDigestInfo('SHA-256', d256)))).toBe(true);
  });

  it('accepts a modulus with leading zero bytes and a 1024-bit key', () => {
    const digest = digestOf('SHA-256', message);
    const sig = signRaw(encodeDigestInfo('SHA-256', digest));
    const padded = { ...publicKey, n: concat(Uint8Array.of(0, 0), publicKey.n) };
    expect(rsaPkcs1VerifyDigest(padded, 'SHA-256', digest, sig)).toBe(true);
    const small = rsaKeyPair(1024);
    const smallSig = new Uint8Array(nodeSign('sha256', message, small.privateKey));
    expect(rsaPkcs1VerifyDigest(rsaKey(small.publicKey), 'SHA-256', digest, smallSig)).toBe(true);
  });

  it('throws ERR_CRYPTO_KEY for keys outside the policy, RangeError for a short digest', () => {
    const digest = digestOf('SHA-256', message);
    const sig = signRaw(encodeDigestInfo('SHA-256', digest));
    const even = publicKey.n.slice();
    even[even.length - 1]! &= 0xfe;
    const badKeys: Record<string, RsaPublicKey> = {
      '1016-bit modulus': { ...publicKey, n: publicKey.n.subarray(0, 127) },
      'even modulus': { ...publicKey, n: even },
      '8200-bit modulus': { ...publicKey, n: new Uint8Array(1025).fill(0xff) },
      'e = 1': { ...publicKey, e: Uint8Array.of(1) },
      'even e': { ...publicKey, e: Uint8Array.of(1, 0, 0) },
      'e of 33 bits': { ...publicKey, e: fromHex('0100000001') },
      'not an RSA key': { ...publicKey, kty: 'EC' } as unknown as RsaPublicKey,
    };
    for (const [name, key] of Object.entries(badKeys)) {
      expect(() => rsaPkcs1VerifyDigest(key, 'SHA-256', digest, sig), name).toThrow(
        expect.objectContaining({ code: 'ERR_CRYPTO_KEY' }),
      );
    }
    expect(() => rsaPkcs1VerifyDigest(publicKey, 'SHA-256', digest.subarray(2), sig)).toThrow(RangeError);
    // The edges of the policy: an 8192-bit modulus and a 32-bit exponent are keys.
    expect(checkRsaPublicKey({ kty: 'RSA', n: new Uint8Array(1024).fill(0xff), e: fromHex('ffffffff') }).k).toBe(1024);
  });
});

describe.each([nobleBackend, webCryptoBackend, nodeCryptoBackend()!])('rsaPkcs1Verify on $name', (backend: CryptoBackend) => {
  it.each(HASHES)('accepts node:crypto signatures with %s; tampered message, signature or hash fail', async (hash) => {
    const sig = new Uint8Array(nodeSign(nodeName(hash), message, pair.privateKey));
    expect(await backend.rsaPkcs1Verify(publicKey, hash, message, sig)).toBe(true);
    expect(await backend.rsaPkcs1Verify(publicKey, hash, flip(message, 3), sig)).toBe(false);
    expect(await backend.rsaPkcs1Verify(publicKey, hash, message, flip(sig, 0))).toBe(false);
    expect(await backend.rsaPkcs1Verify(publicKey, hash === 'SHA-256' ? 'SHA-512' : 'SHA-256', message, sig)).toBe(false);
    expect(await backend.rsaPkcs1Verify(publicKey, hash, message, publicKey.n)).toBe(false);
    expect(await backend.rsaPkcs1Verify(publicKey, hash, message, sig.subarray(0, 255))).toBe(false);
  });

  it('throws ERR_CRYPTO_KEY for a key outside the policy', async () => {
    const key = { ...publicKey, e: Uint8Array.of(2) };
    await expect(backend.rsaPkcs1Verify(key, 'SHA-256', message, new Uint8Array(256))).rejects.toMatchObject({
      code: 'ERR_CRYPTO_KEY',
    });
  });

  it('verifies a real JPKI authentication certificate against the J-LIS 2019 auth CA; a flipped bit fails', async () => {
    const cert = splitCertificate(loadVectorText('jpki/real-auth-cert-expired.pem'));
    const caPem = loadVectorText('trust/jpki-auth_ca_2019.pem');
    const ca = rsaKey(new X509Certificate(caPem).publicKey);
    expect(cert.algorithm).toBe('2a864886f70d01010b'); // 1.2.840.113549.1.1.11 sha256WithRSAEncryption
    expect(ca.n.length).toBe(256);
    expect(await backend.rsaPkcs1Verify(ca, 'SHA-256', cert.tbs, cert.signature)).toBe(true);
    expect(await backend.rsaPkcs1Verify(ca, 'SHA-256', flip(cert.tbs, 200), cert.signature)).toBe(false);
    expect(await backend.rsaPkcs1Verify(ca, 'SHA-256', cert.tbs, flip(cert.signature, 17))).toBe(false);
    const digest = await backend.digest('SHA-256', cert.tbs);
    expect(rsaPkcs1VerifyDigest(ca, 'SHA-256', digest, cert.signature)).toBe(true);
  });
});
