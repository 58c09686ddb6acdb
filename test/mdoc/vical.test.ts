/** VICAL (ISO/IEC 18013-5 Annex C): build, decode, verify, findings, and trust anchors restricted to the listed doctypes. */
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, encode, Tag, TDate } from '../../src/cbor/index.js';
import { decodeCoseSign1, encodeCoseSign1, signCoseSign1 } from '../../src/cose/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { isShomeiError, type MdocError } from '../../src/errors.js';
import {
  buildVical,
  decodeVical,
  encodeVicalPayload,
  loadVicalTrustAnchors,
  MAX_VICAL_SIZE,
  VicalCheck,
  VicalFindingId,
  type VerifyVicalResult,
  verifyVical,
  vicalTrustAnchors,
} from '../../src/mdoc/index.js';
import { toHex } from '../../src/internal/bytes.js';
import { BACKENDS } from '../helpers/backends.js';
import { ExtKeyUsageOid } from '../../src/x509/index.js';
import { NOW } from './fixtures.js';
import { DAY, MDL, MNC, sampleVical, type VicalPki, vicalPki } from './vical-fixtures.js';

const backend = nobleBackend;
let pki: VicalPki;
let bytes: Uint8Array;

beforeAll(async () => {
  pki = await vicalPki(backend);
  bytes = await sampleVical(pki, backend);
});

const options = () => ({ trustAnchors: [pki.root], now: NOW, backend });
const status = (r: VerifyVicalResult, id: string) => r.checks.find((c) => c.id === id)?.status;
const failed = (r: VerifyVicalResult) => r.checks.filter((c) => c.status === 'failed').map((c) => c.id);

function expectVicalError(f: () => unknown, code: string, path?: RegExp): void {
  try {
    f();
  } catch (e) {
    expect(isShomeiError(e)).toBe(true);
    expect((e as MdocError).code).toBe(code);
    if (path !== undefined) expect((e as MdocError).path).toMatch(path);
    return;
  }
  throw new Error('no error thrown');
}

describe('verifyVical', () => {
  it('verifies a VICAL it built and exposes each IACA with its metadata', async () => {
    const r = await verifyVical(bytes, options());
    expect(failed(r)).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.vical?.vicalProvider).toBe('Example Provider');
    expect(r.vical?.vicalIssueID).toBe(42);
    expect(r.signer?.subject.text).toContain('Example VICAL signer');
    expect(r.anchor?.subject.text).toContain('Example VICAL root');
    expect(r.entries.map((e) => [e.info.issuingAuthority, e.info.issuingCountry, e.info.stateOrProvinceName, e.info.docType, e.usable, e.findings])).toEqual([
      ['Example DMV', 'US', 'CA', [MDL], true, []],
      ['Example J-LIS', 'JP', undefined, [MNC], true, []],
    ]);
    expect(r.entries[0]!.info.notAfter?.date).toEqual(pki.us.iaca.notAfter);
    expect(r.entries[0]!.info.subject).toEqual(pki.us.iaca.subject.der);
    expect(status(r, VicalCheck.VICAL_NEXT_UPDATE)).toBe('passed');
    expect(status(r, 'VICAL_SIGNER_CHAIN.VICAL_SIGNER_EKU')).toBe('passed');
  });

  it('writes serialNumber as biguint (tag 2) even for a small serial, and reads a plain uint too', async () => {
    const payload = encodeVicalPayload({ vicalProvider: 'p', date: NOW, certificateInfos: [{ certificate: pki.us.iaca, docType: [MDL], serialNumber: 5n }] });
    const raw = decode(payload) as Map<string, unknown>;
    const info = (raw.get('certificateInfos') as Map<string, unknown>[])[0]!;
    // The decoder turns tag 2 into a bigint; the encoding is 0xc2 0x41 0x05.
    expect(info.get('serialNumber')).toBe(5n);
    expect(toHex(payload)).toContain('c24105');
    info.set('serialNumber', 7);
    expect(decodeVical(encode(raw as never)).certificateInfos[0]!.serialNumber).toBe(7n);
  });

  it('turns the list into anchors restricted to the listed doctypes, named by the list', async () => {
    const anchors = vicalTrustAnchors(await verifyVical(bytes, options()));
    expect(anchors.map((a) => [a.certificate.subject.text, a.docTypes, a.countries])).toEqual([
      [pki.us.iaca.subject.text, [MDL], ['US']],
      [pki.jp.iaca.subject.text, [MNC], ['JP']],
    ]);
    expect(anchors[0]!.source).toBe('VICAL Example Provider #42 of ' + TDate.fromDate(new Date(NOW.getTime() - DAY)).text);
    // Filtering by doctype keeps only the IACAs listed for it.
    const mdlOnly = await loadVicalTrustAnchors(bytes, { ...options(), docTypes: [MDL] });
    expect(mdlOnly.map((a) => a.certificate.subject.text)).toEqual([pki.us.iaca.subject.text]);
  });

  it('never throws for truncated input: VICAL_STRUCTURE fails', async () => {
    for (const n of [0, 1, 5, bytes.length >> 1, bytes.length - 1]) {
      const r = await verifyVical(bytes.subarray(0, n), options());
      expect(r.valid).toBe(false);
      expect(status(r, VicalCheck.VICAL_STRUCTURE)).toBe('failed');
      expect(r.entries).toEqual([]);
    }
  });

  it('refuses a signer without the VICAL signer EKU (an mdoc DS certificate)', async () => {
    const wrong = await vicalPki(backend, ExtKeyUsageOid.mdlDS);
    const r = await verifyVical(await sampleVical(wrong, backend), { ...options(), trustAnchors: [wrong.root] });
    expect(failed(r)).toEqual(['VICAL_SIGNER_CHAIN.VICAL_SIGNER_EKU', VicalCheck.VICAL_SIGNER_CHAIN]);
    expect(r.valid).toBe(false);
    expect(() => vicalTrustAnchors(r)).toThrow(/VICAL_SIGNER_CHAIN/);
    // Accepted only when the caller names that EKU.
    const named = await verifyVical(await sampleVical(wrong, backend), { ...options(), trustAnchors: [wrong.root], signerExtendedKeyUsages: [ExtKeyUsageOid.mdlDS] });
    expect(named.valid).toBe(true);
    await expect(verifyVical(bytes, { ...options(), signerExtendedKeyUsages: [] })).rejects.toThrow(TypeError);
  });

  it('refuses a signer that does not chain to the given anchor', async () => {
    const other = await vicalPki(backend);
    const r = await verifyVical(bytes, { ...options(), trustAnchors: [other.root] });
    // The other root has the same name: the path is built and its signature fails.
    expect(failed(r)).toEqual(['VICAL_SIGNER_CHAIN.SIGNATURE', VicalCheck.VICAL_SIGNER_CHAIN]);
    expect(r.valid).toBe(false);
    // An anchor with another name: no path at all.
    const unrelated = await verifyVical(bytes, { ...options(), trustAnchors: [pki.us.iaca] });
    expect(status(unrelated, 'VICAL_SIGNER_CHAIN.TRUST_ANCHOR')).toBe('failed');
    try {
      vicalTrustAnchors(unrelated);
      expect.unreachable();
    } catch (e) {
      expect((e as MdocError).code).toBe('ERR_VICAL_UNTRUSTED');
      expect((e as MdocError).check).toBe('VICAL_SIGNER_CHAIN.TRUST_ANCHOR');
    }
    await expect(loadVicalTrustAnchors(bytes, { ...options(), trustAnchors: [other.root] })).rejects.toMatchObject({ code: 'ERR_VICAL_UNTRUSTED' });
  });

  it('refuses an expired signer, a list past nextUpdate and a list dated in the future', async () => {
    const expired = await vicalPki(backend, ExtKeyUsageOid.vicalSigner, { notBefore: new Date(NOW.getTime() - 400 * DAY), notAfter: new Date(NOW.getTime() - 10 * DAY) });
    const r1 = await verifyVical(await sampleVical(expired, backend), { ...options(), trustAnchors: [expired.root] });
    expect(status(r1, 'VICAL_SIGNER_CHAIN.VALIDITY')).toBe('failed');
    expect(r1.valid).toBe(false);
    const r2 = await verifyVical(bytes, { ...options(), now: new Date(NOW.getTime() + 31 * DAY) });
    expect(failed(r2)).toEqual([VicalCheck.VICAL_NEXT_UPDATE]);
    expect(r2.checks.find((c) => c.id === VicalCheck.VICAL_NEXT_UPDATE)?.detail).toMatch(/out of date/);
    const r3 = await verifyVical(bytes, { ...options(), now: new Date(NOW.getTime() - 2 * DAY) });
    expect(failed(r3)).toEqual([VicalCheck.VICAL_DATE]);
    // Without nextUpdate the check is skipped, not passed.
    const r4 = await verifyVical(await sampleVical(pki, backend, { nextUpdate: undefined as never }), options());
    expect(r4.valid).toBe(true);
    expect(status(r4, VicalCheck.VICAL_NEXT_UPDATE)).toBe('skipped');
  });

  it('refuses a payload changed after signing, and a list signed by another key than its certificate', async () => {
    const sign1 = decodeCoseSign1(bytes);
    const payload = decode(sign1.payload!) as Map<string, unknown>;
    payload.set('vicalProvider', 'Mallory');
    const changed = encodeCoseSign1({ ...sign1, payload: encode(payload as never) });
    const r = await verifyVical(changed, options());
    expect(failed(r)).toEqual([VicalCheck.VICAL_SIGNATURE]);
    const otherKey = await backend.generateKeyPair('P-256');
    const forged = await signCoseSign1({ payload: sign1.payload!, signer: otherKey, unprotectedHeaders: sign1.unprotectedHeaders, backend });
    expect(failed(await verifyVical(encodeCoseSign1(forged), options()))).toEqual([VicalCheck.VICAL_SIGNATURE]);
  });

  it("parses the entries' certificates only once the signature and the signer's chain hold", async () => {
    // A forged list: the entries of a VICAL nobody trusted signed are left unparsed.
    const forged = await signCoseSign1({ payload: decodeCoseSign1(bytes).payload!, signer: await backend.generateKeyPair('P-256'), unprotectedHeaders: decodeCoseSign1(bytes).unprotectedHeaders, backend });
    const r1 = await verifyVical(encodeCoseSign1(forged), options());
    expect(r1.vical?.certificateInfos).toHaveLength(2);
    expect(r1.entries).toEqual([]);
    const untrusted = await verifyVical(bytes, { ...options(), trustAnchors: [pki.us.iaca] });
    expect(untrusted.entries).toEqual([]);
    // Authentic but out of date: the entries are there to read, and the list is still invalid.
    const late = await verifyVical(bytes, { ...options(), now: new Date(NOW.getTime() + 31 * DAY) });
    expect(late.valid).toBe(false);
    expect(late.entries).toHaveLength(2);
  });

  it('reports a missing or unusable signer certificate', async () => {
    const sign1 = decodeCoseSign1(bytes);
    const none = encodeCoseSign1({ ...sign1, unprotectedHeaders: new Map() });
    const r = await verifyVical(none, options());
    expect(status(r, VicalCheck.VICAL_SIGNER_CERTIFICATE)).toBe('failed');
    expect(status(r, VicalCheck.VICAL_SIGNATURE)).toBe('skipped');
    // The list decodes, but the entries' certificates of an unauthenticated list are not parsed.
    expect(r.vical?.certificateInfos).toHaveLength(2);
    expect(r.entries).toEqual([]);
    const junk = encodeCoseSign1({ ...sign1, unprotectedHeaders: new Map([[33, new Uint8Array([0x30, 0x00])]]) });
    expect(status(await verifyVical(junk, options()), VicalCheck.VICAL_SIGNER_CERTIFICATE)).toBe('failed');
    const detached = encodeCoseSign1({ ...sign1, payload: null });
    expect((await verifyVical(detached, options())).checks[0]).toMatchObject({ id: VicalCheck.VICAL_STRUCTURE, status: 'failed' });
  });

  it('checks its options', async () => {
    await expect(verifyVical('x' as never, options())).rejects.toThrow(TypeError);
    await expect(verifyVical(bytes, { now: NOW } as never)).rejects.toThrow(/trustAnchors/);
    await expect(verifyVical(bytes, { ...options(), clockSkewSeconds: -1 })).rejects.toThrow(RangeError);
    await expect(verifyVical(bytes, { ...options(), now: new Date(Number.NaN) })).rejects.toThrow(TypeError);
    expect(() => decodeVical(new Uint8Array(1), { maxEntries: -1 })).toThrow(RangeError);
  });
});

describe('VICAL entries cross-checked against their certificates', () => {
  it('names a SKI or serial that disagrees with the certificate, and leaves the entry out of the anchors', async () => {
    const list = await sampleVical(pki, backend, {
      certificateInfos: [
        { certificate: pki.us.iaca, docType: [MDL], ski: new Uint8Array(20).fill(7) },
        { certificate: pki.jp.iaca, docType: [MNC], serialNumber: 1n },
      ],
    });
    const r = await verifyVical(list, options());
    expect(r.valid).toBe(true); // the list is authentic; its entries are each judged
    expect(r.entries.map((e) => [e.usable, e.findings.map((f) => f.id)])).toEqual([
      [false, [VicalFindingId.SKI_MISMATCH]],
      [false, [VicalFindingId.SERIAL_MISMATCH]],
    ]);
    expect(vicalTrustAnchors(r)).toEqual([]);
  });

  it('keeps only the first of duplicate entries (fail closed: the duplicate cannot widen the doctypes)', async () => {
    const list = await sampleVical(pki, backend, {
      certificateInfos: [
        { certificate: pki.jp.iaca, docType: [MNC] },
        { certificate: pki.jp.iaca, docType: [MDL] },
      ],
    });
    const r = await verifyVical(list, options());
    expect(r.entries[1]!.findings.map((f) => f.id)).toEqual([VicalFindingId.DUPLICATE_ENTRY]);
    expect(vicalTrustAnchors(r).map((a) => a.docTypes)).toEqual([[MNC]]);
  });

  it('reports country, state, name and validity disagreements without dropping the entry', async () => {
    const list = await sampleVical(pki, backend, {
      certificateInfos: [{ certificate: pki.us.iaca, docType: [MDL], issuingCountry: 'JP', stateOrProvinceName: 'NY' }],
    });
    const sign1 = decodeCoseSign1(list);
    const payload = decode(sign1.payload!) as Map<string, unknown>;
    const info = (payload.get('certificateInfos') as Map<string, unknown>[])[0]!;
    info.set('issuer', pki.jp.iaca.subject.der);
    info.set('subject', pki.jp.iaca.subject.der);
    info.set('notBefore', new TDate('2000-01-01T00:00:00Z'));
    const entry = (await verifyVical(await resign(payload), options())).entries[0]!;
    expect(entry.findings.map((f) => f.id)).toEqual([
      VicalFindingId.COUNTRY_MISMATCH,
      VicalFindingId.STATE_MISMATCH,
      VicalFindingId.ISSUER_MISMATCH,
      VicalFindingId.SUBJECT_MISMATCH,
      VicalFindingId.VALIDITY_MISMATCH,
    ]);
    expect(entry.usable).toBe(true);
  });

  it('names an entry whose certificate does not parse', async () => {
    const sign1 = decodeCoseSign1(bytes);
    const payload = decode(sign1.payload!) as Map<string, unknown>;
    (payload.get('certificateInfos') as Map<string, unknown>[])[0]!.set('certificate', new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
    const r = await verifyVical(await resign(payload), options());
    expect(r.entries[0]).toMatchObject({ usable: false, findings: [{ id: VicalFindingId.CERTIFICATE_UNPARSABLE, index: 0 }] });
    expect(vicalTrustAnchors(r)).toHaveLength(1);
  });
});

async function resign(payload: Map<string, unknown>): Promise<Uint8Array> {
  const sign1 = decodeCoseSign1(bytes);
  return encodeCoseSign1(await signCoseSign1({ payload: encode(payload as never), signer: pki.signerKey, unprotectedHeaders: sign1.unprotectedHeaders, backend }));
}

describe('decodeVical (strict CDDL)', () => {
  const base = () => decode(decodeCoseSign1(bytes).payload!) as Map<string, unknown>;
  const info0 = (m: Map<string, unknown>) => (m.get('certificateInfos') as Map<string, unknown>[])[0]!;
  const cases: [string, (m: Map<string, unknown>) => void, RegExp][] = [
    ['a missing version', (m) => m.delete('version'), /^vical\.version$/],
    ['a date that is text, not a tdate', (m) => m.set('date', '2026-01-01T00:00:00Z'), /^vical\.date$/],
    ['a negative vicalIssueID', (m) => m.set('vicalIssueID', -1), /^vical\.vicalIssueID$/],
    ['certificateInfos not an array', (m) => m.set('certificateInfos', {}), /^vical\.certificateInfos$/],
    ['an integer key', (m) => m.set(1 as never, 2), /^vical$/],
    ['an empty docType', (m) => info0(m).set('docType', []), /certificateInfos\[0\]\.docType$/],
    ['a docType that is not text', (m) => info0(m).set('docType', [1]), /certificateInfos\[0\]\.docType\[0\]$/],
    ['a ski that is text', (m) => info0(m).set('ski', 'ab'), /certificateInfos\[0\]\.ski$/],
    ['a serialNumber that is text', (m) => info0(m).set('serialNumber', '01'), /certificateInfos\[0\]\.serialNumber$/],
    ['a negative serialNumber', (m) => info0(m).set('serialNumber', -1), /certificateInfos\[0\]\.serialNumber$/],
    ['extensions that are not a map', (m) => m.set('extensions', []), /^vical\.extensions$/],
    ['an entry that is not a map', (m) => (m.get('certificateInfos') as unknown[]).push(1), /certificateInfos\[2\]$/],
  ];
  for (const [name, edit, path] of cases) {
    it(`refuses ${name} with ERR_VICAL_STRUCTURE`, () => {
      const m = base();
      edit(m);
      expectVicalError(() => decodeVical(encode(m as never)), 'ERR_VICAL_STRUCTURE', path);
    });
  }

  it('allows unknown text keys and reads extensions', () => {
    const m = base();
    m.set('futureField', [1, 2]);
    m.set('extensions', new Map([['x', 1]]));
    expect(decodeVical(encode(m as never)).extensions?.get('x')).toBe(1);
  });

  it('enforces the size and entry limits, and refuses bad CBOR', () => {
    const payload = decodeCoseSign1(bytes).payload!;
    expectVicalError(() => decodeVical(payload, { maxEntries: 1 }), 'ERR_VICAL_STRUCTURE', /certificateInfos/);
    expectVicalError(() => decodeVical(payload, { maxBytes: 100 }), 'ERR_VICAL_STRUCTURE');
    expectVicalError(() => decodeVical(new Uint8Array([0xa1, 0x01])), 'ERR_VICAL_STRUCTURE');
    expectVicalError(() => decodeVical(encode(new Tag(2, new Uint8Array(1)))), 'ERR_VICAL_STRUCTURE', /^vical$/);
  });

  it('verifyVical reports a whole input over maxBytes as a structure failure', async () => {
    const r = await verifyVical(bytes, { ...options(), maxBytes: 64 });
    expect(r.checks[0]).toMatchObject({ id: VicalCheck.VICAL_STRUCTURE, status: 'failed', detail: expect.stringMatching(/more than the limit of 64/) });
    // The default limit holds too: a 17 MiB input is refused before it is decoded.
    const huge = new Uint8Array(MAX_VICAL_SIZE + 1);
    expect((await verifyVical(huge, options())).checks[0]).toMatchObject({ status: 'failed', detail: expect.stringMatching(/more than the limit/) });
  });
});

describe('buildVical', () => {
  it('checks its inputs', async () => {
    const good = { vicalProvider: 'p', date: NOW, certificateInfos: [], signer: pki.signerKey, certificates: [pki.signer.der], backend };
    await expect(buildVical({ ...good, certificates: [] })).rejects.toThrow(TypeError);
    await expect(buildVical({ ...good, vicalProvider: '' })).rejects.toThrow(TypeError);
    await expect(buildVical({ ...good, vicalIssueID: -1 })).rejects.toThrow(RangeError);
    await expect(buildVical({ ...good, certificateInfos: [{ certificate: pki.us.iaca, docType: [] }] })).rejects.toThrow(/docType/);
    // An empty list is a valid VICAL.
    expect((await verifyVical(await buildVical(good), options())).valid).toBe(true);
  });
});

describe.each(BACKENDS)('VICAL with the %s backend', (_name, b) => {
  it('builds, verifies and refuses a changed list the same way', async () => {
    const own = await vicalPki(b);
    const list = await sampleVical(own, b);
    const r = await verifyVical(list, { trustAnchors: [own.root], now: NOW, backend: b });
    expect(r.valid).toBe(true);
    expect(vicalTrustAnchors(r).map((a) => a.docTypes)).toEqual([[MDL], [MNC]]);
    const sign1 = decodeCoseSign1(list);
    const flipped = sign1.signature.slice();
    flipped[0]! ^= 1;
    const bad = await verifyVical(encodeCoseSign1({ ...sign1, signature: flipped }), { trustAnchors: [own.root], now: NOW, backend: b });
    expect(failed(bad)).toEqual([VicalCheck.VICAL_SIGNATURE]);
  });
});
