/**
 * Hostile input to the mdoc verifiers (ISO/IEC 18013-5 §9.3.1, mdoc reader verification):
 * verifyDeviceResponse and verifyIssuerSigned on mutated versions of the honestly signed
 * field-interop fixtures (vectors/interop/mdoc-deviations.json), with every deviation
 * tolerated and every waivable Annex B check waived. A mutated response must never verify
 * with a different meaning (disclosed values, docType, validity, device key), and nothing but
 * a ShomeiError may escape (verifyDeviceResponse: nothing at all for bad bytes).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ecPrivateKeyFromScalar } from '../../src/crypto/index.js';
import { fromHex } from '../../src/internal/bytes.js';
import {
  decodeDeviceResponse,
  encodeIssuerSigned,
  MDOC_DEVIATIONS,
  type VerifyDeviceResponseResult,
  type VerifyIssuerSignedResult,
  verifyDeviceResponse,
  verifyIssuerSigned,
  waivableCheckIds,
} from '../../src/mdoc/index.js';
import type { FieldFixtures } from '../interop/field-fixtures.js';
import { applyByteMutation, applyTreeEdit, byteMutation, hex, sameBytes, treeEdit } from './helpers.js';

const fixtures = JSON.parse(readFileSync(new URL('../../vectors/interop/mdoc-deviations.json', import.meta.url), 'utf8')) as FieldFixtures;
const anchor = fromHex(fixtures.trust_anchor_hex);
const transcript = fromHex(fixtures.session_transcript_hex);
const now = new Date(fixtures.now);
// The reader's ephemeral key, so that the deviceMac cases verify too.
const eReaderKey = ecPrivateKeyFromScalar('P-256', fromHex(fixtures.reader_key_hex));
const OPTIONS = { trustAnchors: [anchor], sessionTranscript: transcript, eReaderKey, now, tolerate: MDOC_DEVIATIONS, waive: waivableCheckIds() } as const;
const cases = fixtures.cases.map((c) => fromHex(c.hex));
const issuerSigned = fixtures.cases.map((c) => {
  const doc = decodeDeviceResponse(fromHex(c.hex)).documents[0]!;
  return { bytes: encodeIssuerSigned(doc.issuerSigned), docType: doc.docType };
});
const RUNS = 1500;

/**
 * What a verified response means: per document, the signed facts a relying party acts on
 * (docType, MSO validity and device key, device-signed elements) and the issuer-signed
 * elements disclosed, one string per element so that withholding one can be told apart from
 * changing one.
 */
interface Meaning {
  readonly fixed: string;
  readonly elements: ReadonlyMap<string, string>;
}
function meaning(r: VerifyDeviceResponseResult | VerifyIssuerSignedResult): Meaning[] {
  const docs = 'documents' in r ? r.documents : [{ ...r, deviceSigned: null }];
  return docs.map((d) => ({
    fixed: stable({ docType: d.docType, device: d.deviceSigned, validity: d.mso?.validityInfo, deviceKey: d.mso?.deviceKeyInfo, mso: d.mso?.docType, digestAlgorithm: d.mso?.digestAlgorithm }),
    elements: new Map(Object.entries(d.issuerSigned).flatMap(([ns, els]) => Object.entries(els).map(([id, v]) => [`${ns}/${id}`, stable(v)] as const))),
  }));
}

/**
 * Every document of a valid mutated result must be one of the original documents, with at
 * most fewer issuer-signed elements (withholding is what a holder may do; a documents array
 * holding one signed document twice repeats the same facts). Returns the first difference.
 */
function forgery(mutated: Meaning[], original: Meaning[]): string | undefined {
  for (const m of mutated) {
    const same = original.find((o) => o.fixed === m.fixed && [...m.elements].every(([k, v]) => o.elements.get(k) === v));
    if (same === undefined) return `${m.fixed} ${JSON.stringify([...m.elements])}`;
  }
  return undefined;
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Uint8Array) return `h'${hex(x)}'`;
    if (x instanceof Map) return [...x.entries()];
    if (typeof x === 'bigint') return `${x}n`;
    if (x instanceof Date) return x.toISOString();
    if (x !== null && typeof x === 'object' && !Array.isArray(x)) {
      const o: Record<string, unknown> = { $class: x.constructor?.name };
      for (const key of Object.keys(x).sort()) o[key] = (x as Record<string, unknown>)[key];
      if ('value' in x && !('value' in o)) o.value = (x as { value: unknown }).value;
      return o;
    }
    return x;
  });
}

const originalMeaning = new Map<number, Meaning[]>();
async function baseline(i: number): Promise<Meaning[]> {
  let m = originalMeaning.get(i);
  if (m === undefined) {
    const r = await verifyDeviceResponse(cases[i]!, OPTIONS);
    expect(r.valid, fixtures.cases[i]!.name).toBe(true);
    m = meaning(r);
    originalMeaning.set(i, m);
  }
  return m;
}

/** A mutated response: must not throw; when valid, it must mean exactly what the original meant. */
const reached = { decoded: 0, documents: 0, valid: 0 };
async function checkResponse(i: number, mutated: Uint8Array): Promise<void> {
  const r = await verifyDeviceResponse(mutated, OPTIONS);
  if (r.checks.some((c) => c.id === 'RESPONSE_STRUCTURE' && c.status === 'passed')) reached.decoded++;
  if (r.documents.length > 0) reached.documents++;
  if (r.valid) reached.valid++;
  if (!r.valid) {
    expect(r.checks.length + r.documents.length).toBeGreaterThan(0);
    return;
  }
  if (sameBytes(mutated, cases[i]!)) return;
  // Valid after a mutation: only acceptable when nothing the signatures cover changed.
  expect(forgery(meaning(r), await baseline(i)), `forgery? ${fixtures.cases[i]!.name}: ${hex(mutated)}`).toBeUndefined();
}

describe('verifyDeviceResponse on mutated field fixtures (every deviation tolerated, every Annex B check waived)', () => {
  it('each fixture verifies as given (the properties start from valid inputs)', async () => {
    for (let i = 0; i < cases.length; i++) await baseline(i);
  });

  it('byte flips, truncations, insertions, deletions and splices between cases never verify with another meaning, never throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: cases.length - 1 }), fc.nat({ max: cases.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (i, j, ms) => {
        let bytes = cases[i]!;
        for (const m of ms) bytes = applyByteMutation(bytes, m, cases[j]!);
        await checkResponse(i, bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('structure-aware edits (decode, change one value, key or tag anywhere incl. tag-24 contents, re-encode) never verify with another meaning', async () => {
    let edited = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: cases.length - 1 }), fc.array(treeEdit, { minLength: 1, maxLength: 2 }), async (i, edits) => {
        let bytes: Uint8Array | undefined = cases[i]!;
        for (const e of edits) bytes = bytes === undefined ? undefined : applyTreeEdit(bytes, e);
        if (bytes === undefined) return;
        edited++;
        await checkResponse(i, bytes);
      }),
      { numRuns: RUNS },
    );
    expect(edited).toBeGreaterThan(RUNS / 2);
  });

  it('the mutations are not all rejected at the first byte: many decode and reach the per-document checks', () => {
    if (process.env.SHOMEI_HOSTILE_STATS) console.log('verifyDeviceResponse mutations', reached);
    expect(reached.documents).toBeGreaterThan(RUNS / 4);
  });
});

describe('verifyIssuerSigned on mutated IssuerSigned', () => {
  const base = new Map<number, Meaning[]>();
  async function check(i: number, mutated: Uint8Array): Promise<void> {
    // Like verifyDeviceResponse, it reports bad bytes (ISSUER_SIGNED_STRUCTURE) and never throws for them.
    const r: VerifyIssuerSignedResult = await verifyIssuerSigned(mutated, { ...OPTIONS, docType: issuerSigned[i]!.docType });
    if (!r.valid || sameBytes(mutated, issuerSigned[i]!.bytes)) return;
    if (!base.has(i)) {
      const orig = await verifyIssuerSigned(issuerSigned[i]!.bytes, { ...OPTIONS, docType: issuerSigned[i]!.docType });
      expect(orig.valid).toBe(true);
      base.set(i, meaning(orig));
    }
    expect(forgery(meaning(r), base.get(i)!), `forgery? ${fixtures.cases[i]!.name}: ${hex(mutated)}`).toBeUndefined();
  }

  it('byte mutations: never throws, an invalid report or the same meaning', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: cases.length - 1 }), fc.nat({ max: cases.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 3 }), async (i, j, ms) => {
        let bytes = issuerSigned[i]!.bytes;
        for (const m of ms) bytes = applyByteMutation(bytes, m, issuerSigned[j]!.bytes);
        await check(i, bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('structure-aware edits: never throws, an invalid report or the same meaning', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: cases.length - 1 }), treeEdit, async (i, e) => {
        const bytes = applyTreeEdit(issuerSigned[i]!.bytes, e);
        if (bytes !== undefined) await check(i, bytes);
      }),
      { numRuns: RUNS },
    );
  });
});
