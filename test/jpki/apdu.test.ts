/**
 * ISO/IEC 7816-4 command and response APDUs: cases 1–4 short and extended, the decoder
 * the virtual card uses, status words, and transmitApdu's 61xx / 6Cxx handling.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import { type CommandApdu, decodeCommandApdu, decodeResponseApdu, encodeCommandApdu, encodeResponseApdu } from '../../src/jpki/apdu.js';
import * as cmd from '../../src/jpki/commands.js';
import { describeStatusWord, formatStatusWord, isSuccess, retriesFromStatusWord, StatusWord, statusError } from '../../src/jpki/status.js';
import { type CardTransport, transmitApdu } from '../../src/jpki/transport.js';
import { rejectsWith } from './helpers.js';

const H = { cla: 0x00, ins: 0xb0, p1: 0x01, p2: 0x02 };

describe('encodeCommandApdu', () => {
  it('encodes the four cases in short form', () => {
    expect(toHex(encodeCommandApdu(H))).toBe('00b00102');
    expect(toHex(encodeCommandApdu({ ...H, ne: 256 }))).toBe('00b0010200');
    expect(toHex(encodeCommandApdu({ ...H, ne: 17 }))).toBe('00b0010211');
    expect(toHex(encodeCommandApdu({ ...H, data: Uint8Array.of(1, 2) }))).toBe('00b00102020102');
    expect(toHex(encodeCommandApdu({ ...H, data: Uint8Array.of(1, 2), ne: 256 }))).toBe('00b0010202010200');
  });

  it('encodes the four cases in extended form', () => {
    const big = new Uint8Array(300).fill(0xaa);
    expect(toHex(encodeCommandApdu({ ...H, ne: 65536 }))).toBe('00b00102000000');
    expect(toHex(encodeCommandApdu({ ...H, ne: 257 }))).toBe('00b00102000101');
    expect(toHex(encodeCommandApdu({ ...H, data: big })).slice(0, 14)).toBe('00b0010200012c');
    expect(toHex(encodeCommandApdu({ ...H, data: big, ne: 65536 })).slice(-4)).toBe('0000');
    expect(toHex(encodeCommandApdu({ ...H, data: Uint8Array.of(1), ne: 1 }, { length: 'extended' }))).toBe('00b001020000010100' + '01');
    expect(toHex(encodeCommandApdu(H, { length: 'extended' }))).toBe('00b00102');
  });

  it('refuses bad arguments with RangeError/TypeError', () => {
    expect(() => encodeCommandApdu({ ...H, cla: 256 })).toThrow(RangeError);
    expect(() => encodeCommandApdu({ ...H, ne: 0 })).toThrow(RangeError);
    expect(() => encodeCommandApdu({ ...H, ne: 65537 })).toThrow(RangeError);
    expect(() => encodeCommandApdu({ ...H, ne: 300 }, { length: 'short' })).toThrow(RangeError);
    expect(() => encodeCommandApdu({ ...H, data: 'x' as never })).toThrow(TypeError);
    expect(() => encodeCommandApdu({ ...H, data: new Uint8Array(65536) })).toThrow(RangeError);
  });

  it('round-trips through decodeCommandApdu (property)', () => {
    const apdu = fc.record(
      {
        cla: fc.integer({ min: 0, max: 255 }),
        ins: fc.integer({ min: 0, max: 255 }),
        p1: fc.integer({ min: 0, max: 255 }),
        p2: fc.integer({ min: 0, max: 255 }),
        data: fc.uint8Array({ minLength: 1, maxLength: 400 }),
        ne: fc.integer({ min: 1, max: 65536 }),
      },
      { requiredKeys: ['cla', 'ins', 'p1', 'p2'] },
    );
    fc.assert(
      fc.property(apdu, fc.constantFrom('auto', 'extended') as fc.Arbitrary<'auto' | 'extended'>, (a, length) => {
        const bytes = encodeCommandApdu(a as CommandApdu, { length });
        const { extended, ...back } = decodeCommandApdu(bytes);
        expect(back).toEqual(a);
        expect(toHex(encodeCommandApdu(back, { length: extended ? 'extended' : 'short' }))).toBe(toHex(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('decodeCommandApdu refuses inconsistent lengths with ERR_APDU_MALFORMED', () => {
    for (const hex of ['00b001', '00b0010203aabb', '00b00102000005aa', '00b001020000']) {
      expect(() => decodeCommandApdu(fromHex(hex)), hex).toThrow(expect.objectContaining({ code: 'ERR_APDU_MALFORMED' }));
    }
  });
});

describe('responses and status words', () => {
  it('splits data and SW; refuses a response without SW (ERR_APDU_MALFORMED)', () => {
    expect(decodeResponseApdu(fromHex('0102039000'))).toEqual({ data: Uint8Array.of(1, 2, 3), sw: 0x9000 });
    expect(toHex(encodeResponseApdu({ data: Uint8Array.of(7), sw: 0x6982 }))).toBe('076982');
    expect(() => decodeResponseApdu(Uint8Array.of(0x90))).toThrow(expect.objectContaining({ code: 'ERR_APDU_MALFORMED' }));
    expect(() => decodeResponseApdu('9000' as never)).toThrow(expect.objectContaining({ code: 'ERR_APDU_MALFORMED' }));
  });

  it('names the status words of the registry', () => {
    expect(describeStatusWord(0x9000)).toBe('normal processing');
    expect(describeStatusWord(0x63c2)).toBe('verification failed, 2 tries left');
    expect(describeStatusWord(0x63c0)).toContain('blocked');
    expect(describeStatusWord(0x6110)).toContain('16 more bytes');
    expect(describeStatusWord(0x6c20)).toContain('32 bytes');
    for (const sw of [0x6282, 0x6700, 0x6982, 0x6983, 0x6984, 0x6985, 0x6a81, 0x6a82, 0x6a86, 0x6b00, 0x6d00, 0x6e00]) {
      expect(describeStatusWord(sw)).not.toBe('unknown status');
    }
    expect(describeStatusWord(0x1234)).toBe('unknown status');
    expect(formatStatusWord(0x6a82)).toBe('6A82');
    expect(isSuccess(StatusWord.OK)).toBe(true);
    expect(retriesFromStatusWord(0x63c3)).toBe(3);
    expect(retriesFromStatusWord(0x6300)).toBeUndefined();
    const e = statusError('READ BINARY', 0x6982);
    expect(e).toMatchObject({ code: 'ERR_APDU_STATUS', sw: 0x6982 });
    expect(e.message).toBe('READ BINARY: card answered 6982 (security status not satisfied)');
  });
});

describe('transmitApdu', () => {
  function scripted(responses: string[], sent: string[] = [], extendedLength = false): CardTransport {
    return {
      extendedLength,
      async transmit(c) {
        sent.push(toHex(c));
        const r = responses.shift();
        if (r === undefined) throw new Error('script ended');
        return fromHex(r);
      },
    };
  }

  it('follows 61xx with GET RESPONSE and concatenates', async () => {
    const sent: string[] = [];
    const r = await transmitApdu(scripted(['01026102', '03049000'], sent), cmd.readBinary(0, 4));
    expect(r).toEqual({ data: Uint8Array.of(1, 2, 3, 4), sw: 0x9000 });
    expect(sent).toEqual(['00b0000004', '00c0000002']);
  });

  it('resends once with the Le of 6Cxx', async () => {
    const sent: string[] = [];
    const r = await transmitApdu(scripted(['6c03', '0102039000'], sent), cmd.readBinary(0, 7));
    expect(r.data.length).toBe(3);
    expect(sent).toEqual(['00b0000007', '00b0000003']);
  });

  it('wraps transport failures as ERR_APDU_TRANSPORT and refuses extended commands on a short-only transport', async () => {
    await rejectsWith(transmitApdu(scripted([]), cmd.getChallenge(8)), 'ERR_APDU_TRANSPORT');
    await expect(transmitApdu(scripted([]), cmd.readBinary(0, 1000))).rejects.toThrow(RangeError);
    const r = await transmitApdu(scripted(['9000'], [], true), cmd.readBinary(0, 1000));
    expect(r.sw).toBe(0x9000);
  });

  it('stops a GET RESPONSE chain that never ends', async () => {
    const endless: CardTransport = { transmit: async () => fromHex(`${'00'.repeat(255)}61ff`) };
    await rejectsWith(transmitApdu(endless, cmd.readBinary(0, 1)), 'ERR_APDU_MALFORMED');
  });
});

describe('command builders refuse out-of-range arguments', () => {
  it('throws RangeError/TypeError naming the argument', () => {
    expect(() => cmd.selectDf(new Uint8Array(17))).toThrow(RangeError);
    expect(() => cmd.selectEf(0x10000)).toThrow(RangeError);
    expect(() => cmd.readBinary(0x8000, 1)).toThrow(RangeError);
    expect(() => cmd.readBinary(256, 1, { sfi: 1 })).toThrow(RangeError);
    expect(() => cmd.readBinary(0, 1, { sfi: 31 })).toThrow(RangeError);
    expect(() => cmd.readRecord(0)).toThrow(RangeError);
    expect(() => cmd.verify(new Uint8Array(0))).toThrow(RangeError);
    expect(() => cmd.changeReferenceData(new Uint8Array(256))).toThrow(RangeError);
    expect(() => cmd.changeKey(new Uint8Array(0))).toThrow(RangeError);
    expect(() => cmd.computeDigitalSignature(new Uint8Array(256))).toThrow(RangeError);
    expect(() => cmd.computeDigitalSignature(Uint8Array.of(1), { p1: 300 })).toThrow(RangeError);
    expect(() => cmd.getChallenge(257)).toThrow(RangeError);
    expect(() => cmd.getResponse(0)).toThrow(RangeError);
    expect(toHex(encodeCommandApdu(cmd.getData(0x5f51)))).toBe('00ca5f5100');
  });
});

describe('retry counter answers other than 63Cx', () => {
  it('9000 (already verified) and 6300 (no limit) give no count; 6300 after VERIFY is a wrong PIN', async () => {
    const { CardChannel } = await import('../../src/jpki/channel.js');
    const answers = (list: string[]): CardTransport => ({ transmit: async () => fromHex(list.shift() ?? '6f00') });
    expect(await new CardChannel(answers(['9000', '9000'])).pinStatus(0x18)).toEqual({ retriesLeft: undefined, blocked: false });
    expect(await new CardChannel(answers(['9000', '6300'])).pinStatus(0x18)).toEqual({ retriesLeft: undefined, blocked: false });
    expect(await new CardChannel(answers(['9000', '6984'])).pinStatus(0x18)).toEqual({ retriesLeft: 0, blocked: true });
    await rejectsWith(new CardChannel(answers(['9000', '6a88'])).pinStatus(0x18), 'ERR_APDU_STATUS');
    const e = await rejectsWith(new CardChannel(answers(['9000', '6300', '6300'])).verifyPin(0x18, 'auth-pin', fromHex('31323334')), 'ERR_JPKI_PIN');
    expect(e.retriesLeft).toBeUndefined();
    await rejectsWith(new CardChannel(answers(['9000', '63c3', '6984'])).verifyPin(0x18, 'auth-pin', fromHex('31323334')), 'ERR_JPKI_PIN_BLOCKED');
    await rejectsWith(new CardChannel(answers(['9000', '63c3', '6a80'])).verifyPin(0x18, 'auth-pin', fromHex('31323334')), 'ERR_APDU_STATUS');
  });
});
