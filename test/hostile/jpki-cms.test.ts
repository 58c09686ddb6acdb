/**
 * Hostile input to JPKI CMS verification (RFC 5652 §5 SignedData, detached; JPKI 署名用
 * certificates): verifyDetachedCms on mutated versions of a CMS made with the virtual card.
 * Each mutation throws ERR_JPKI_CMS (the structure does not parse) or gives a report; a valid
 * report after a mutation must name the same signer certificate and signing time (only the
 * unsigned parts, such as the digestAlgorithms hint or a non-signer certificate, may change).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { nobleBackend } from '../../src/crypto/noble.js';
import { JpkiError } from '../../src/errors.js';
import { utf8Encode } from '../../src/internal/bytes.js';
import { type CmsVerification, MAX_CMS_ITEMS, verifyDetachedCms } from '../../src/jpki/cms.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { DEFAULT_TEST_IDENTITY } from '../../src/jpki/simulator/index.js';
import { contextTag, DerReader, encodeOid, encodeSequence, encodeTlv, encodeTlvOf, readSingleTagged, Tag, type Tlv } from '../../src/x509/der.js';
import type { Certificate } from '../../src/x509/index.js';
import { virtualCard } from '../jpki/helpers.js';
import { applyByteMutation, byteMutation, hex, sameBytes } from './helpers.js';

const content = utf8Encode('契約書 — document to sign\n');
const NOW = new Date('2025-06-01T00:00:00Z');
const RUNS = 1000;

let p7s: Uint8Array;
let ca: Certificate | Uint8Array;
let honest: CmsVerification;
beforeAll(async () => {
  const card = new MyNumberCard(await virtualCard());
  p7s = await card.cmsSign(content, DEFAULT_TEST_IDENTITY.pins.sign, { includeCaCertificate: true, signingTime: new Date('2025-01-01T00:00:00Z') });
  ca = await card.readSignCaCertificate();
  honest = await verifyDetachedCms(p7s, content, { anchors: [ca], now: NOW, backend: nobleBackend });
  expect(honest.valid).toBe(true);
});

const signerOf = (r: CmsVerification) => r.signers.map((s) => `${s.certificate === null ? '-' : hex(s.certificate.der)}@${s.signingTime?.toISOString()}`).join(',');

async function check(bytes: Uint8Array, data: Uint8Array = content): Promise<'thrown' | 'invalid' | 'valid'> {
  let r: CmsVerification;
  try {
    r = await verifyDetachedCms(bytes, data, { anchors: [ca], now: NOW, backend: nobleBackend });
  } catch (e) {
    if (e instanceof JpkiError && e.code === 'ERR_JPKI_CMS') return 'thrown';
    throw e;
  }
  expect(['valid', 'invalid', 'unverifiable']).toContain(r.status);
  expect(r.valid).toBe(r.status === 'valid');
  if (!r.valid) return 'invalid';
  if (sameBytes(bytes, p7s)) {
    expect(sameBytes(data, content)).toBe(true);
    return 'valid';
  }
  expect(sameBytes(data, content), 'other content verified').toBe(true);
  expect(signerOf(r), `mutated CMS verified with another signer: ${hex(bytes)}`).toBe(signerOf(honest));
  return 'valid';
}

describe('verifyDetachedCms on mutated CMS from the virtual card', () => {
  it('byte mutations: ERR_JPKI_CMS or a report; valid only for the same signer, certificate and time', async () => {
    const seen = { thrown: 0, invalid: 0, valid: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        seen[await check(ms.reduce((b, m) => applyByteMutation(b, m), p7s))]++;
      }),
      { numRuns: RUNS },
    );
    if (process.env.SHOMEI_HOSTILE_STATS) console.log('cms', seen);
    expect(seen.invalid).toBeGreaterThan(RUNS / 20);
  });

  it('the content mutated (the CMS intact): never valid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(byteMutation, { minLength: 1, maxLength: 2 }), async (ms) => {
        const data = ms.reduce((b, m) => applyByteMutation(b, m), content);
        if (sameBytes(data, content)) return;
        expect(await check(p7s, data)).toBe('invalid');
      }),
      { numRuns: RUNS / 5 },
    );
  });

  // Found by the byte mutations: 0x30 → 0x31 on the ContentInfo or SignedData tag still
  // verified (the outer TLVs were read without checking that they are SEQUENCEs). Not a
  // forgery (nothing signed changed), but not DER CMS either.
  it('a SET where ContentInfo or SignedData must be a SEQUENCE is ERR_JPKI_CMS (regression)', async () => {
    const contentInfo = p7s.slice();
    contentInfo[0] = 0x31;
    expect(await check(contentInfo)).toBe('thrown');
    // ContentInfo: 30 82 LL LL, OID 06 09 (9 bytes), [0] a0 82 LL LL, then the SignedData tag.
    const at = 4 + 11 + 4;
    expect(p7s[at]).toBe(0x30);
    const signedData = p7s.slice();
    signedData[at] = 0x31;
    expect(await check(signedData)).toBe('thrown');
  });

  // Found by the byte mutations: the SignerInfo AlgorithmIdentifiers were read up to their OID
  // only, so a parameters field that runs past the end of its SEQUENCE (NULL 05 00 → 05 01)
  // was never looked at and the CMS still verified.
  it('an AlgorithmIdentifier whose parameters are not well-formed DER is ERR_JPKI_CMS (regression)', async () => {
    // The signatureAlgorithm of the SignerInfo: 30 0d 06 09 2a864886f70d010101 05 00, then the signature.
    const rsaEncryption = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x04];
    let at = -1;
    for (let i = p7s.length - rsaEncryption.length; i > 0 && at < 0; i--) if (rsaEncryption.every((b, k) => p7s[i + k] === b)) at = i;
    expect(at).toBeGreaterThan(0);
    const bad = p7s.slice();
    bad[at + 14] = 0x01;
    expect(await check(bad)).toBe('thrown');
  });
});

describe('verifyDetachedCms: at most MAX_CMS_ITEMS of each list', () => {
  /** The honest SignedData rebuilt with its certificates, SignerInfos or first SignerInfo's signed attributes changed. */
  function rebuilt(change: { certificates?: (c: Uint8Array[]) => Uint8Array[]; signerInfos?: (s: Uint8Array[]) => Uint8Array[]; attributes?: (a: Uint8Array[]) => Uint8Array[] }): Uint8Array {
    const items = (t: Tlv) => {
      const r = DerReader.inside(t, 'list');
      const out: Uint8Array[] = [];
      while (!r.atEnd()) out.push(r.next('item').der);
      return out;
    };
    const ci = DerReader.inside(readSingleTagged(p7s, Tag.SEQUENCE, 'ContentInfo'), 'ContentInfo');
    const type = ci.next('contentType').der;
    const wrapper = ci.next('content');
    const sd = DerReader.inside(readSingleTagged(wrapper.content, Tag.SEQUENCE, 'SignedData'), 'SignedData');
    const [version, digestAlgorithms, encap] = [sd.next('version').der, sd.next('digestAlgorithms').der, sd.next('encap').der];
    const certificates = (change.certificates ?? ((c) => c))(items(sd.next('certificates')));
    let signerInfos = items(sd.next('signerInfos'));
    if (change.attributes !== undefined) {
      const si = DerReader.inside(readSingleTagged(signerInfos[0]!, Tag.SEQUENCE, 'SignerInfo'), 'SignerInfo');
      const [v, sid, digest, attrs] = [si.next('v').der, si.next('sid').der, si.next('digest').der, si.next('attrs')];
      const rest: Uint8Array[] = [];
      while (!si.atEnd()) rest.push(si.next('rest').der);
      signerInfos = [encodeSequence(v, sid, digest, encodeTlvOf(contextTag(0, true), change.attributes(items(attrs))), ...rest), ...signerInfos.slice(1)];
    }
    signerInfos = (change.signerInfos ?? ((s) => s))(signerInfos);
    const signedData = encodeSequence(version, digestAlgorithms, encap, encodeTlvOf(contextTag(0, true), certificates), encodeTlvOf(Tag.SET, signerInfos));
    return encodeSequence(type, encodeTlv(contextTag(0, true), signedData));
  }
  const upTo = (n: number) => (list: Uint8Array[]) => [...list, ...Array.from({ length: n - list.length }, () => list.at(-1)!)];

  it(`${MAX_CMS_ITEMS} certificates or SignerInfos verify; one more is ERR_JPKI_CMS`, async () => {
    expect(await check(rebuilt({}))).toBe('valid');
    expect(await check(rebuilt({ certificates: upTo(MAX_CMS_ITEMS) }))).toBe('valid');
    expect(await check(rebuilt({ certificates: upTo(MAX_CMS_ITEMS + 1) }))).toBe('thrown');
    expect(await check(rebuilt({ signerInfos: upTo(MAX_CMS_ITEMS + 1) }))).toBe('thrown');
    // 200,000 two-byte "certificates" (took 3.5 s to refuse before the bound).
    const junk = Array.from({ length: 200_000 }, () => Uint8Array.of(0x30, 0));
    await expect(verifyDetachedCms(rebuilt({ certificates: (c) => [...c, ...junk] }), content)).rejects.toMatchObject({ code: 'ERR_JPKI_CMS', message: expect.stringContaining(`more than ${MAX_CMS_ITEMS} certificates`) });
  });

  it(`more than ${MAX_CMS_ITEMS} signed attributes, or values of one, is ERR_JPKI_CMS`, async () => {
    const extra = (i: number) => encodeSequence(encodeOid(`1.2.3.${i}`), encodeTlv(Tag.SET, encodeTlv(Tag.NULL)));
    expect(await check(rebuilt({ attributes: (a) => [...a, ...Array.from({ length: MAX_CMS_ITEMS + 1 - a.length }, (_, i) => extra(i))] }))).toBe('thrown');
    const manyValues = encodeSequence(encodeOid('1.2.3.4'), encodeTlvOf(Tag.SET, Array.from({ length: MAX_CMS_ITEMS + 1 }, () => encodeTlv(Tag.NULL))));
    expect(await check(rebuilt({ attributes: (a) => [...a, manyValues] }))).toBe('thrown');
    // Within the bounds, an unknown attribute only breaks the signature.
    expect(await check(rebuilt({ attributes: (a) => [...a, extra(0)] }))).toBe('invalid');
  });
});
