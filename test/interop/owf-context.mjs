// An `MdocContext` for @owf/mdoc 0.6.0, written for shomei's interop tests and benchmark
// (test/interop/*.test.ts, bench/mdoc.mjs) on `node:crypto` alone, so that nothing of
// shomei's own crypto or X.509 stands on the peer's side of a test. Plain ESM, so that
// `node bench/mdoc.mjs` can load it too; types in owf-context.d.mts.
//
// @owf/mdoc ships no cryptography: the caller supplies digests, COSE signing and MAC,
// ECDH + HKDF, and X.509 chain validation. Unlike the peer's own sample contexts
// (shared/reference/typescript-peers.md §2, "X.509 chain validation to IACA"), this one
// checks every certificate signature and validity period and throws on the first failure.
import {
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto';
import { CoseKey, KeyType } from '@owf/mdoc';

const HASH_BY_ALG = { '-7': 'sha256', ES256: 'sha256', '-35': 'sha384', ES384: 'sha384', '-36': 'sha512', ES512: 'sha512' };

function ecJwk(key, withPrivate) {
  const jwk = key.jwk;
  const out = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  if (withPrivate) out.d = jwk.d;
  return out;
}

function hashFor(alg, crv) {
  const byAlg = alg === undefined ? undefined : HASH_BY_ALG[String(alg)];
  if (byAlg !== undefined) return byAlg;
  if (crv === 'P-384') return 'sha384';
  if (crv === 'P-521') return 'sha512';
  return 'sha256';
}

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

/**
 * A node KeyObject for ECDH from the bytes @owf/mdoc hands over. It is inconsistent about
 * them (reference §2, "deviceMac"): the holder side passes encoded COSE_Keys, the verifier
 * side raw bytes (`d`, or 0x04 || x || y). Both are accepted (P-256 for raw bytes).
 */
function ecdhKey(bytes, isPrivate) {
  const first = bytes[0] ?? 0;
  if (first >= 0xa0 && first <= 0xbf) {
    const cose = CoseKey.decode(bytes);
    const key = { key: ecJwk(cose, isPrivate), format: 'jwk' };
    return isPrivate ? createPrivateKey(key) : createPublicKey(key);
  }
  if (isPrivate) {
    // node imports a private JWK only with its public part: derive x and y from d first.
    const e = createECDH('prime256v1');
    e.setPrivateKey(Buffer.from(bytes));
    const pub = e.getPublicKey();
    return createPrivateKey({ key: { kty: 'EC', crv: 'P-256', d: b64u(bytes), x: b64u(pub.subarray(1, 33)), y: b64u(pub.subarray(33)) }, format: 'jwk' });
  }
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(bytes.subarray(1, 33)), y: b64u(bytes.subarray(33)) }, format: 'jwk' });
}

function nameField(text, field) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(`${field}=`))
    .map((line) => line.slice(field.length + 1));
}

/** Validate `x5chain` (leaf first) up to one of `trusted` at `now`; throws on any failure. */
function verifyChain(trusted, x5chain, now) {
  if (x5chain.length === 0) throw new Error('empty x5chain');
  const anchors = trusted.map((der) => new X509Certificate(der));
  const chain = x5chain.map((der) => new X509Certificate(der));
  const inValidity = (c) => new Date(c.validFrom) <= now && now <= new Date(c.validTo);
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i];
    if (!inValidity(cert)) throw new Error(`certificate ${i} (${cert.subject}) is not valid at ${now.toISOString()}`);
    const next = chain[i + 1];
    if (next !== undefined) {
      if (!cert.checkIssued(next) || !cert.verify(next.publicKey)) throw new Error(`certificate ${i} is not signed by certificate ${i + 1}`);
      continue;
    }
    const anchor = anchors.find((a) => cert.checkIssued(a) && cert.verify(a.publicKey));
    if (anchor === undefined) throw new Error('no trusted certificate issued the last certificate of the chain');
    if (!inValidity(anchor)) throw new Error('the trust anchor is not valid now');
    if (!anchor.ca) throw new Error('the trust anchor is not a CA');
  }
}

/** An `MdocContext` over node:crypto; see owf-context.d.mts for the options. */
export function owfContext(options = {}) {
  return {
    crypto: {
      random: (length) => {
        const bytes = new Uint8Array(randomBytes(length));
        // 4-byte requests are only used for digestIDs (`randomUnsignedInteger`).
        if (length === 4 && options.digestIdsBelow2p31) bytes[0] &= 0x7f;
        if (length === 4 && options.digestIdsAbove2p31) bytes[0] |= 0x80;
        return bytes;
      },
      digest: ({ digestAlgorithm, bytes }) => new Uint8Array(createHash(digestAlgorithm.replace('-', '').toLowerCase()).update(bytes).digest()),
      calculateEphemeralMacKey: ({ privateKey, publicKey, sessionTranscriptBytes, info }) => {
        const shared = diffieHellman({ privateKey: ecdhKey(privateKey, true), publicKey: ecdhKey(publicKey, false) });
        const salt = createHash('sha256').update(sessionTranscriptBytes).digest();
        const k = new Uint8Array(hkdfSync('sha256', shared, salt, Buffer.from(info, 'utf8'), 32));
        return CoseKey.create({ keyType: KeyType.Oct, k });
      },
    },
    cose: {
      sign1: {
        sign: ({ toBeSigned, key, algorithm }) => {
          const jwk = ecJwk(key, true);
          const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
          return new Uint8Array(nodeSign(hashFor(algorithm ?? key.algorithm, jwk.crv), toBeSigned, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
        },
        verify: ({ key, sign1 }) => {
          const jwk = ecJwk(key, false);
          const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
          const alg = sign1.protectedHeaders.headers?.get(1);
          return nodeVerify(hashFor(alg, jwk.crv), sign1.toBeSigned, { key: publicKey, dsaEncoding: 'ieee-p1363' }, sign1.signature);
        },
      },
      mac0: {
        sign: ({ key, toBeAuthenticated }) => new Uint8Array(createHmac('sha256', key.privateKey).update(toBeAuthenticated).digest()),
        verify: ({ mac0, key }) => {
          const expected = createHmac('sha256', key.privateKey).update(mac0.toBeAuthenticated).digest();
          return expected.length === mac0.tag.length && timingSafeEqual(expected, mac0.tag);
        },
      },
    },
    x509: {
      // The peer asks for the DS certificate's C and ST through this *issuer*-name accessor
      // (reference §2, "Library-level cert checks"); the context answers what it is asked.
      getIssuerNameField: ({ certificate, field }) => nameField(new X509Certificate(certificate).issuer, field),
      getPublicKey: ({ certificate }) => CoseKey.fromJwk(new X509Certificate(certificate).publicKey.export({ format: 'jwk' })),
      verifyCertificateChain: ({ trustedCertificates, x5chain, now }) => verifyChain(trustedCertificates, x5chain, now ?? new Date()),
      getCertificateData: ({ certificate }) => {
        const c = new X509Certificate(certificate);
        return {
          issuerName: c.issuer.split('\n').join(', '),
          subjectName: c.subject.split('\n').join(', '),
          serialNumber: c.serialNumber,
          thumbprint: c.fingerprint256.replaceAll(':', '').toLowerCase(),
          notBefore: new Date(c.validFrom),
          notAfter: new Date(c.validTo),
          pem: c.toString(),
        };
      },
    },
  };
}
