/**
 * Field interop (issue 9): each named deviation of vectors/interop/mdoc-deviations.json fails
 * strictly as `DEVIATION.<id>` with every other check still evaluated, verifies once
 * tolerated, and none of the hostile variants verifies even with every deviation tolerated.
 * The fixture file is checked to be exactly what test/interop/field-fixtures.ts generates
 * (SHOMEI_WRITE_INTEROP=1 rewrites it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/cbor/index.js';
import { ecPrivateKeyFromScalar } from '../../src/crypto/key-from-secret.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import { decodeDeviceResponse, encodeIssuerSigned, MDOC_DEVIATIONS, type MdocDeviation, verifyDeviceResponse, verifyIssuerSigned } from '../../src/mdoc/index.js';
import { type FieldFixtures, generateFieldFixtures } from './field-fixtures.js';

const FILE = new URL('../../vectors/interop/mdoc-deviations.json', import.meta.url);

const fixtures = JSON.parse(readFileSync(FILE, 'utf8')) as FieldFixtures;
const anchor = fromHex(fixtures.trust_anchor_hex);
const transcript = fromHex(fixtures.session_transcript_hex);
const now = new Date(fixtures.now);
const verify = (hex: string, tolerate: readonly MdocDeviation[] = []) =>
  verifyDeviceResponse(fromHex(hex), { trustAnchors: [anchor], sessionTranscript: transcript, eReaderKey: ecPrivateKeyFromScalar('P-256', fromHex(fixtures.reader_key_hex)), now, tolerate });

const ALWAYS = ['RESPONSE_STRUCTURE', 'DS_CERTIFICATE', 'DS_CHAIN', 'ISSUER_SIGNATURE', 'MSO_STRUCTURE', 'MSO_VALIDITY', 'DIGEST_ALGORITHM', 'VALUE_DIGEST', 'DEVICE_AUTH', 'ISSUING_COUNTRY'];

describe('vectors/interop/mdoc-deviations.json', () => {
  it('is exactly what the generator produces (deterministic)', async () => {
    const generated = await generateFieldFixtures();
    const text = `${JSON.stringify(generated, null, 2)}\n`;
    if (process.env.SHOMEI_WRITE_INTEROP === '1') writeFileSync(FILE, text);
    expect(JSON.parse(text)).toEqual(fixtures);
  }, 60_000);

  it('covers every deviation that a DeviceResponse can carry (EMPTY_DOCUMENTS and DEVICE_SIGNED_MISSING, never valid; the TDATE_* ones and the request-only ones are tested on their own)', () => {
    const covered = new Set(fixtures.cases.map((c) => c.deviation));
    // TDATE_FRACTIONAL_SECONDS is tolerated by default; both are in test/mdoc/mso-tdate.test.ts and captured.test.ts.
    // REQUEST_OPTIONAL_NULL and READER_AUTH_ALL_SINGLE are met only in a DeviceRequest (test/mdoc/device-request-null.test.ts).
    expect(MDOC_DEVIATIONS.filter((d) => !covered.has(d))).toEqual(['EMPTY_DOCUMENTS', 'DEVICE_SIGNED_MISSING', 'REQUEST_OPTIONAL_NULL', 'READER_AUTH_ALL_SINGLE', 'TDATE_FRACTIONAL_SECONDS', 'TDATE_UTC_OFFSET']);
  });

  it('the baseline verifies with no tolerance (a DS without stateOrProvinceName and issuing_jurisdiction returned)', async () => {
    const result = await verify(fixtures.cases.find((c) => c.deviation === null)!.hex);
    expect(result.valid).toBe(true);
    expect(result.documents[0]!.checks.find((c) => c.id === 'ISSUING_JURISDICTION')?.status).toBe('skipped');
  });

  for (const c of fixtures.cases.filter((x) => x.deviation !== null)) {
    const id = c.deviation!;
    it(`${c.name}: strict → only DEVIATION.${id} fails, every other check evaluated; tolerated → valid`, async () => {
      const strict = await verify(c.hex);
      expect(strict.valid).toBe(false);
      const all = [...strict.checks, ...strict.documents.flatMap((d) => d.checks)];
      expect([...new Set(all.filter((x) => x.required && x.status === 'failed').map((x) => x.id))]).toEqual([`DEVIATION.${id}`]);
      for (const must of ALWAYS) expect(all.some((x) => x.id === must && x.status === 'passed'), must).toBe(true);

      const tolerated = await verify(c.hex, [id]);
      expect(tolerated.valid).toBe(true);
      const shown = [...tolerated.checks, ...tolerated.documents.flatMap((d) => d.checks)].filter((x) => x.id === `DEVIATION.${id}`);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.every((x) => x.status === 'tolerated')).toBe(true);
    });

    it(`${c.name}: no hostile variant verifies, even with every deviation tolerated`, async () => {
      for (const h of c.hostile) {
        const result = await verify(h.hex, MDOC_DEVIATIONS);
        expect(result.valid, h.name).toBe(false);
        const failed = result.documents.flatMap((d) => d.checks).filter((x) => x.status === 'failed').map((x) => x.id);
        expect(failed, h.name).toContain(h.fails);
      }
    });
  }

  it('verifyIssuerSigned reports the MSO and header deviations of each IssuerSigned the same way', async () => {
    for (const c of fixtures.cases) {
      const doc = decodeDeviceResponse(fromHex(c.hex)).documents[0]!;
      const bytes = encodeIssuerSigned(doc.issuerSigned);
      const strict = await verifyIssuerSigned(bytes, { trustAnchors: [anchor], now, docType: doc.docType });
      const issuerSide = ['VALIDITY_FROM_BEFORE_SIGNED', 'MSO_VERSION_MINOR', 'DEVICE_KEY_KID_TYPE', 'DEVICE_KEY_COORDINATE_SHORT', 'EMPTY_VALUE_DIGESTS', 'EMPTY_KEY_AUTHORIZATIONS', 'MSO_OPTIONAL_NULL', 'VALIDITY_DATE_UNTAGGED', 'VALIDITY_FULL_DATE', 'MSO_STATUS_NULL', 'STATUS_ID_TEXT', 'MSO_UNTAGGED', 'X5CHAIN_BOTH_BUCKETS', 'X5CHAIN_CONFLICT', 'EMPTY_ISSUER_NAMESPACES'];
      // FULLY_SPECIFIED_ALG and SIG_STRUCTURE_AAD_NULL are issuer-side in their IssuerAuth cases only.
      const expectsDeviation = c.deviation !== null && (issuerSide.includes(c.deviation) || c.name.startsWith('IssuerAuth'));
      expect(strict.valid, c.name).toBe(!expectsDeviation);
      expect(strict.checks.some((x) => x.id === 'DEVICE_AUTH')).toBe(false);
      if (expectsDeviation) {
        expect(strict.checks.filter((x) => x.status === 'failed').map((x) => x.id), c.name).toEqual([`DEVIATION.${c.deviation}`]);
        const tolerated = await verifyIssuerSigned(bytes, { trustAnchors: [anchor], now, docType: doc.docType, tolerate: [c.deviation!] });
        expect(tolerated.valid, c.name).toBe(true);
      }
    }
  });

  it('documents: [] is EMPTY_DOCUMENTS, and still not valid when tolerated (no document came back)', async () => {
    const bytes = encode(new Map<string, unknown>([['version', '1.0'], ['documents', []], ['status', 0]]) as never);
    const strict = await verifyDeviceResponse(bytes, { trustAnchors: [anchor], now });
    expect(strict.checks.map((c) => `${c.id}:${c.status}`)).toEqual([
      'RESPONSE_STRUCTURE:passed',
      'DEVIATION.EMPTY_DOCUMENTS:failed',
      'RESPONSE_VERSION:passed',
      'RESPONSE_STATUS:passed',
      'DOCUMENTS_PRESENT:failed',
    ]);
    const tolerated = await verifyDeviceResponse(bytes, { trustAnchors: [anchor], now, tolerate: ['EMPTY_DOCUMENTS'] });
    expect(tolerated.checks.find((c) => c.id === 'DEVIATION.EMPTY_DOCUMENTS')?.status).toBe('tolerated');
    expect(tolerated.valid).toBe(false);
  });

  it('a document with no deviceSigned is DEVICE_SIGNED_MISSING: every other check evaluated, never valid (DEVICE_AUTH fails), tolerated or not', async () => {
    const baseline = fixtures.cases.find((c) => c.deviation === null)!;
    const withoutDeviceSigned = (hex: string) => {
      const resp = decode(fromHex(hex)) as Map<string, unknown>;
      (resp.get('documents') as Map<string, unknown>[])[0]!.delete('deviceSigned');
      return toHex(encode(resp as never));
    };
    const hex = withoutDeviceSigned(baseline.hex);
    const strict = await verify(hex);
    expect(strict.valid).toBe(false);
    const all = [...strict.checks, ...strict.documents.flatMap((d) => d.checks)];
    expect(all.filter((x) => x.required && x.status === 'failed').map((x) => x.id)).toEqual(['DEVIATION.DEVICE_SIGNED_MISSING', 'DEVICE_AUTH']);
    for (const must of ALWAYS.filter((x) => x !== 'DEVICE_AUTH')) expect(all.some((x) => x.id === must && x.status === 'passed'), must).toBe(true);
    expect(strict.documents[0]!.issuerSigned['org.iso.18013.5.1']?.family_name).toBe('Yamada');

    const tolerated = await verify(hex, MDOC_DEVIATIONS);
    expect(tolerated.valid).toBe(false);
    const checks = tolerated.documents[0]!.checks;
    expect(checks.find((x) => x.id === 'DEVIATION.DEVICE_SIGNED_MISSING')?.status).toBe('tolerated');
    expect(checks.find((x) => x.id === 'DEVICE_AUTH')).toMatchObject({ status: 'failed', detail: 'no deviceSigned: the document is not device-authenticated' });

    // The issuer side is still checked: a changed value fails its digest.
    const tampered = await verify(withoutDeviceSigned(baseline.hostile.find((h) => h.fails === 'VALUE_DIGEST')!.hex), MDOC_DEVIATIONS);
    expect(tampered.documents[0]!.checks.filter((x) => x.status === 'failed').map((x) => x.id)).toEqual(['VALUE_DIGEST', 'DEVICE_AUTH']);
  });
});
