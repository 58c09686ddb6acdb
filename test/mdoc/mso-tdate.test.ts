/**
 * The MSO's validityInfo dates (ISO/IEC 18013-5 §9.1.2.4: no fraction of seconds, time-offset
 * "Z"): a fraction is the TDATE_FRACTIONAL_SECONDS deviation, reported and tolerated by default
 * (deployed issuers send it; it cannot help a forger), refused with `strictDeviations`; another
 * offset is TDATE_UTC_OFFSET, failed unless tolerated. The instant read is exact at the
 * validity boundaries: digits below the millisecond never widen the window.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type CborValue, TDate } from '../../src/cbor/index.js';
import { decodeIssuerAuthPayload, encodeIssuerSigned, type IssuerSigned, MdocCheckId, type MdocDeviation, verifyDeviceResponse, verifyIssuerSigned } from '../../src/mdoc/index.js';
import { baseIssuerSigned, editValidity, FIXTURE_NOW, type Parties, parties, present, resign, withIssuerAuth } from '../interop/field-fixtures.js';

const NOW = new Date(FIXTURE_NOW);
const DOCTYPE = 'org.iso.18013.5.1.mDL';

let p: Parties;
let base: IssuerSigned;
let presented: Awaited<ReturnType<typeof present>>;

beforeAll(async () => {
  p = await parties();
  base = await baseIssuerSigned(p);
  presented = await present(p, base);
});

/** The baseline with validityInfo members replaced (text becomes a tdate), signed again. */
const withValidity = (members: Record<string, CborValue | string>) =>
  resign(
    p,
    base,
    editValidity((vi) => {
      for (const [k, v] of Object.entries(members)) vi.set(k, typeof v === 'string' ? new TDate(v) : v);
    }),
  );

interface Options {
  readonly now?: Date;
  readonly tolerate?: readonly MdocDeviation[];
  readonly strictDeviations?: boolean;
  readonly clockSkewSeconds?: number;
}
const verify = async (is: IssuerSigned, o: Options = {}) =>
  (await verifyDeviceResponse(withIssuerAuth(presented, is), { trustAnchors: [p.iaca], sessionTranscript: p.transcript, backend: p.backend, now: o.now ?? NOW, ...o })).documents[0]!;
const check = (doc: { checks: readonly { id: string; status: string; detail?: string }[] }, id: string) => doc.checks.filter((c) => c.id === id);

describe('TDATE_FRACTIONAL_SECONDS', () => {
  const fractional = { signed: '2026-06-01T00:00:00.254135934Z', validFrom: '2026-06-01T00:00:00.254135934Z', validUntil: '2026-07-01T00:00:00.5Z' };

  it('decoding names each validityInfo date with a fraction, at its path', async () => {
    const mso = decodeIssuerAuthPayload((await withValidity(fractional)).issuerAuth);
    expect(mso.deviations?.map((d) => `${d.id} ${d.path}`)).toEqual([
      'TDATE_FRACTIONAL_SECONDS issuerAuth.payload.mso.validityInfo.signed',
      'TDATE_FRACTIONAL_SECONDS issuerAuth.payload.mso.validityInfo.validFrom',
      'TDATE_FRACTIONAL_SECONDS issuerAuth.payload.mso.validityInfo.validUntil',
    ]);
    expect(mso.deviations?.[0]?.detail).toContain('2026-06-01T00:00:00.254135934Z');
    // A fraction of zeros is a fraction all the same: the text is what §9.1.2.4 constrains.
    const zeros = decodeIssuerAuthPayload((await withValidity({ validUntil: '2026-07-01T00:00:00.000Z' })).issuerAuth);
    expect(zeros.deviations?.map((d) => d.id)).toEqual(['TDATE_FRACTIONAL_SECONDS']);
    expect(decodeIssuerAuthPayload(base.issuerAuth).deviations).toBeUndefined();
  });

  it('is reported as tolerated by default: the document stays valid', async () => {
    const doc = await verify(await withValidity(fractional));
    expect(doc.valid).toBe(true);
    const shown = check(doc, 'DEVIATION.TDATE_FRACTIONAL_SECONDS');
    expect(shown.map((c) => c.status)).toEqual(['tolerated', 'tolerated', 'tolerated']);
    expect(shown[0]!.detail).toMatch(/validityInfo\.signed: .*2026-06-01T00:00:00\.254135934Z/);
  });

  it('strictDeviations refuses it (failed, not valid) unless it is also listed in tolerate', async () => {
    const is = await withValidity(fractional);
    const strict = await verify(is, { strictDeviations: true });
    expect(strict.valid).toBe(false);
    expect(strict.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['DEVIATION.TDATE_FRACTIONAL_SECONDS', 'DEVIATION.TDATE_FRACTIONAL_SECONDS', 'DEVIATION.TDATE_FRACTIONAL_SECONDS']);
    const named = await verify(is, { strictDeviations: true, tolerate: ['TDATE_FRACTIONAL_SECONDS'] });
    expect(named.valid).toBe(true);
    // verifyIssuerSigned reads the option the same way.
    const bytes = encodeIssuerSigned(is);
    expect((await verifyIssuerSigned(bytes, { trustAnchors: [p.iaca], now: NOW, docType: DOCTYPE, backend: p.backend })).valid).toBe(true);
    expect((await verifyIssuerSigned(bytes, { trustAnchors: [p.iaca], now: NOW, docType: DOCTYPE, backend: p.backend, strictDeviations: true })).valid).toBe(false);
  });

  it('strictDeviations must be a boolean', async () => {
    await expect(verifyDeviceResponse(new Uint8Array([0xa0]), { trustAnchors: [p.iaca], strictDeviations: 'yes' as never })).rejects.toThrow(TypeError);
  });

  it('also in an untagged validity date (VALIDITY_DATE_UNTAGGED and TDATE_FRACTIONAL_SECONDS together)', async () => {
    const mso = decodeIssuerAuthPayload((await resign(p, base, editValidity((vi) => vi.set('validUntil', '2026-07-01T00:00:00.5Z')))).issuerAuth);
    expect(mso.deviations?.map((d) => d.id)).toEqual(['VALIDITY_DATE_UNTAGGED', 'TDATE_FRACTIONAL_SECONDS']);
  });
});

describe('TDATE_UTC_OFFSET', () => {
  it('a numeric offset (even +00:00) or a lowercase z is named, failed unless tolerated; the instant is the one denoted', async () => {
    const is = await withValidity({ validFrom: '2026-06-01T09:00:00+09:00', validUntil: '2026-07-01T00:00:00+00:00', expectedUpdate: '2026-06-15T00:00:00z' });
    const mso = decodeIssuerAuthPayload(is.issuerAuth);
    expect(mso.deviations?.map((d) => `${d.id} ${d.path}`)).toEqual([
      'TDATE_UTC_OFFSET issuerAuth.payload.mso.validityInfo.validFrom',
      'TDATE_UTC_OFFSET issuerAuth.payload.mso.validityInfo.validUntil',
      'TDATE_UTC_OFFSET issuerAuth.payload.mso.validityInfo.expectedUpdate',
    ]);
    expect(mso.validityInfo.validFrom.date.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    const doc = await verify(is);
    expect(doc.valid).toBe(false);
    expect(doc.checks.filter((c) => c.status === 'failed').map((c) => c.id)).toEqual(['DEVIATION.TDATE_UTC_OFFSET', 'DEVIATION.TDATE_UTC_OFFSET', 'DEVIATION.TDATE_UTC_OFFSET']);
    expect(check(doc, MdocCheckId.MSO_VALIDITY).map((c) => c.status)).toEqual(['passed']);
    expect((await verify(is, { tolerate: ['TDATE_UTC_OFFSET'] })).valid).toBe(true);
  });

  it('a lowercase t separator is allowed (RFC 3339 §5.6; §9.1.2.4 constrains only the fraction and the offset)', async () => {
    const mso = decodeIssuerAuthPayload((await withValidity({ validUntil: '2026-07-01t00:00:00Z' })).issuerAuth);
    expect(mso.deviations).toBeUndefined();
  });
});

describe('digits below the millisecond at the validity boundaries (no clock skew)', () => {
  const at = (iso: string) => new Date(iso);
  const validity = async (is: IssuerSigned, now: string) => check(await verify(is, { now: at(now), clockSkewSeconds: 0 }), MdocCheckId.MSO_VALIDITY)[0]!;

  it('validUntil …59.9999999999Z: still valid at …59.999, expired at the next second; never rounded up into it', async () => {
    const is = await withValidity({ validUntil: '2026-06-30T23:59:59.9999999999Z' });
    expect(decodeIssuerAuthPayload(is.issuerAuth).validityInfo.validUntil.date.toISOString()).toBe('2026-06-30T23:59:59.999Z');
    expect((await validity(is, '2026-06-30T23:59:59.999Z')).status).toBe('passed');
    const expired = await validity(is, '2026-07-01T00:00:00.000Z');
    expect(expired.status).toBe('failed');
    expect(expired.detail).toMatch(/expired at 2026-06-30T23:59:59\.9999999999Z/);
  });

  it('validFrom 100 ns after a millisecond is not yet valid at that millisecond (truncating it would open the window early)', async () => {
    const is = await withValidity({ signed: '2026-06-01T00:00:00Z', validFrom: '2026-06-01T00:00:00.0000001Z' });
    const early = await validity(is, '2026-06-01T00:00:00.000Z');
    expect(early.status).toBe('failed');
    expect(early.detail).toMatch(/not valid before 2026-06-01T00:00:00\.0000001Z/);
    expect((await validity(is, '2026-06-01T00:00:00.001Z')).status).toBe('passed');
  });

  it('signed 100 ns after the DS notAfter is outside the DS validity (MSO_SIGNED_IN_DS_VALIDITY)', async () => {
    const notAfter = p.ds.notAfter.toISOString().replace('.000Z', '');
    const is = await withValidity({ signed: `${notAfter}.0000001Z`, validFrom: `${notAfter}.0000001Z`, validUntil: '2027-12-31T00:00:00Z' });
    const doc = await verify(is, { now: new Date(p.ds.notAfter.getTime() + 1000) });
    expect(check(doc, MdocCheckId.MSO_SIGNED_IN_DS_VALIDITY).map((c) => c.status)).toEqual(['failed']);
    const atEnd = await verify(await withValidity({ signed: `${notAfter}Z`, validFrom: `${notAfter}Z`, validUntil: '2027-12-31T00:00:00Z' }), { now: new Date(p.ds.notAfter.getTime() + 1000) });
    expect(check(atEnd, MdocCheckId.MSO_SIGNED_IN_DS_VALIDITY).map((c) => c.status)).toEqual(['passed']);
  });

  it('signed 100 ns after now is in the future; exactly at a whole millisecond it is not', async () => {
    const is = await withValidity({ signed: '2026-06-01T00:00:00.0010001Z', validFrom: '2026-06-01T00:00:00.002Z' });
    const early = await validity(is, '2026-06-01T00:00:00.001Z');
    expect(early.status).toBe('failed');
    expect(early.detail).toMatch(/signed .* is in the future/);
    expect((await validity(is, '2026-06-01T00:00:00.002Z')).status).toBe('passed');
  });
});
