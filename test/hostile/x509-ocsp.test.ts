/**
 * Hostile OCSP responses (RFC 6960 §4.2.1): every truncation, seeded byte mutations and size
 * bounds reach the decoder and the verifier, and only X509Error ever comes out; a mutation
 * that still verifies left the signed ResponseData untouched.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import { publicKeyOf } from '../../src/crypto/keys.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { X509Error } from '../../src/errors.js';
import { encodeOctetString, encodeOid, encodeSequence, encodeTlv } from '../../src/x509/der.js';
import {
  buildCertificate,
  buildOcspRequest,
  buildOcspResponse,
  type Certificate,
  decodeOcspRequest,
  decodeOcspResponse,
  ExtKeyUsageOid,
  MAX_OCSP_RESPONSE_SIZE,
  OcspOid,
  verifyOcspResponse,
} from '../../src/x509/index.js';
import { days, key, NOW, T0 } from '../x509/pki.js';
import { applyByteMutation, byteMutation, hex } from './helpers.js';

const backend = nobleBackend;
let ca: Certificate;
let caKey: EcPrivateKey;
let leaf: Certificate;
let responder: Certificate;
let seed: Uint8Array;
let seedTbs: string;
const nonce = Uint8Array.of(7, 7, 7, 7);

async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    decodeOcspResponse(bytes);
  } catch (e) {
    if (e instanceof X509Error) return e.code;
    throw e;
  }
  try {
    const v = await verifyOcspResponse(bytes, { certificate: leaf, issuer: ca, nonce, now: NOW, backend });
    expect(v.certStatus.status).toBe('good');
    expect(hex(decodeOcspResponse(bytes).basic!.tbs)).toBe(seedTbs);
    return 'verified';
  } catch (e) {
    if (e instanceof X509Error) return e.code;
    throw e;
  }
}

beforeAll(async () => {
  caKey = await key(backend, 'P-256', 20);
  const responderKey = await key(backend, 'P-256', 21);
  const validity = { notBefore: T0, notAfter: days(T0, 3650) };
  ca = await buildCertificate({ subject: { CN: 'hostile OCSP CA' }, ...validity, publicKey: publicKeyOf(caKey), signer: caKey, basicConstraints: { cA: true }, backend });
  leaf = await buildCertificate({ subject: { CN: 'leaf' }, issuer: ca, serialNumber: 5n, ...validity, publicKey: publicKeyOf(responderKey), signer: caKey, backend });
  responder = await buildCertificate({ subject: { CN: 'responder' }, issuer: ca, ...validity, publicKey: publicKeyOf(responderKey), signer: caKey, extKeyUsage: [ExtKeyUsageOid.ocspSigning], backend });
  const req = await buildOcspRequest(leaf, ca, { nonce, backend });
  seed = await buildOcspResponse({
    responses: [{ certId: req.certId, certStatus: { status: 'good' }, thisUpdate: days(NOW, -1), nextUpdate: days(NOW, 1) }],
    responderCertificate: responder,
    signer: responderKey,
    certs: [responder],
    producedAt: NOW,
    nonce,
    backend,
  });
  seedTbs = hex(decodeOcspResponse(seed).basic!.tbs);
});

describe('hostile OCSP responses', () => {
  it('the seed verifies, through a delegated responder', async () => {
    expect(await outcome(seed)).toBe('verified');
  });

  it('every truncation fails to parse with ERR_X509_PARSE', async () => {
    for (let n = 0; n < seed.length; n++) expect(await outcome(seed.subarray(0, n)), `prefix of ${n} bytes`).toBe('ERR_X509_PARSE');
    expect(await outcome(Uint8Array.from([...seed, 0]))).toBe('ERR_X509_PARSE');
  });

  it('seeded byte mutations give X509Error or an untouched signed part', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        let bytes = seed;
        for (const m of ms) bytes = applyByteMutation(bytes, m);
        seen.add(await outcome(bytes));
      }),
      { numRuns: 300, seed: 13 },
    );
    expect(seen.has('ERR_X509_PARSE')).toBe(true);
    expect(seen.has('ERR_X509_OCSP')).toBe(true);
  });

  it('bounds: size, number of SingleResponses, length fields, requests', async () => {
    expect(await outcome(new Uint8Array(MAX_OCSP_RESPONSE_SIZE + 1))).toBe('ERR_X509_PARSE');
    expect(await outcome(Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x0a, 0x01, 0x00))).toBe('ERR_X509_PARSE');
    expect(await outcome(Uint8Array.of(0x30, 0x80, 0x0a, 0x01, 0x00, 0x00, 0x00))).toBe('ERR_X509_PARSE');
    // 65 SingleResponses (the limit is 64): refused before any is checked.
    const req = await buildOcspRequest(leaf, ca, { nonce, backend });
    const many = await buildOcspResponse({
      responses: Array.from({ length: 65 }, () => ({ certId: req.certId, certStatus: { status: 'good' as const }, thisUpdate: NOW })),
      responderCertificate: ca,
      signer: caKey,
      producedAt: NOW,
      backend,
    });
    expect(await outcome(many)).toBe('ERR_X509_PARSE');
    // A nonce extension whose value is not an OCTET STRING.
    const badNonce = encodeSequence(encodeSequence(encodeSequence(encodeSequence(req.certId.der)), encodeTlv(0xa2, encodeSequence(encodeSequence(encodeOid(OcspOid.nonce), encodeOctetString(Uint8Array.of(0x02, 0x01, 0x01)))))));
    expect(() => decodeOcspRequest(badNonce)).toThrow(X509Error);
    for (let n = 0; n < req.der.length; n++) expect(() => decodeOcspRequest(req.der.subarray(0, n))).toThrow(X509Error);
    expect(() => decodeOcspResponse('x' as never)).toThrow(TypeError);
  });
});

describe('hostile OCSP responder candidates', () => {
  it('checks at most 4 certificates that match the ResponderID, each a signature verification', async () => {
    const k = await key(backend, 'P-256', 22);
    const fakes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        buildCertificate({ subject: { CN: 'responder' }, issuer: ca, serialNumber: BigInt(100 + i), notBefore: T0, notAfter: days(T0, 3650), publicKey: publicKeyOf(k), signer: k, extKeyUsage: [ExtKeyUsageOid.ocspSigning], backend }),
      ),
    );
    const req = await buildOcspRequest(leaf, ca, { nonce, backend });
    const der = await buildOcspResponse({
      responses: [{ certId: req.certId, certStatus: { status: 'good' }, thisUpdate: days(NOW, -1), nextUpdate: days(NOW, 1) }],
      responderCertificate: responder,
      responderId: 'byName',
      signer: k,
      certs: [...fakes, responder],
      producedAt: NOW,
      nonce,
      backend,
    });
    let verifications = 0;
    const counting = {
      ...backend,
      ecdsaVerify: (...a: Parameters<typeof backend.ecdsaVerify>) => {
        verifications++;
        return backend.ecdsaVerify(...a);
      },
    };
    await expect(verifyOcspResponse(der, { certificate: leaf, issuer: ca, nonce, now: NOW, backend: counting })).rejects.toMatchObject({ code: 'ERR_X509_OCSP', check: 'RESPONDER' });
    expect(verifications).toBe(4);
  });
});
