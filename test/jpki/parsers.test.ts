/**
 * Parsers and small algorithms: BER-TLV and SIMPLE-TLV, the My Number check digit,
 * Japanese eras and 照合番号B, PIN formats, token information, the CVC and the integrity
 * record of the virtual card, and random input into every decoder (only JpkiError).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JpkiError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import { AidHex, SupportEf } from '../../src/jpki/aid.js';
import { decodeBasicFourFile } from '../../src/jpki/basic-four.js';
import { decodeJpkiBirthDate } from '../../src/jpki/certificates.js';
import { decodeCvc, formatKeyId, verifyCvc } from '../../src/jpki/cvc.js';
import { toJapaneseEra } from '../../src/jpki/era.js';
import { decodeIntegrityRecord } from '../../src/jpki/integrity.js';
import { decodeCommonCardInfo } from '../../src/jpki/juki-ap.js';
import { decodeMyNumberFile, isValidMyNumber, maskMyNumber, myNumberCheckDigit } from '../../src/jpki/my-number.js';
import { encodePin } from '../../src/jpki/pin.js';
import { decodeCardRsaPublicKey } from '../../src/jpki/rsa-key.js';
import { testCvcAnchors } from '../../src/jpki/simulator/index.js';
import { decodeCardFaceFile, decodeMyNumberImageFile } from '../../src/jpki/surface.js';
import { decodeSimpleTlvList, decodeTlv, decodeTlvHeader, decodeTlvList, encodeTlv, MAX_TLV_LIST_ITEMS } from '../../src/jpki/tlv.js';
import { decodeCertificateAvailability, decodeTokenInfo } from '../../src/jpki/token.js';
import { birthDateKey, verificationCodeA, verificationCodeB } from '../../src/jpki/verification-code.js';
import { CardChannel } from '../../src/jpki/channel.js';
import { virtualCard } from './helpers.js';

describe('BER-TLV', () => {
  it('decodes private, application and context tags with short, 81 and 82 lengths', () => {
    expect(decodeTlvHeader(fromHex('ff2065'))).toEqual({ tag: 0xff20, constructed: true, headerLength: 3, length: 0x65 });
    expect(decodeTlvHeader(fromHex('df2108'))).toEqual({ tag: 0xdf21, constructed: false, headerLength: 3, length: 8 });
    expect(decodeTlvHeader(fromHex('7f21820233'))).toEqual({ tag: 0x7f21, constructed: true, headerLength: 5, length: 0x233 });
    expect(decodeTlvHeader(fromHex('908103'))).toEqual({ tag: 0x90, constructed: false, headerLength: 3, length: 3 });
    // Non-minimal length accepted (a myna test uses FF 40 82 00 9F).
    expect(decodeTlvHeader(fromHex('ff4082009f'))).toEqual({ tag: 0xff40, constructed: true, headerLength: 5, length: 0x9f });
  });

  it('round-trips encodeTlv / decodeTlv (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(0x90, 0xdf21, 0xff20, 0x7f21, 0x5f4e), fc.uint8Array({ maxLength: 600 }), (tag, value) => {
        const t = decodeTlv(encodeTlv(tag, value));
        expect(t.tag).toBe(tag);
        expect(toHex(t.value)).toBe(toHex(value));
      }),
    );
  });

  it('refuses truncation, indefinite length, long tags and long lengths (ERR_JPKI_DATA with offset)', () => {
    for (const hex of ['', 'ff', 'ff20', 'ff2005aa', 'df2180', 'ffffff2001', 'df2185', 'df2182ff']) {
      expect(() => decodeTlv(fromHex(hex)), hex).toThrow(JpkiError);
    }
    try {
      decodeTlvList(fromHex('df2101aadf2205aa'));
    } catch (e) {
      expect((e as JpkiError).code).toBe('ERR_JPKI_DATA');
      expect((e as JpkiError).offset).toBe(4);
    }
  });

  it('SIMPLE-TLV with 1- and 3-byte lengths', () => {
    expect(decodeSimpleTlvList(fromHex('0102aabb02ff0001cc')).map((t) => [t.tag, toHex(t.value)])).toEqual([
      [1, 'aabb'],
      [2, 'cc'],
    ]);
    for (const hex of ['00', '01', '0105aa', '01ff00', 'ff00']) expect(() => decodeSimpleTlvList(fromHex(hex)), hex).toThrow(JpkiError);
  });

  it(`reads at most MAX_TLV_LIST_ITEMS (${MAX_TLV_LIST_ITEMS}) objects from one list`, () => {
    const list = (item: string, n: number) => fromHex(item.repeat(n));
    expect(decodeTlvList(list('df0100', MAX_TLV_LIST_ITEMS))).toHaveLength(MAX_TLV_LIST_ITEMS);
    expect(decodeSimpleTlvList(list('0100', MAX_TLV_LIST_ITEMS))).toHaveLength(MAX_TLV_LIST_ITEMS);
    // A 32 KiB EF of empty objects: refused at the cap, not 16,000 objects.
    for (const decodeList of [decodeTlvList, decodeSimpleTlvList]) {
      expect(() => decodeList(list(decodeList === decodeTlvList ? '5a00' : '0100', 16_000))).toThrow(expect.objectContaining({ code: 'ERR_JPKI_DATA', message: expect.stringContaining(`more than ${MAX_TLV_LIST_ITEMS} objects`) }));
    }
  });
});

describe('My Number, eras and verification codes', () => {
  it('computes the check digit (My Number Act enforcement ordinance, art. 1)', () => {
    expect(myNumberCheckDigit('12345678901')).toBe(8);
    expect(myNumberCheckDigit('53768667718')).toBe(8);
    expect(isValidMyNumber('123456789018')).toBe(true);
    expect(isValidMyNumber('123456789017')).toBe(false);
    expect(isValidMyNumber('12345678901')).toBe(false);
    expect(() => myNumberCheckDigit('1234567890a')).toThrow(TypeError);
    expect(maskMyNumber('123456789018')).toBe('********9018');
  });

  it('check digit property: exactly one digit completes any 11 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{11}$/), (s) => {
        expect([...'0123456789'].filter((d) => isValidMyNumber(s + d))).toEqual([String(myNumberCheckDigit(s))]);
      }),
    );
  });

  it('converts to Japanese eras at their boundaries', () => {
    expect(toJapaneseEra('1989-01-07')).toMatchObject({ era: { name: '昭和' }, year: 64 });
    expect(toJapaneseEra('1989-01-08')).toMatchObject({ era: { name: '平成' }, year: 1 });
    expect(toJapaneseEra('2019-04-30')).toMatchObject({ era: { name: '平成' }, year: 31 });
    expect(toJapaneseEra('2019-05-01')).toMatchObject({ era: { name: '令和', code: 5 }, year: 1 });
    expect(toJapaneseEra('1926-12-25')).toMatchObject({ era: { name: '昭和' }, year: 1 });
    expect(toJapaneseEra('1912-07-30')).toMatchObject({ era: { name: '大正' }, year: 1 });
    expect(() => toJapaneseEra('1867-12-31')).toThrow(RangeError);
    expect(() => toJapaneseEra('1989-02-30')).toThrow(RangeError);
  });

  it('builds 照合番号B from typed inputs (the test card value, single source for the era year)', () => {
    expect(verificationCodeB({ birthDate: '1980-02-17', expiryYear: 2035, securityCode: '2285' })).toBe('55021720352285');
    expect(verificationCodeB({ birthDate: '1989-03-31', expiryYear: 2034, securityCode: '5678' })).toBe('01033120345678');
    expect(birthDateKey('2020-01-02')).toBe('020102');
    expect(() => verificationCodeB({ birthDate: '1980-02-17', expiryYear: 2035, securityCode: '228' })).toThrow(RangeError);
    expect(() => verificationCodeB({ birthDate: '1980-02-17', expiryYear: 1999, securityCode: '2285' })).toThrow(RangeError);
    expect(() => verificationCodeA('123456789017')).toThrow(RangeError);
  });

  it('decodes the sign certificate birth date EYYYYMMDD, partial dates included', () => {
    expect(decodeJpkiBirthDate('319800217')).toMatchObject({ era: { name: '昭和' }, date: '1980-02-17' });
    expect(decodeJpkiBirthDate('019800000')).toMatchObject({ era: null, date: null });
    expect(() => decodeJpkiBirthDate('1980021')).toThrow(JpkiError);
  });
});

describe('PIN formats (ERR_JPKI_PIN_FORMAT, never echoing the value)', () => {
  it('accepts and encodes valid values', () => {
    expect(toHex(encodePin('auth-pin', '0123'))).toBe('30313233');
    expect(toHex(encodePin('sign-password', 'abc123'))).toBe('414243313233');
    expect(encodePin('code-b', '01033120345678').length).toBe(14);
    expect(encodePin('birth-date-key', '010331').length).toBe(6);
  });

  it('refuses invalid ones', () => {
    const bad: [Parameters<typeof encodePin>[0], string][] = [
      ['auth-pin', '123'],
      ['support-pin', '12345'],
      ['juki-pin', 'abcd'],
      ['sign-password', 'ABCDE'],
      ['sign-password', 'ABCDEFGHIJKLMNOPQ'],
      ['sign-password', 'ABC 123'],
      ['code-a', '123456789017'],
      ['code-b', '0103312034567'],
    ];
    for (const [kind, value] of bad) {
      try {
        encodePin(kind, value);
        expect.unreachable(`${kind} ${value}`);
      } catch (e) {
        expect(e).toBeInstanceOf(JpkiError);
        expect((e as JpkiError).code).toBe('ERR_JPKI_PIN_FORMAT');
        expect((e as JpkiError).message).not.toContain(value);
      }
    }
    expect(() => encodePin('sign-password', 'ABCDEFGH', { forNewValue: true })).toThrow(JpkiError);
    expect(() => encodePin('auth-pin', 1234 as never)).toThrow(JpkiError);
  });
});

describe('virtual card data through the parsers', () => {
  it('CVC, integrity record and key ids', async () => {
    const ch = new CardChannel(await virtualCard());
    await ch.selectAp('CARD_INFO_SUPPORT');
    const cvc = decodeCvc(await ch.readTlvEf(SupportEf.CVC));
    expect(formatKeyId(cvc.issuerKeyId)).toBe('9000033/001');
    expect(cvc.body.length).toBe(297);
    expect(cvc.signature.length).toBe(256);
    expect((await verifyCvc(cvc, testCvcAnchors())).status).toBe('passed');
    expect((await verifyCvc(cvc, [])).status).toBe('unverifiable');
    expect((await verifyCvc(cvc, [{ ...testCvcAnchors()[0]!, publicKey: testCvcAnchors()[1]!.publicKey }])).status).toBe('failed');
    expect(formatKeyId(Uint8Array.of(1, 2))).toBe('0102');
    await ch.verifyPin(SupportEf.PIN, 'support-pin', encodePin('support-pin', '1234'));
    const record = decodeIntegrityRecord(await ch.readTlvEf(SupportEf.INTEGRITY));
    expect(record.signedBytes.length).toBe(70);
    expect(toHex(record.signedBytes.subarray(0, 3))).toBe('df3120');
    void AidHex;
  });

  it('token and availability errors', () => {
    expect(() => decodeTokenInfo(new Uint8Array(10))).toThrow(JpkiError);
    expect(() => decodeTokenInfo(new Uint8Array(32).fill(0x80))).toThrow(JpkiError);
    expect(decodeTokenInfo(new Uint8Array(32).fill(0x41)).kind).toBe('unknown');
    expect(() => decodeCertificateAvailability(new Uint8Array(2))).toThrow(JpkiError);
    expect(decodeCertificateAvailability(fromHex('008f00'))).toMatchObject({ sign: false, auth: true });
  });
});

describe('random input into every decoder throws only JpkiError', () => {
  const decoders: [string, (b: Uint8Array) => unknown][] = [
    ['decodeTlvList', decodeTlvList],
    ['decodeMyNumberFile', decodeMyNumberFile],
    ['decodeBasicFourFile', decodeBasicFourFile],
    ['decodeIntegrityRecord', decodeIntegrityRecord],
    ['decodeCvc', decodeCvc],
    ['decodeCardFaceFile', decodeCardFaceFile],
    ['decodeMyNumberImageFile', decodeMyNumberImageFile],
    ['decodeCardRsaPublicKey', decodeCardRsaPublicKey],
    ['decodeTokenInfo', decodeTokenInfo],
    ['decodeCertificateAvailability', decodeCertificateAvailability],
    ['decodeCommonCardInfo', decodeCommonCardInfo],
    ['decodeSimpleTlvList', decodeSimpleTlvList],
  ];
  // Structured garbage: valid-looking headers around random content.
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.tuple(fc.constantFrom(0xff10, 0xff20, 0xff30, 0xff40, 0x7f21, 0xdf21, 0x90), fc.uint8Array({ maxLength: 300 })).map(([t, v]) => encodeTlv(t, v)),
    fc.array(fc.tuple(fc.constantFrom(0xdf21, 0xdf22, 0xdf23, 0xdf24, 0xdf25, 0xdf31, 0xdf32, 0xdf33, 0x5f4e, 0x5f37, 0x90, 0x91), fc.uint8Array({ maxLength: 40 })), { maxLength: 12 }).map((parts) =>
      encodeTlv(0xff20, ...parts.map(([t, v]) => encodeTlv(t, v))),
    ),
  );
  for (const [name, decode] of decoders) {
    it(name, () => {
      fc.assert(
        fc.property(input, (bytes) => {
          try {
            decode(bytes);
          } catch (e) {
            if (!(e instanceof JpkiError)) throw e;
          }
        }),
        { numRuns: 400 },
      );
    });
  }
});
