/**
 * Card data shaped like what real My Number Cards hold (issue 14, "Read what real cards
 * hold"): a sex code outside ISO 5218 (J-LIS writes 不明 as 3), a partial birth date, a DF21
 * offset table that does not match the TLVs, an EF 0001 longer than 17 bytes; and the sign
 * password rule (letters and digits) enforced before any APDU. The virtual card computes
 * DF31/DF32 over the odd data, so integrity passes, and a tampered copy still fails it.
 */
import { describe, expect, it } from 'vitest';
import { concat, fromHex, toHex } from '../../src/internal/bytes.js';
import { AidHex, SupportEf, SurfaceEf } from '../../src/jpki/aid.js';
import { decodeBasicFourFile, sexMeaning } from '../../src/jpki/basic-four.js';
import { CardChannel } from '../../src/jpki/channel.js';
import * as cmd from '../../src/jpki/commands.js';
import { decodeIntegrityRecord } from '../../src/jpki/integrity.js';
import { encodePin } from '../../src/jpki/pin.js';
import { MyNumberCard } from '../../src/jpki/my-number-card.js';
import { type CardDataShape, createVirtualMyNumberCard, DEFAULT_TEST_IDENTITY as ID, testCvcAnchors, type VirtualMyNumberCard } from '../../src/jpki/simulator/index.js';
import { decodeCardFaceFile } from '../../src/jpki/surface.js';
import { readMyNumberFile } from '../../src/jpki/support-ap.js';
import { decodeTlv, decodeTlvList, encodeTlv } from '../../src/jpki/tlv.js';
import { rejectsWith } from './helpers.js';

const shaped = (dataShape: CardDataShape, extendedLength = false) => createVirtualMyNumberCard({ dataShape, extendedLength });
const reader = (vc: VirtualMyNumberCard) => new MyNumberCard(vc, { cvcAnchors: testCvcAnchors() });
const COMPACT_BIRTH = ID.birthDate.replaceAll('-', '');

/** Flip one byte of the name inside EF 0002 (after the data was signed). */
function tamperName(vc: VirtualMyNumberCard): void {
  vc.tamper(AidHex.CARD_INFO_SUPPORT, SupportEf.BASIC_FOUR, (b) => {
    const at = b.indexOf(0xdf, 3) + 3 + 3 + 8; // inside DF22's value (after DF21 08 …, DF22 L)
    b[at] = b[at]! ^ 0x01;
    return b;
  });
}

describe('basic four: sex codes real cards hold', () => {
  it('reads sex code 3 (J-LIS 不明) with integrity valid, keeping the code and mapping it to unknown', async () => {
    const r = await reader(await shaped({ sexCode: '3' })).readBasicFour(ID.pins.support);
    expect(r.sex).toBe('3');
    expect(r.sexMeaning).toBe('unknown');
    expect(r.name).toBe(ID.name);
    expect(r.integrity.status).toBe('valid');
    // A tampered copy still fails integrity (BASIC_FOUR_DIGEST).
    const vc = await shaped({ sexCode: '3' });
    vc.tamper(AidHex.CARD_INFO_SUPPORT, SupportEf.BASIC_FOUR, (b) => {
      const at = b.lastIndexOf(0x33); // the '3' of DF25
      b[at] = 0x34;
      return b;
    });
    const e = await rejectsWith(reader(vc).readBasicFour(ID.pins.support), 'ERR_JPKI_INTEGRITY');
    expect((e as { check?: string }).check).toBe('BASIC_FOUR_DIGEST');
  });

  it('keeps a code nobody documents (5) raw with no meaning, and never fails the read', async () => {
    const r = await reader(await shaped({ sexCode: '5' })).readCardInfo(ID.pins.support);
    expect(r.basicFour.sex).toBe('5');
    expect(r.basicFour.sexMeaning).toBeUndefined();
    expect(r.integrity.status).toBe('valid');
  });

  it('maps the known codes', () => {
    expect(['0', '1', '2', '3', '9', '4', '', '11'].map(sexMeaning)).toEqual(['unknown', 'male', 'female', 'unknown', 'not-applicable', undefined, undefined, undefined]);
  });

  it('reads the card face with sex code 3 (DF28 signature still valid)', async () => {
    const r = await reader(await shaped({ sexCode: '3' })).readCardFace({ codeA: ID.myNumber });
    expect(r.face.sex).toBe('3');
    expect(r.face.sexMeaning).toBe('unknown');
    expect(r.integrity.status).toBe('valid');
  });
});

describe('basic four and card face: partial or unknown birth dates', () => {
  for (const raw of ['19800000', '19800200', '1980    ', '00000000']) {
    it(`keeps ${JSON.stringify(raw)} raw, with no parsed date, integrity valid`, async () => {
      const r = await reader(await shaped({ birthDateRaw: raw })).readBasicFour(ID.pins.support);
      expect(r.birthDateRaw).toBe(raw);
      expect(r.birthDate).toBeUndefined();
      expect(r.integrity.status).toBe('valid');
    });
  }

  it('gives the parsed date only when it is a calendar date', async () => {
    const r = await reader(await shaped({})).readBasicFour(ID.pins.support);
    expect(r.birthDate).toBe(ID.birthDate);
    expect(r.birthDateRaw).toBe(COMPACT_BIRTH);
    const feb30 = await reader(await shaped({ birthDateRaw: '19800230' })).readBasicFour(ID.pins.support);
    expect(feb30.birthDate).toBeUndefined();
  });

  it('reads a card face whose DF22 is partial, DF28 still valid', async () => {
    const r = await reader(await shaped({ birthDateRaw: '19800000' })).readCardFace({ codeA: ID.myNumber });
    expect(r.face.birthDateRaw).toBe('19800000');
    expect(r.face.birthDate).toBeUndefined();
    expect(r.face.expiryDate).toBe(ID.expiryDate);
    expect(r.integrity.status).toBe('valid');
  });

  it('a tampered partial birth date still fails integrity', async () => {
    const vc = await shaped({ birthDateRaw: '19800000' });
    vc.tamper(AidHex.CARD_INFO_SUPPORT, SupportEf.BASIC_FOUR, (b) => {
      const text = new TextDecoder('latin1').decode(b);
      b[text.indexOf('19800000') + 7] = 0x31;
      return b;
    });
    await rejectsWith(reader(vc).readBasicFour(ID.pins.support), 'ERR_JPKI_INTEGRITY');
  });

  it('the decoders keep a partial date (unit level, both files)', async () => {
    const vc = await shaped({ birthDateRaw: '19800000', sexCode: '3' });
    const ch = new CardChannel(vc);
    await ch.selectAp('CARD_SURFACE');
    await ch.selectEf(SurfaceEf.CODE_A);
    expect((await ch.transmit(cmd.verify(encodePin('code-a', ID.myNumber)))).sw).toBe(0x9000);
    const face = decodeCardFaceFile(await ch.readTlvEf(SurfaceEf.FACE));
    expect([face.birthDate, face.birthDateRaw, face.sex]).toEqual([undefined, '19800000', '3']);
  });
});

describe('basic four: a DF21 offset table that does not match the TLVs', () => {
  it('reads by the TLVs, reports OFFSET_TABLE_MISMATCH, and DF32 still verifies', async () => {
    const r = await reader(await shaped({ basicFourOffsets: [0, 0, 0, 0] })).readBasicFour(ID.pins.support);
    expect([r.name, r.address, r.birthDate, r.sex]).toEqual([ID.name, ID.address, ID.birthDate, ID.sex]);
    expect(r.findings.map((f) => f.id)).toEqual(['OFFSET_TABLE_MISMATCH']);
    expect(r.findings[0]!.detail).toMatch(/entries 0, 1, 2, 3/);
    expect(r.integrity.status).toBe('valid');
  });

  it('reports a table of the wrong length the same way (6 bytes)', async () => {
    const r = await reader(await shaped({ basicFourOffsets: [14, 32, 89] })).readCardInfo(ID.pins.support);
    expect(r.basicFour.findings.map((f) => f.id)).toEqual(['OFFSET_TABLE_MISMATCH']);
    expect(r.basicFour.findings[0]!.detail).toMatch(/6 bytes/);
    expect(r.integrity.status).toBe('valid');
  });

  it('has no finding for a well-formed file', async () => {
    expect((await reader(await shaped({})).readBasicFour(ID.pins.support)).findings).toEqual([]);
  });

  it('digests from the DF22 TLV, not from the (wrong) first offset', async () => {
    const vc = await shaped({ basicFourOffsets: [3, 3, 3, 3] });
    const ch = new CardChannel(vc);
    await ch.selectAp('CARD_INFO_SUPPORT');
    await ch.selectEf(SupportEf.PIN);
    expect((await ch.transmit(cmd.verify(encodePin('support-pin', ID.pins.support)))).sw).toBe(0x9000);
    const file = decodeBasicFourFile(await ch.readTlvEf(SupportEf.BASIC_FOUR));
    expect(file.offsets).toEqual([3, 3, 3, 3]);
    expect(file.digestSource[0]).toBe(0xdf);
    expect(file.digestSource[1]).toBe(0x22);
  });

  it('a tampered name in a mismatched file still fails integrity', async () => {
    const vc = await shaped({ basicFourOffsets: [0, 0, 0, 0] });
    tamperName(vc);
    const e = await rejectsWith(reader(vc).readBasicFour(ID.pins.support), 'ERR_JPKI_INTEGRITY');
    expect((e as { check?: string }).check).toBe('BASIC_FOUR_DIGEST');
  });
});

describe('basic four: every field read is one the integrity record covers', () => {
  // DF32 is a SHA-256 of EF 0002 from the DF22 TLV to the end of the object. A field read
  // from elsewhere would be returned with integrity "valid" while DF32 covers other bytes.
  const te = new TextEncoder();
  const forged = () => [encodeTlv(0xdf23, te.encode('東京都千代田区霞が関 FORGED 1-1')), encodeTlv(0xdf24, te.encode('19500101')), encodeTlv(0xdf25, te.encode('1'))];
  /** EF 0002 rebuilt as FF20 { DF21, …before, the genuine DF22…DF25 minus `drop` }, padded to its old length. */
  const rebuild = (b: Uint8Array, before: Uint8Array[], drop: number[] = []) => {
    const outer = decodeTlv(b, 0);
    const [table, ...fields] = decodeTlvList(outer.value);
    const kept = fields.filter((f) => !drop.includes(f.tag)).map((f) => f.raw);
    const file = encodeTlv(0xff20, table!.raw, ...before, ...kept);
    return concat(file, new Uint8Array(Math.max(0, b.length - file.length)).fill(0xff));
  };

  it('refuses forged fields placed before the genuine ones (first-wins read, digest from DF22): ERR_JPKI_DATA, never valid', async () => {
    const vc = await shaped({});
    vc.tamper(AidHex.CARD_INFO_SUPPORT, SupportEf.BASIC_FOUR, (b) => rebuild(b, forged()));
    const e = await rejectsWith(reader(vc).readBasicFour(ID.pins.support), 'ERR_JPKI_DATA');
    expect(e.message).toMatch(/DF23 appears more than once/);
  });

  it('refuses a field moved before DF22, out of the digested range, even with no duplicate', async () => {
    const vc = await shaped({});
    vc.tamper(AidHex.CARD_INFO_SUPPORT, SupportEf.BASIC_FOUR, (b) => rebuild(b, forged(), [0xdf23, 0xdf24, 0xdf25]));
    const e = await rejectsWith(reader(vc).readBasicFour(ID.pins.support), 'ERR_JPKI_DATA');
    expect(e.message).toMatch(/DF23 comes before DF22/);
  });

  it('refuses a repeated field after the genuine ones too (any JPKI object: the integrity record here)', async () => {
    const vc = await shaped({});
    vc.tamper(AidHex.CARD_INFO_SUPPORT, SupportEf.BASIC_FOUR, (b) => {
      const outer = decodeTlv(b, 0);
      return encodeTlv(0xff20, outer.value, encodeTlv(0xdf22, te.encode('偽名')));
    });
    await rejectsWith(reader(vc).readBasicFour(ID.pins.support), 'ERR_JPKI_DATA');
    const record = encodeTlv(0xff30, encodeTlv(0xdf31, new Uint8Array(32)), encodeTlv(0xdf32, new Uint8Array(32)), encodeTlv(0xdf32, new Uint8Array(32)), encodeTlv(0xdf33, new Uint8Array(256)));
    expect(() => decodeIntegrityRecord(record)).toThrow(/DF32 appears more than once/);
  });

  it('refuses an integrity record whose digests are not all before the DF33 signature over them', () => {
    const digest = (tag: number) => encodeTlv(tag, new Uint8Array(32));
    const signature = encodeTlv(0xdf33, new Uint8Array(256));
    expect(decodeIntegrityRecord(encodeTlv(0xff30, digest(0xdf31), digest(0xdf32), signature)).signedBytes).toEqual(concat(digest(0xdf31), digest(0xdf32)));
    for (const record of [encodeTlv(0xff30, digest(0xdf31), signature, digest(0xdf32)), encodeTlv(0xff30, signature, digest(0xdf31), digest(0xdf32))]) {
      expect(() => decodeIntegrityRecord(record)).toThrow(expect.objectContaining({ code: 'ERR_JPKI_DATA', message: expect.stringMatching(/after DF33/) }));
    }
  });
});

describe('EF 0001 (My Number) read to the end the card reports', () => {
  for (const [filler, extended] of [
    [15, false],
    [241, false], // exactly 256 bytes: the card answers 6B00 to the next offset
    [300, false],
    [300, true],
  ] as const) {
    it(`reads a ${15 + filler}-byte EF${extended ? ' (extended length)' : ''} and checks DF31 over all of it`, async () => {
      const vc = await shaped({ myNumberFiller: filler }, extended);
      const ch = new CardChannel(vc);
      await ch.selectAp('CARD_INFO_SUPPORT');
      await ch.selectEf(SupportEf.PIN);
      expect((await ch.transmit(cmd.verify(encodePin('support-pin', ID.pins.support)))).sw).toBe(0x9000);
      const { raw, file } = await readMyNumberFile(ch);
      expect(raw.length).toBe(15 + filler);
      expect(raw.slice(15).every((b) => b === 0xff)).toBe(true);
      expect(file.myNumber).toBe(ID.myNumber);
      const r = await reader(await shaped({ myNumberFiller: filler }, extended)).readMyNumber(ID.pins.support);
      expect(r.integrity.status).toBe('valid');
    });
  }

  it('a tampered filler byte of a long EF 0001 fails MY_NUMBER_DIGEST (the filler is covered)', async () => {
    const vc = await shaped({ myNumberFiller: 15 });
    expect((await reader(vc).readMyNumber(ID.pins.support)).integrity.status).toBe('valid');
    vc.tamper(AidHex.CARD_INFO_SUPPORT, SupportEf.MY_NUMBER, (b) => {
      b[b.length - 1] = 0x00;
      return b;
    });
    const e = await rejectsWith(reader(vc).readMyNumber(ID.pins.support), 'ERR_JPKI_INTEGRITY');
    expect((e as { check?: string }).check).toBe('MY_NUMBER_DIGEST');
  });

  it('follows the card\'s own end markers: 6Cxx (resend with the right Le), 6282 (end of file) and 6B00', async () => {
    const ef = `ff100c${toHex(new TextEncoder().encode(ID.myNumber))}ffff`;
    const run = async (responses: string[]) => {
      const sent: string[] = [];
      const ch = new CardChannel({
        async transmit(c) {
          sent.push(toHex(c));
          const r = responses.shift();
          if (r === undefined) throw new Error('script ended');
          return fromHex(r);
        },
      });
      return { raw: toHex(await ch.readEfToEnd(SupportEf.MY_NUMBER, 1024)), sent };
    };
    // 6C11: the transport resends with Le = 17.
    expect(await run(['9000', '6c11', `${ef}9000`])).toEqual({ raw: ef, sent: ['00a4020c020001', '00b0000000', '00b0000011'] });
    // 6282 with the data: end of file.
    expect(await run(['9000', `${ef}6282`])).toEqual({ raw: ef, sent: ['00a4020c020001', '00b0000000'] });
    // 6B00 after a full chunk: the end.
    const full = `${ef}${'ff'.repeat(256 - 17)}`;
    expect(await run(['9000', `${full}9000`, '6b00'])).toEqual({ raw: full, sent: ['00a4020c020001', '00b0000000', '00b0010000'] });
    // 6B00 at offset 0 is an error, not an empty EF.
    await rejectsWith(run(['9000', '6b00']), 'ERR_APDU_STATUS');
  });

  it('asks a card for the 17 bytes every documented card holds first, and reads on only when they all came', async () => {
    const ef = `ff100c${toHex(new TextEncoder().encode(ID.myNumber))}ffff`;
    const sent: string[] = [];
    const responses = ['9000', `${ef}9000`, '6b00'];
    const ch = new CardChannel({
      async transmit(c) {
        sent.push(toHex(c));
        return fromHex(responses.shift() ?? '6f00');
      },
    });
    expect(toHex(await ch.readEfToEnd(SupportEf.MY_NUMBER, 1024, 17))).toBe(ef);
    // The first READ BINARY is the one that has always worked (Le = 0x11); past the end the card says 6B00.
    expect(sent).toEqual(['00a4020c020001', '00b0000011', '00b0001100']);
    // A card that answers 6700 (wrong length) past its end has given all it holds.
    sent.length = 0;
    responses.push('9000', `${ef}9000`, '6700');
    expect(toHex(await ch.readEfToEnd(SupportEf.MY_NUMBER, 1024, 17))).toBe(ef);
  });

  it('refuses an EF 0001 longer than the read bound (ERR_JPKI_DATA), not an endless read', async () => {
    const vc = await shaped({ myNumberFiller: 4000 });
    const before = vc.commandCount;
    await rejectsWith(reader(vc).readMyNumber(ID.pins.support), 'ERR_JPKI_DATA');
    expect(vc.commandCount - before).toBeLessThan(20);
  });
});

describe('sign password: letters and digits, refused before any APDU', () => {
  for (const bad of ['ABCDEF', 'abcdefgh', '123456', '0000000000000000']) {
    it(`refuses ${JSON.stringify(bad)} with ERR_JPKI_PIN_FORMAT and sends nothing`, async () => {
      const vc = await createVirtualMyNumberCard();
      const sent: Uint8Array[] = [];
      const recording = {
        transmit: (c: Uint8Array) => {
          sent.push(c);
          return vc.transmit(c);
        },
      };
      const card = new MyNumberCard(recording);
      await rejectsWith(card.signWithSignKey(new Uint8Array(8), bad), 'ERR_JPKI_PIN_FORMAT');
      await rejectsWith(card.readSignCertificate(bad), 'ERR_JPKI_PIN_FORMAT');
      await rejectsWith(card.cmsSign(new Uint8Array(8), bad), 'ERR_JPKI_PIN_FORMAT');
      await rejectsWith(card.changeSignPassword(bad, 'NEW2025PW'), 'ERR_JPKI_PIN_FORMAT');
      expect(sent).toEqual([]);
      expect(vc.triesLeft(AidHex.JPKI, 0x001b)).toBe(5);
    });
  }

  it('says so without echoing the value', () => {
    expect(() => encodePin('sign-password', 'ABCDEFG')).toThrow(/must contain both letters and digits/);
    try {
      encodePin('sign-password', 'ABCDEFG');
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('ABCDEFG');
    }
  });

  it('still accepts a mixed password (upper-cased) and signs with it', async () => {
    expect(new TextDecoder().decode(encodePin('sign-password', 'shomei2024'))).toBe('SHOMEI2024');
    const card = new MyNumberCard(await createVirtualMyNumberCard());
    expect((await card.signWithSignKey(new Uint8Array(8), ID.pins.sign)).length).toBe(256);
    expect(() => encodePin('sign-password', 'SHOMEIX')).toThrow(/letters and digits/);
  });
});
