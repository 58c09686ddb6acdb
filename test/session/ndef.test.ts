import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isShomeiError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import {
  decodeNdefMessage,
  encodeNdefMessage,
  isNdefRecord,
  latin1Bytes,
  latin1Text,
  type NdefRecord,
  ndefRecord,
  TNF,
} from '../../src/session/ndef.js';
import { annexDBytes } from '../helpers/annex-d.js';

const runs = Number(process.env.SHOMEI_FC_RUNS ?? 300);

function expectNdefError(fn: () => unknown, message?: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(isShomeiError(e, 'ERR_SESSION_NDEF'), String(e)).toBe(true);
    if (message) expect((e as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected ERR_SESSION_NDEF');
}

const abc = ndefRecord(TNF.WellKnown, 'ABC', latin1Bytes('abc'));
const def = ndefRecord(TNF.WellKnown, 'DEF', latin1Bytes('def'), '0');

describe('NDEF records and messages', () => {
  it('encodes MB/ME/SR/IL and TNF as NDEF 1.0 lays them out', () => {
    // Byte layout cross-checked with the message_decoder example of nfcpy's ndeflib documentation.
    const bytes = encodeNdefMessage([abc, def]);
    expect(toHex(bytes)).toBe('910303414243616263' + '5903030144454630646566');
    expect(decodeNdefMessage(bytes)).toEqual([abc, def]);
    // A single record has MB and ME.
    expect(toHex(encodeNdefMessage([abc]))).toBe('d10303414243616263');
  });

  it('writes a long record (4-byte PAYLOAD_LENGTH) from 256 bytes on', () => {
    for (const n of [255, 256, 70_000]) {
      const r = ndefRecord(TNF.Media, 'application/octet-stream', new Uint8Array(n).map((_, i) => i), 'x');
      const bytes = encodeNdefMessage([r]);
      expect(bytes[0]! & 0x10).toBe(n < 256 ? 0x10 : 0);
      expect(decodeNdefMessage(bytes)).toEqual([r]);
    }
  });

  it('keeps an empty ID apart from no ID, and round-trips Empty and Unknown records', () => {
    const withEmptyId: NdefRecord = { tnf: TNF.External, type: latin1Bytes('a.b:c'), id: new Uint8Array(0), payload: Uint8Array.of(1) };
    const empty: NdefRecord = { tnf: TNF.Empty, type: new Uint8Array(0), payload: new Uint8Array(0) };
    const unknown: NdefRecord = { tnf: TNF.Unknown, type: new Uint8Array(0), payload: Uint8Array.of(9, 9) };
    const uri: NdefRecord = { tnf: TNF.AbsoluteUri, type: latin1Bytes('https://example.com/x'), payload: new Uint8Array(0) };
    const bytes = encodeNdefMessage([withEmptyId, empty, unknown, uri]);
    expect(bytes[0]! & 0x08).toBe(0x08);
    expect(decodeNdefMessage(bytes)).toEqual([withEmptyId, empty, unknown, uri]);
    expect(toHex(encodeNdefMessage([empty]))).toBe('d00000');
  });

  it('re-encodes the Annex D handover messages byte for byte', () => {
    for (const name of ['nfc_handover_select', 'nfc_handover_request']) {
      const bytes = annexDBytes(name);
      expect(toHex(encodeNdefMessage(decodeNdefMessage(bytes)))).toBe(toHex(bytes));
    }
  });

  it('joins chunked records, or rejects them on request', () => {
    // text/plain "hello world" in three chunks with ID "x": MB CF SR IL, CF SR (TNF 6), ME SR (TNF 6).
    const chunked = fromHex(
      'ba' + '0a' + '04' + '01' + toHex(latin1Bytes('text/plain')) + '78' + toHex(latin1Bytes('hell')) +
        '36' + '00' + '04' + toHex(latin1Bytes('o wo')) +
        '56' + '00' + '03' + toHex(latin1Bytes('rld')),
    );
    const [r] = decodeNdefMessage(chunked);
    expect(latin1Text(r!.payload)).toBe('hello world');
    expect(latin1Text(r!.id!)).toBe('x');
    expect(isNdefRecord(r!, TNF.Media, 'text/plain', 'x')).toBe(true);
    expectNdefError(() => decodeNdefMessage(chunked, { chunks: 'reject' }), /chunked/);
  });

  it('bounds the chunks of a message (default 1024) and joins many chunks in one pass', () => {
    // One record of TYPE "A" in n chunks of one byte each: MB CF SR, then CF SR (TNF 6)…, then ME SR (TNF 6).
    const chunked = (n: number) => fromHex('b1010141' + '61' + '36000161'.repeat(n - 2) + '56000161');
    expectNdefError(() => decodeNdefMessage(chunked(1025)), /more than 1024 chunks/);
    expectNdefError(() => decodeNdefMessage(chunked(5), { maxChunks: 4 }), /more than 4 chunks/);
    expect(decodeNdefMessage(chunked(1024))[0]!.payload).toEqual(new Uint8Array(1024).fill(0x61));
    const [r] = decodeNdefMessage(chunked(50_000), { maxChunks: 50_000 });
    expect(r!.payload.length).toBe(50_000);
    expect(r!.payload.every((b) => b === 0x61)).toBe(true);
  });

  it('refuses hostile and malformed messages with ERR_SESSION_NDEF only', () => {
    const chunk1 = 'b101014161'; // MB CF SR, TNF 1, TYPE "A", PAYLOAD "a"
    const cases: [string, RegExp][] = [
      ['', /at least one record/],
      ['d1', /truncated record header/],
      ['c101', /truncated record header/],
      ['c10100000005', /record declares/], // long record: 5 bytes declared, none there
      ['c101ffffffff41', /record declares/], // PAYLOAD_LENGTH 4 GiB
      ['d901ffff41', /record declares/], // ID_LENGTH 255, one byte follows
      ['d90100', /truncated ID_LENGTH/],
      ['51010041', /first record must have MB/],
      ['91010041' + '91010041', /MB set on a record/],
      ['91010041', /last record must have ME/],
      ['d1010041' + 'd1010041', /bytes follow the record with ME/],
      ['d70000', /reserved TNF/],
      ['d0010041', /Empty record/],
      ['d5010041', /Unknown record has no TYPE/],
      ['d10000', /needs a TYPE/],
      ['d60000', /Unchanged outside/],
      ['f101014161', /ME set on a chunk/],
      [chunk1 + '5101014161', /TNF Unchanged/],
      [chunk1 + '5601014161', /no TYPE/],
      [chunk1 + '5e00010061', /no ID/],
      [chunk1 + '36000141', /ends inside a chunked record/],
      ['b00000', /Empty record cannot be chunked/],
      [chunk1 + '76000141', /ME set on a chunk/],
    ];
    for (const [hex, message] of cases) expectNdefError(() => decodeNdefMessage(fromHex(hex)), message);
    const many = encodeNdefMessage(Array.from({ length: 5 }, () => abc));
    expectNdefError(() => decodeNdefMessage(many, { maxRecords: 4 }), /more than 4 records/);
    expect(() => decodeNdefMessage(fromHex('d1010041' + '00'))).toThrow(expect.objectContaining({ offset: 4, path: 'ndef[1]' }));
  });

  it('refuses to encode what NDEF cannot carry (programmer errors)', () => {
    expect(() => encodeNdefMessage([])).toThrow(RangeError);
    expect(() => encodeNdefMessage([{ tnf: TNF.Unchanged, type: new Uint8Array(0), payload: new Uint8Array(0) }])).toThrow(RangeError);
    expect(() => encodeNdefMessage([{ tnf: 7 as TNF, type: new Uint8Array(0), payload: new Uint8Array(0) }])).toThrow(RangeError);
    expect(() => encodeNdefMessage([{ tnf: TNF.Empty, type: new Uint8Array(0), payload: Uint8Array.of(1) }])).toThrow(RangeError);
    expect(() => encodeNdefMessage([{ tnf: TNF.Unknown, type: Uint8Array.of(1), payload: new Uint8Array(0) }])).toThrow(RangeError);
    expect(() => encodeNdefMessage([{ tnf: TNF.Media, type: new Uint8Array(0), payload: new Uint8Array(0) }])).toThrow(RangeError);
    expect(() => encodeNdefMessage([{ tnf: TNF.Media, type: new Uint8Array(256), payload: new Uint8Array(0) }])).toThrow(RangeError);
    expect(() => latin1Bytes('日本')).toThrow(RangeError);
  });

  const record: fc.Arbitrary<NdefRecord> = fc.oneof(
    fc.constant<NdefRecord>({ tnf: TNF.Empty, type: new Uint8Array(0), payload: new Uint8Array(0) }),
    fc.record({
      tnf: fc.constantFrom<TNF>(TNF.WellKnown, TNF.Media, TNF.AbsoluteUri, TNF.External),
      type: fc.uint8Array({ minLength: 1, maxLength: 40 }),
      payload: fc.uint8Array({ maxLength: 600 }),
      id: fc.option(fc.uint8Array({ maxLength: 8 }), { nil: undefined }),
    }).map(({ id, ...r }) => (id === undefined ? r : { ...r, id })),
    fc.record({ tnf: fc.constant<TNF>(TNF.Unknown), type: fc.constant(new Uint8Array(0)), payload: fc.uint8Array({ maxLength: 40 }) }),
  );

  it('property: decode(encode(records)) is the records, and re-encoding is byte-exact', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 6 }), (records) => {
        const bytes = encodeNdefMessage(records);
        const back = decodeNdefMessage(bytes);
        expect(back).toEqual(records);
        expect(toHex(encodeNdefMessage(back))).toBe(toHex(bytes));
      }),
      { numRuns: runs },
    );
  });

  it('property: random and mutated bytes give records or ERR_SESSION_NDEF, nothing else', () => {
    const seed = annexDBytes('nfc_handover_request');
    const mutated = fc
      .tuple(fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(seed.length))
      .map(([flips, cut]) => {
        const b = seed.slice(0, Math.max(1, cut));
        for (const [i, v] of flips) if (i < b.length) b[i] = v;
        return b;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), mutated), (bytes) => {
        try {
          const records = decodeNdefMessage(bytes);
          expect(records.length).toBeGreaterThan(0);
        } catch (e) {
          expect(isShomeiError(e, 'ERR_SESSION_NDEF'), String(e)).toBe(true);
        }
      }),
      { numRuns: runs * 4 },
    );
  });
});
