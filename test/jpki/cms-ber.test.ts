/**
 * CMS SignedData in BER (RFC 5652 §1: indefinite lengths, a constructed eContent OCTET STRING,
 * X.690 §8.1.3.6 and §8.7.3) and with attached content, as streaming signers write it:
 * `openssl cms -sign -stream` / `-nodetach` output made here with the virtual card's TEST key
 * verifies, a BER envelope gives the same report as its DER form, the DER-only parts (signed
 * attributes, certificates, AlgorithmIdentifiers) stay DER, and each malformed BER is
 * ERR_JPKI_CMS, with `openssl cms -verify` refusing it too where that is meaningful.
 * openssl missing → the OpenSSL tests are skipped with a printed reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat, utf8Encode } from '../../src/internal/bytes.js';
import { BerReader, type BerTlv, MAX_BER_DEPTH } from '../../src/jpki/ber.js';
import { verifyAttachedCms, verifyDetachedCms } from '../../src/jpki/cms.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { DEFAULT_TEST_IDENTITY } from '../../src/jpki/simulator/index.js';
import { testKey } from '../../src/jpki/simulator/test-keys.js';
import { contextTag, encodeInteger, encodeOctetString, encodeSequence, encodeTlv, Tag } from '../../src/x509/der.js';
import { derToPem } from '../../src/x509/pem.js';
import { BACKENDS } from '../helpers/backends.js';
import { derChildren } from '../helpers/der.js';
import { rejectsWith, virtualCard } from './helpers.js';
import { hasOpenssl } from '../helpers/openssl.js';

/** About 9 KB: OpenSSL streams it in three segments (4096, 4096, the rest). */
const content = utf8Encode('契約書 — a streamed document\n'.repeat(250));
const PASSWORD = DEFAULT_TEST_IDENTITY.pins.sign;
const NOW = new Date('2025-06-01T00:00:00Z');

const OPENSSL = hasOpenssl();
if (!OPENSSL) console.warn('[jpki cms-ber] openssl not found: skipping the openssl interop tests');

const dir = mkdtempSync(join(tmpdir(), 'shomei-cms-ber-'));
const f = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the card signed (DER, detached, signing time fixed), and its CA. */
let p7s: Uint8Array;
let ca: Uint8Array;

beforeAll(async () => {
  const card = new MyNumberCard(await virtualCard());
  p7s = await card.cmsSign(content, PASSWORD, { signingTime: new Date('2025-01-01T00:00:00Z') });
  ca = await card.readSignCaCertificate();
  const k = testKey('signKey');
  const pkcs1 = encodeSequence(...[new Uint8Array(1), k.n, k.e, k.d, k.p, k.q, k.dp, k.dq, k.qi].map((v) => encodeInteger(v)));
  writeFileSync(f('key.pem'), derToPem(pkcs1, 'RSA PRIVATE KEY'));
  writeFileSync(f('cert.pem'), derToPem(await card.readSignCertificate(PASSWORD)));
  writeFileSync(f('ca.pem'), derToPem(ca));
  writeFileSync(f('doc.txt'), content);
});

/** `openssl cms -sign` over the document with the TEST key, DER output, with `flags`. */
function opensslSign(...flags: string[]): Uint8Array {
  execFileSync('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-in', f('doc.txt'), '-signer', f('cert.pem'), '-inkey', f('key.pem'), '-outform', 'DER', '-out', f('signed.p7s'), ...flags], {
    stdio: 'ignore',
  });
  return new Uint8Array(readFileSync(f('signed.p7s')));
}

/** Whether `openssl cms -verify` accepts `cms` (with the document as detached content when `detached`). */
function opensslVerifies(cms: Uint8Array, detached: boolean): boolean {
  writeFileSync(f('check.p7s'), cms);
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', f('check.p7s'), '-CAfile', f('ca.pem'), '-purpose', 'any', '-out', f('check.out')];
  try {
    execFileSync('openssl', detached ? [...args, '-content', f('doc.txt')] : args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const EOC = Uint8Array.of(0, 0);
/** An indefinite-length encoding (X.690 §8.1.3.6) of `parts`. */
const indef = (tag: number, ...parts: readonly Uint8Array[]) => concat(Uint8Array.of(tag, 0x80), ...parts, EOC);
const CONSTRUCTED_OCTET_STRING = 0x24;

interface Envelope {
  /** eContent segments: a constructed OCTET STRING of these (indefinite length); none: detached. */
  readonly segments?: readonly Uint8Array[];
  /** The eContent [0] as given (any encoding). */
  readonly eContent?: Uint8Array;
  readonly signerInfo?: (elements: Uint8Array[]) => Uint8Array[];
  readonly certificates?: (certificates: Uint8Array[]) => Uint8Array[];
  readonly digestAlgorithms?: (algorithms: Uint8Array[]) => Uint8Array[];
}

/** The DER `der` (a SignedData as shomei writes it) with every envelope level in the indefinite form, and the edits of `e`. */
function berEnvelope(der: Uint8Array, e: Envelope = {}): Uint8Array {
  const [contentType, wrapper] = derChildren(der) as [Uint8Array, Uint8Array];
  const [version, digestAlgorithms, encap, certs, signerInfos] = derChildren(derChildren(wrapper)[0]!) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const eContentType = derChildren(encap)[0]!;
  const eContent = e.eContent ?? (e.segments === undefined ? new Uint8Array(0) : indef(contextTag(0, true), indef(CONSTRUCTED_OCTET_STRING, ...e.segments.map((s) => encodeOctetString(s)))));
  const infos = derChildren(signerInfos).map((si) => indef(Tag.SEQUENCE, ...(e.signerInfo ?? ((x) => x))(derChildren(si))));
  const signedData = indef(
    Tag.SEQUENCE,
    version,
    indef(Tag.SET, ...(e.digestAlgorithms ?? ((x) => x))(derChildren(digestAlgorithms))),
    indef(Tag.SEQUENCE, eContentType, eContent),
    indef(contextTag(0, true), ...(e.certificates ?? ((x) => x))(derChildren(certs))),
    indef(Tag.SET, ...infos),
  );
  return indef(Tag.SEQUENCE, contentType, indef(contextTag(0, true), signedData));
}

/** The DER `der` with `eContent` attached (DER throughout). */
function derAttached(der: Uint8Array, eContent: Uint8Array): Uint8Array {
  const [contentType, wrapper] = derChildren(der) as [Uint8Array, Uint8Array];
  const [version, digestAlgorithms, encap, ...rest] = derChildren(derChildren(wrapper)[0]!);
  const encapContentInfo = encodeSequence(derChildren(encap!)[0]!, encodeTlv(contextTag(0, true), encodeOctetString(eContent)));
  return encodeSequence(contentType, encodeTlv(contextTag(0, true), encodeSequence(version!, digestAlgorithms!, encapContentInfo, ...rest)));
}

/** The children of a BER TLV, with absolute offsets. */
function berChildren(tlv: BerTlv): BerTlv[] {
  const r = new BerReader(tlv.content, 0, tlv.content.length, tlv.contentOffset);
  const out: BerTlv[] = [];
  while (!r.atEnd()) out.push(r.next('child'));
  return out;
}

/** The encapContentInfo of a SignedData written by OpenSSL (BER or DER). */
function encapOf(cms: Uint8Array): BerTlv {
  const contentInfo = new BerReader(cms).next('ContentInfo');
  const signedData = berChildren(berChildren(contentInfo)[1]!)[0]!;
  return berChildren(signedData)[2]!;
}

/** `cms` with the bytes of `tlv` replaced (its ancestors must have indefinite lengths). */
function splice(cms: Uint8Array, tlv: BerTlv, replacement: Uint8Array): Uint8Array {
  return concat(cms.subarray(0, tlv.offset), replacement, cms.subarray(tlv.offset + tlv.der.length));
}

const checks = (r: { signers: readonly { checks: readonly { id: string; status: string }[] }[] }) => r.signers.flatMap((s) => s.checks.map((c) => `${c.id}:${c.status}`));
const PASSED = ['CONTENT_TYPE:passed', 'MESSAGE_DIGEST:passed', 'DIGEST_ALGORITHM:passed', 'SIGNATURE:passed', 'SIGNING_CERTIFICATE:skipped', 'SIGNER_PURPOSE:passed', 'CERTIFICATE_CHAIN:passed'];

describe.skipIf(!OPENSSL)('what openssl cms -sign writes', () => {
  it('-nodetach (attached, DER): verifyAttachedCms returns the content; verifyDetachedCms needs the same bytes', async () => {
    const cms = opensslSign('-nodetach');
    const r = await verifyAttachedCms(cms, { anchors: [ca] });
    expect([r.valid, checks(r)]).toEqual([true, PASSED]);
    expect(r.content).toEqual(content);
    expect((await verifyDetachedCms(cms, content, { anchors: [ca] })).valid).toBe(true);
    const other = await rejectsWith(verifyDetachedCms(cms, utf8Encode('another document'), { anchors: [ca] }), 'ERR_JPKI_CMS');
    expect(other.message).toMatch(/differs from the content given/);
  });

  for (const [name, flags] of [
    ['-nodetach -stream', ['-nodetach', '-stream']],
    ['-stream (OpenSSL 3.0 then writes the content too)', ['-stream']],
  ] as const) {
    it(`${name} (BER, eContent a constructed OCTET STRING of segments): verifies`, async () => {
      const cms = opensslSign(...flags);
      const encap = encapOf(cms);
      // What this test is about: indefinite lengths, and the content in several segments.
      expect([cms[1], encap.indefinite]).toEqual([0x80, true]);
      const octets = berChildren(berChildren(encap)[1]!)[0]!;
      expect([octets.tag, berChildren(octets).length]).toEqual([CONSTRUCTED_OCTET_STRING, 3]);
      const r = await verifyAttachedCms(cms, { anchors: [ca] });
      expect([r.valid, checks(r)]).toEqual([true, PASSED]);
      expect(r.content).toEqual(content);
      expect((await verifyDetachedCms(cms, content, { anchors: [ca] })).valid).toBe(true);
    });
  }

  it('-stream without its eContent (detached BER, as BouncyCastle streams it): verifies, as with openssl', async () => {
    const streamed = opensslSign('-stream');
    const encap = encapOf(streamed);
    const detached = splice(streamed, encap, indef(Tag.SEQUENCE, berChildren(encap)[0]!.der));
    expect((await verifyDetachedCms(detached, content, { anchors: [ca] })).valid).toBe(true);
    expect(opensslVerifies(detached, true)).toBe(true);
    await rejectsWith(verifyAttachedCms(detached, { anchors: [ca] }), 'ERR_JPKI_CMS');
  });

  it('a changed eContent: MESSAGE_DIGEST fails (over the concatenated segments), as openssl refuses it', async () => {
    const streamed = opensslSign('-nodetach', '-stream');
    const encap = encapOf(streamed);
    const tampered = content.slice();
    tampered[5000] = tampered[5000]! ^ 1;
    const cms = splice(streamed, encap, indef(Tag.SEQUENCE, berChildren(encap)[0]!.der, indef(contextTag(0, true), indef(CONSTRUCTED_OCTET_STRING, encodeOctetString(tampered)))));
    const r = await verifyAttachedCms(cms, { anchors: [ca] });
    expect(r.valid).toBe(false);
    expect(r.signers[0]!.checks.find((c) => c.id === 'MESSAGE_DIGEST')?.status).toBe('failed');
    expect(r.content).toEqual(tampered);
    expect(opensslVerifies(cms, false)).toBe(false);
  });

  it('100,000 empty segments around the content: read in one pass, still valid, as for openssl', async () => {
    const streamed = opensslSign('-nodetach', '-stream');
    const encap = encapOf(streamed);
    const empties = new Uint8Array(200_000).fill(0).map((_, i) => (i % 2 === 0 ? Tag.OCTET_STRING : 0));
    const cms = splice(streamed, encap, indef(Tag.SEQUENCE, berChildren(encap)[0]!.der, indef(contextTag(0, true), indef(CONSTRUCTED_OCTET_STRING, empties, encodeOctetString(content), empties))));
    const r = await verifyAttachedCms(cms, { anchors: [ca] });
    expect([r.valid, r.content]).toEqual([true, content]);
    expect(opensslVerifies(cms, false)).toBe(true);
  });

  it('malformed BER in the envelope: ERR_JPKI_CMS, and openssl refuses it too', async () => {
    const streamed = opensslSign('-nodetach', '-stream');
    const encap = encapOf(streamed);
    const eContentType = berChildren(encap)[0]!.der;
    const withEncap = (...parts: Uint8Array[]) => splice(streamed, encap, indef(Tag.SEQUENCE, eContentType, ...parts));
    const hostile: [string, Uint8Array][] = [
      ['missing end-of-contents (truncated)', streamed.subarray(0, streamed.length - 2)],
      ['indefinite length on a primitive OCTET STRING', withEncap(indef(contextTag(0, true), concat(Uint8Array.of(Tag.OCTET_STRING, 0x80), content, EOC)))],
      ['a segment that is not an OCTET STRING', withEncap(indef(contextTag(0, true), indef(CONSTRUCTED_OCTET_STRING, encodeOctetString(content), Uint8Array.of(Tag.INTEGER, 1, 0))))],
      ['two OCTET STRINGs in eContent', withEncap(indef(contextTag(0, true), encodeOctetString(content), encodeOctetString(content)))],
      ['a segment length running past the end', withEncap(indef(contextTag(0, true), indef(CONSTRUCTED_OCTET_STRING, Uint8Array.of(Tag.OCTET_STRING, 0x84, 0x7f, 0xff, 0xff, 0xff), content)))],
      ['a segment missing its end-of-contents', concat(withEncap().subarray(0, encap.offset), Uint8Array.of(Tag.SEQUENCE, 0x80), eContentType, Uint8Array.of(0xa0, 0x80, 0x24, 0x80, 0x04, 0x01, 0x61))],
    ];
    for (const [name, cms] of hostile) {
      await rejectsWith(verifyAttachedCms(cms, { anchors: [ca] }), 'ERR_JPKI_CMS');
      await rejectsWith(verifyDetachedCms(cms, content, { anchors: [ca] }), 'ERR_JPKI_CMS');
      expect(opensslVerifies(cms, false), name).toBe(false);
    }
  });
});

describe('a BER envelope around the same signature', () => {
  for (const [name, backend] of BACKENDS) {
    it(`gives the same report as its DER form, detached and attached (${name})`, async () => {
      const options = { anchors: [ca], now: NOW, backend };
      const der = await verifyDetachedCms(p7s, content, options);
      expect(der.valid).toBe(true);
      expect(await verifyDetachedCms(berEnvelope(p7s), content, options)).toEqual(der);
      const attached = await verifyAttachedCms(derAttached(p7s, content), options);
      expect(attached).toEqual({ ...der, content });
      const segments = [content.subarray(0, 1000), content.subarray(1000, 1000), content.subarray(1000)];
      expect(await verifyAttachedCms(berEnvelope(p7s, { segments }), options)).toEqual({ ...der, content });
      expect(await verifyDetachedCms(berEnvelope(p7s, { segments }), content, options)).toEqual(der);
    });
  }

  it('any mix of definite and indefinite lengths, any segmentation: the same report, and the content (property)', async () => {
    const options = { anchors: [ca], now: NOW };
    const der = await verifyDetachedCms(p7s, content, options);
    const [contentType, wrapper] = derChildren(p7s) as [Uint8Array, Uint8Array];
    const [version, digestAlgorithms, encap, certs, signerInfos] = derChildren(derChildren(wrapper)[0]!) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        fc.uniqueArray(fc.integer({ min: 1, max: content.length - 1 }), { maxLength: 5 }),
        fc.constantFrom('detached', 'primitive', 'segments', 'nested'),
        async (indefinite, cuts, eContentForm) => {
          const enc = (level: number, tag: number, ...parts: Uint8Array[]) => (indefinite[level] ? indef(tag, ...parts) : encodeTlv(tag, ...parts));
          const bounds = [0, ...cuts.sort((a, b) => a - b), content.length];
          const segments = bounds.slice(1).map((end, i) => encodeOctetString(content.subarray(bounds[i], end)));
          const half = Math.ceil(segments.length / 2);
          const octets = {
            detached: undefined,
            primitive: encodeOctetString(content),
            segments: enc(8, CONSTRUCTED_OCTET_STRING, ...segments),
            nested: enc(8, CONSTRUCTED_OCTET_STRING, ...segments.slice(0, half), enc(9, CONSTRUCTED_OCTET_STRING, ...segments.slice(half))),
          }[eContentForm];
          const eContent = octets === undefined ? [] : [enc(5, contextTag(0, true), octets)];
          const infos = derChildren(signerInfos).map((si) => enc(6, Tag.SEQUENCE, ...derChildren(si)));
          const signedData = enc(
            2,
            Tag.SEQUENCE,
            version,
            enc(3, Tag.SET, ...derChildren(digestAlgorithms)),
            enc(4, Tag.SEQUENCE, derChildren(encap)[0]!, ...eContent),
            enc(7, contextTag(0, true), ...derChildren(certs)),
            enc(3, Tag.SET, ...infos),
          );
          const cms = enc(0, Tag.SEQUENCE, contentType, enc(1, contextTag(0, true), signedData));
          expect(await verifyDetachedCms(cms, content, options)).toEqual(der);
          if (octets !== undefined) expect(await verifyAttachedCms(cms, options)).toEqual({ ...der, content });
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads nested constructed segments (X.690 §8.7.3) and BER definite lengths in the envelope', async () => {
    const options = { anchors: [ca], now: NOW };
    const nested = indef(CONSTRUCTED_OCTET_STRING, encodeOctetString(content.subarray(0, 10)), indef(CONSTRUCTED_OCTET_STRING, encodeOctetString(content.subarray(10, 20))), encodeOctetString(content.subarray(20)));
    const r = await verifyAttachedCms(berEnvelope(p7s, { eContent: indef(contextTag(0, true), nested) }), options);
    expect([r.valid, r.content]).toEqual([true, content]);
    // Constructed segments of definite length, one inside another.
    const definite = encodeTlv(CONSTRUCTED_OCTET_STRING, encodeOctetString(content.subarray(0, 7)), encodeTlv(CONSTRUCTED_OCTET_STRING, encodeOctetString(content.subarray(7))));
    const d = await verifyAttachedCms(berEnvelope(p7s, { eContent: indef(contextTag(0, true), definite) }), options);
    expect([d.valid, d.content]).toEqual([true, content]);
    // A definite length in a longer form than needed (BER, not DER) on ContentInfo: read.
    const inner = p7s.subarray(4); // shomei writes 30 82 LL LL
    const longForm = concat(Uint8Array.of(Tag.SEQUENCE, 0x84, 0, 0, inner.length >> 8, inner.length & 0xff), inner);
    expect((await verifyDetachedCms(longForm, content, options)).valid).toBe(true);
  });

  it('verifyAttachedCms refuses a detached SignedData; verifyDetachedCms refuses attached content of other bytes', async () => {
    const detached = await rejectsWith(verifyAttachedCms(p7s, { anchors: [ca], now: NOW }), 'ERR_JPKI_CMS');
    expect(detached.message).toMatch(/detached/);
    await rejectsWith(verifyAttachedCms(berEnvelope(p7s), { anchors: [ca], now: NOW }), 'ERR_JPKI_CMS');
    const longer = concat(content, Uint8Array.of(0x0a));
    await rejectsWith(verifyDetachedCms(derAttached(p7s, content), longer, { anchors: [ca], now: NOW }), 'ERR_JPKI_CMS');
    await rejectsWith(verifyDetachedCms(berEnvelope(p7s, { segments: [content] }), content.subarray(1), { anchors: [ca], now: NOW }), 'ERR_JPKI_CMS');
  });
});

describe('arguments', () => {
  it('p7s or content not a Uint8Array: TypeError naming it (a caller mistake, not bad input)', async () => {
    await expect(verifyAttachedCms(Array.from(p7s) as unknown as Uint8Array)).rejects.toThrow(new TypeError('p7s must be a Uint8Array'));
    await expect(verifyDetachedCms(p7s, 'contract' as unknown as Uint8Array)).rejects.toThrow(new TypeError('content must be a Uint8Array'));
  });
});

describe('what must stay DER, and malformed BER', () => {
  const refused = async (cms: Uint8Array, message?: RegExp) => {
    const e = await rejectsWith(verifyDetachedCms(cms, content, { anchors: [ca], now: NOW }), 'ERR_JPKI_CMS');
    if (message) expect(e.message).toMatch(message);
  };

  it('signedAttrs with an indefinite length or a long-form length: refused (RFC 5652 §5.3, the signature covers their DER)', async () => {
    const indefinite = (el: Uint8Array[]) => el.map((x) => (x[0] === contextTag(0, true) ? indef(contextTag(0, true), ...derChildren(x)) : x));
    await refused(berEnvelope(p7s, { signerInfo: indefinite }), /signedAttrs.*must be DER/);
    const longForm = (el: Uint8Array[]) =>
      el.map((x) => {
        if (x[0] !== contextTag(0, true)) return x;
        const body = concat(...derChildren(x));
        return concat(Uint8Array.of(contextTag(0, true), 0x84, 0, 0, body.length >> 8, body.length & 0xff), body);
      });
    await refused(berEnvelope(p7s, { signerInfo: longForm }), /signedAttrs.*must be DER/);
  });

  it('a certificate, an AlgorithmIdentifier, the sid or an OID in the indefinite form: refused', async () => {
    const indefSequence = (der: Uint8Array) => indef(Tag.SEQUENCE, ...derChildren(der));
    await refused(berEnvelope(p7s, { certificates: (c) => [indefSequence(c[0]!), ...c.slice(1)] }), /certificate must be DER/);
    await refused(berEnvelope(p7s, { digestAlgorithms: (a) => a.map(indefSequence) }), /digest algorithm must be DER/);
    await refused(berEnvelope(p7s, { signerInfo: ([v, sid, alg, ...rest]) => [v!, sid!, indefSequence(alg!), ...rest] }), /digestAlgorithm must be DER/);
    await refused(berEnvelope(p7s, { signerInfo: ([v, sid, ...rest]) => [v!, indefSequence(sid!), ...rest] }), /sid must be DER/);
    const [contentType, wrapper] = derChildren(p7s) as [Uint8Array, Uint8Array];
    await refused(indef(Tag.SEQUENCE, concat(Uint8Array.of(Tag.OID, 0x80), contentType.subarray(2), EOC), wrapper), /indefinite length on a primitive/);
  });

  it('end-of-contents inside a definite-length parent, missing, misplaced or malformed: refused', async () => {
    const ber = berEnvelope(p7s);
    await refused(ber.subarray(0, ber.length - 2), /missing end-of-contents|unexpected end/);
    await refused(concat(ber, EOC), /trailing data/);
    // 00 00 inside the definite-length digestAlgorithms SET of the DER form.
    const [contentType, wrapper] = derChildren(p7s) as [Uint8Array, Uint8Array];
    const [version, digestAlgorithms, ...rest] = derChildren(derChildren(wrapper)[0]!);
    const withEoc = encodeSequence(contentType, encodeTlv(contextTag(0, true), encodeSequence(version!, encodeTlv(Tag.SET, ...derChildren(digestAlgorithms!), EOC), ...rest)));
    await refused(withEoc, /end-of-contents octets where an element was expected/);
    // Tag 0 with a length, as an element of an indefinite-length SET.
    await refused(berEnvelope(p7s, { digestAlgorithms: (a) => [...a, Uint8Array.of(0, 1, 0)] }), /end-of-contents/);
    // An indefinite-length segment whose end-of-contents would lie past its definite-length parent.
    const unclosed = indef(CONSTRUCTED_OCTET_STRING, encodeOctetString(content), Uint8Array.of(CONSTRUCTED_OCTET_STRING, 5, CONSTRUCTED_OCTET_STRING, 0x80, Tag.OCTET_STRING, 1, 0x61));
    await refused(berEnvelope(p7s, { eContent: indef(contextTag(0, true), unclosed) }), /missing its end-of-contents/);
    // An indefinite length at the top with nothing after it, and a lone 0x80.
    await refused(Uint8Array.of(Tag.SEQUENCE, 0x80), /missing end-of-contents/);
    await refused(Uint8Array.of(Tag.SEQUENCE, 0x80, 0x00), /missing end-of-contents|unexpected end/);
  });

  it(`nesting deeper than ${MAX_BER_DEPTH} levels: refused without recursion (100,000 levels, and nested segments)`, async () => {
    const deep = new Uint8Array(200_000).map((_, i) => (i % 2 === 0 ? Tag.SEQUENCE : 0x80));
    await refused(deep, /nested deeper/);
    let segment = encodeOctetString(content);
    for (let i = 0; i < MAX_BER_DEPTH; i++) segment = indef(CONSTRUCTED_OCTET_STRING, segment);
    await refused(berEnvelope(p7s, { eContent: indef(contextTag(0, true), segment) }), /nested deeper/);
  });
});
