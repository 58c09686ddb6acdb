/**
 * Pathological inputs (RFC 8949 §10 and X.690 resource exhaustion: deep nesting, lengths far
 * beyond the input, huge item counts, many map keys, chains of tag 24) given to every
 * verifier surface at once: each answers with a report or a ShomeiError, within the test
 * timeout, never a RangeError from a blown stack or a bare TypeError.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/index.js';
import type { EcPrivateKey } from '../../src/crypto/types.js';
import { toBase64Url } from '../../src/internal/bytes.js';
import { verifyDetachedCms } from '../../src/jpki/cms.js';
import { MDOC_DEVIATIONS, verifyDeviceResponse, verifyIssuerSigned } from '../../src/mdoc/index.js';
import { createDcApiRequest, openAppleIdentityResponse, openDcApiResponse } from '../../src/online/index.js';
import { HolderSession } from '../../src/session/index.js';
import { parseCertificate } from '../../src/x509/index.js';
import { testMdl } from '../mdoc/fixtures.js';
import { concatBytes, expectShomei } from './helpers.js';

const repeat = (bytes: number[], times: number, tail: number[] = []) => {
  const out = new Uint8Array(bytes.length * times + tail.length);
  for (let i = 0; i < times; i++) out.set(bytes, i * bytes.length);
  out.set(tail, bytes.length * times);
  return out;
};

/** n distinct unsigned-int keys (0x19 xx xx) each mapped to 0. */
function bigMap(n: number): Uint8Array {
  const out = new Uint8Array(3 + n * 4);
  out.set([0xb9, n >> 8, n & 0xff]);
  for (let i = 0; i < n; i++) out.set([0x19, i >> 8, i & 0xff, 0x00], 3 + i * 4);
  return out;
}

/** Tag 24 wrapping tag 24 … `depth` times around 0x00. */
function tag24Chain(depth: number): Uint8Array {
  let inner: Uint8Array = Uint8Array.of(0x00);
  for (let i = 0; i < depth; i++) {
    const n = inner.length;
    const head = n < 24 ? [0x40 | n] : n < 256 ? [0x58, n] : [0x59, n >> 8, n & 0xff];
    inner = concatBytes(Uint8Array.of(0xd8, 0x18, ...head), inner);
  }
  return inner;
}

/** DER: `depth` nested SEQUENCEs with long-form lengths. */
function derNest(depth: number): Uint8Array {
  let inner: Uint8Array = Uint8Array.of(0x05, 0x00);
  for (let i = 0; i < depth; i++) {
    const n = inner.length;
    inner = concatBytes(Uint8Array.of(0x30, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff), inner);
  }
  return inner;
}

const CBOR: Record<string, Uint8Array> = {
  'deep arrays (100k)': repeat([0x81], 100_000, [0x00]),
  'deep indefinite arrays (100k)': repeat([0x9f], 100_000),
  'deep maps (50k)': repeat([0xa1, 0x00], 50_000, [0x00]),
  'deep tags (100k)': repeat([0xc6], 100_000, [0x00]),
  'bstr of 2^64-1 bytes': Uint8Array.of(0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
  'array of 2^32-1 items, none present': Uint8Array.of(0x9a, 0xff, 0xff, 0xff, 0xff),
  'array of 1M zero items': concatBytes(Uint8Array.of(0x9a, 0x00, 0x10, 0x00, 0x00), new Uint8Array(0x100000)),
  'map of 60k keys': bigMap(60_000),
  'tag 24 chain (40)': tag24Chain(40),
  'a response map whose documents is deep': concatBytes(Uint8Array.of(0xa1, 0x69, ...new TextEncoder().encode('documents')), repeat([0x81], 50_000, [0x00])),
};

const DER: Record<string, Uint8Array> = {
  'nested SEQUENCEs (20k)': derNest(20_000),
  'length of 2^32-1': Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff),
  'length of 2^64 (9 length octets)': Uint8Array.of(0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00),
  'indefinite length (BER)': Uint8Array.of(0x30, 0x80, 0x00, 0x00),
  'many tiny elements (200k)': concatBytes(Uint8Array.of(0x30, 0x83, 0x06, 0x1a, 0x80), repeat([0x05, 0x00], 200_000)),
};

describe('pathological CBOR', () => {
  let held: Awaited<ReturnType<typeof testMdl>>;
  let merchantKey: EcPrivateKey;
  beforeAll(async () => {
    held = await testMdl(nobleBackend);
    merchantKey = (await nobleBackend.generateKeyPair('P-256')) as EcPrivateKey;
  });
  for (const [name, bytes] of Object.entries(CBOR)) {
    it(`${name}: verifyDeviceResponse and verifyIssuerSigned report it, HolderSession answers with an error, the online opens throw ShomeiErrors`, async () => {
      const { issuer, device, mdl } = held;
      const options = { trustAnchors: [issuer.iaca], now: new Date('2026-06-01T00:00:00Z'), tolerate: MDOC_DEVIATIONS, backend: nobleBackend } as const;
      const r = await verifyDeviceResponse(bytes, options);
      expect(r.valid).toBe(false);
      expect(r.checks[0]).toMatchObject({ status: 'failed' });
      const i = await verifyIssuerSigned(bytes, options);
      expect(i.valid).toBe(false);
      const holder = await HolderSession.create({ documents: [{ issuerSigned: mdl, deviceKey: device }], backend: nobleBackend });
      const h = await holder.receive(bytes);
      expect(h.kind).toBe('error');
      // The online answers: a ShomeiError, nothing else (a fresh state each).
      const { state } = await createDcApiRequest({ origin: 'https://verifier.example', docRequests: [{ docType: 'org.iso.18013.5.1.mDL', nameSpaces: { 'org.iso.18013.5.1': { age_over_18: false } } }], backend: nobleBackend });
      await openDcApiResponse({ response: toBase64Url(bytes) }, state, options).then(
        () => expect.unreachable(),
        (e) => expectShomei(e),
      );
      const context = { nonce: new Uint8Array(16), merchantId: 'merchant.com.example', teamId: 'ABCDE12345' };
      await openAppleIdentityResponse(bytes, merchantKey, context, options).then(
        () => expect.unreachable(),
        (e) => expectShomei(e),
      );
    });
  }
});

describe('pathological DER', () => {
  for (const [name, bytes] of Object.entries(DER)) {
    it(`${name}: parseCertificate and verifyDetachedCms throw their typed errors`, async () => {
      try {
        parseCertificate(bytes);
        expect.unreachable();
      } catch (e) {
        expect(expectShomei(e)).toBe('ERR_X509_PARSE');
      }
      await expect(verifyDetachedCms(bytes, new Uint8Array(1))).rejects.toMatchObject({ code: 'ERR_JPKI_CMS' });
    });
  }
});
