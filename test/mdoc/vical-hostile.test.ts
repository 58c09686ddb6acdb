/**
 * Hostile input to verifyVical (ISO/IEC 18013-5 Annex C): byte-level and structure-aware
 * mutations of an honestly signed VICAL. Nothing may escape as an exception, and a mutated
 * list that still verifies must give exactly the trust anchors of the original (the
 * signature covers the payload: an attacker cannot add an IACA or widen its doctypes).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/cbor/index.js';
import { decodeCoseSign1 } from '../../src/cose/index.js';
import { nobleBackend } from '../../src/crypto/index.js';
import { isShomeiError } from '../../src/errors.js';
import { toHex } from '../../src/internal/bytes.js';
import { decodeVical, MAX_VICAL_ENTRIES, type VerifyVicalResult, verifyVical, vicalEntries, vicalTrustAnchors } from '../../src/mdoc/index.js';
import { applyByteMutation, applyTreeEdit, byteMutation, treeEdit } from '../hostile/helpers.js';
import { NOW } from './fixtures.js';
import { sampleVical, type VicalPki, vicalPki } from './vical-fixtures.js';

const backend = nobleBackend;
let pki: VicalPki;
let bytes: Uint8Array;
let meaning: string;

/** What a verified list means: each anchor's certificate and restrictions. */
function meaningOf(r: VerifyVicalResult): string {
  return JSON.stringify(vicalTrustAnchors(r).map((a) => [toHex(a.certificate.der), a.docTypes, a.countries ?? null]));
}

beforeAll(async () => {
  pki = await vicalPki(backend);
  bytes = await sampleVical(pki, backend);
  meaning = meaningOf(await verifyVical(bytes, { trustAnchors: [pki.root], now: NOW, backend }));
});

async function check(mutated: Uint8Array): Promise<void> {
  const r = await verifyVical(mutated, { trustAnchors: [pki.root], now: NOW, backend });
  if (r.valid) expect(meaningOf(r)).toBe(meaning);
  else expect(() => vicalTrustAnchors(r)).toThrow(expect.objectContaining({ code: 'ERR_VICAL_UNTRUSTED' }));
}

describe('verifyVical on mutated input', () => {
  it('never throws, and never verifies with another meaning (byte mutations)', async () => {
    await fc.assert(
      fc.asyncProperty(byteMutation, async (m) => check(applyByteMutation(bytes, m))),
      { numRuns: 300, seed: 1313 },
    );
  });

  it('never throws, and never verifies with another meaning (structure-aware edits)', async () => {
    await fc.assert(
      fc.asyncProperty(treeEdit, async (edit) => {
        const mutated = applyTreeEdit(bytes, edit);
        if (mutated !== undefined) await check(mutated);
      }),
      { numRuns: 300, seed: 1314 },
    );
  });

  it('reads a list of 2,000 copies of one entry, keeping only the first (linear duplicate detection)', () => {
    const payload = decode(decodeCoseSign1(bytes).payload!) as Map<string, unknown>;
    const first = (payload.get('certificateInfos') as unknown[])[0];
    payload.set('certificateInfos', Array.from({ length: 2000 }, () => first));
    const entries = vicalEntries(decodeVical(encode(payload as never)));
    expect(entries.filter((e) => e.usable).map((e) => e.index)).toEqual([0]);
    expect(entries.slice(1).every((e) => e.findings.some((f) => f.id === 'DUPLICATE_ENTRY'))).toBe(true);
  });

  it('reads a list of 5,000 distinct entries, more CBOR items than the decoder reads by default (fuzz finding)', () => {
    const payload = decode(decodeCoseSign1(bytes).payload!) as Map<string, unknown>;
    const first = (payload.get('certificateInfos') as Map<string, unknown>[])[0]!;
    const many = Array.from({ length: 5000 }, (_, i) => new Map([...first, ['issuingAuthority', `authority ${i}`], ['docType', ['org.iso.18013.5.1.mDL', `org.example.${i}`]]]));
    payload.set('certificateInfos', many);
    const encoded = encode(payload as never);
    expect(() => decode(encoded)).toThrow(/more than 100000 data items/);
    expect(decodeVical(encoded).certificateInfos).toHaveLength(5000);
    // The item budget follows the entry limit, and the payload's size: a payload of
    // one-byte items gets no more than the decoder's default.
    expect(() => decodeVical(encoded, { maxEntries: 1000 })).toThrow(expect.objectContaining({ code: 'ERR_VICAL_STRUCTURE', message: expect.stringMatching(/data items/) }));
    const empties = encode(new Map<string, unknown>([['certificateInfos', Array.from({ length: 150_000 }, () => new Map())]]) as never);
    expect(() => decodeVical(empties)).toThrow(expect.objectContaining({ code: 'ERR_VICAL_STRUCTURE', message: expect.stringMatching(/more than 100000 data items/) }));
  });

  it('stops at the entry limit before reading the entries', () => {
    const entries = Array.from({ length: MAX_VICAL_ENTRIES + 1 }, () => 0);
    const payload = encode(new Map<string, unknown>([['certificateInfos', entries]]) as never);
    try {
      decodeVical(payload);
      expect.unreachable();
    } catch (e) {
      expect(isShomeiError(e, 'ERR_VICAL_STRUCTURE')).toBe(true);
      expect((e as Error).message).toMatch(/more than the limit/);
    }
  });
});
