/**
 * SessionEstablishment and SessionData (ISO/IEC 18013-5 §9.1.1.4) with an unexpected member:
 * refused, and the error names the member by a bounded description, never by the member
 * itself (a byte-string key of megabytes made a message four times its size).
 */
import { describe, expect, it } from 'vitest';
import { encode } from '../../src/cbor/index.js';
import { fromHex } from '../../src/internal/bytes.js';
import { decodeSessionData, decodeSessionEstablishment } from '../../src/session/index.js';

const errorOf = (run: () => unknown): Error => {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('nothing was thrown');
};

describe('unexpected members', () => {
  const big = new Uint8Array(1024 * 1024).fill(0x41);
  const cases: [string, unknown, string][] = [
    ['a byte-string key of 1 MiB', big, '(a byte string of 1048576 bytes)'],
    ['a text key of 100,000 characters', 'k'.repeat(100_000), `"${'k'.repeat(64)}…"`],
    ['a short text key', 'extra', '"extra"'],
    ['an integer key', 7, '7'],
  ];
  for (const [what, key, named] of cases) {
    it(`${what}: SESSION decode error naming it in bounded words`, () => {
      for (const [decodeMessage, fields] of [
        [decodeSessionData, [['data', new Uint8Array(16)]]],
        [decodeSessionEstablishment, [['eReaderKey', new Uint8Array(2)], ['data', new Uint8Array(16)]]],
      ] as const) {
        const e = errorOf(() => decodeMessage(encode(new Map<unknown, unknown>([...fields, [key, 1]]) as never)));
        expect(e.message).toContain(`unexpected member ${named}`);
        expect(e.message.length).toBeLessThan(300);
        expect((e as { code?: string }).code).toMatch(/^ERR_SESSION/);
      }
    });
  }
});

/**
 * Integers written as floats (CBOR major type 7): `status` is a uint and the EReaderKey
 * COSE_Key labels and values are integers (RFC 9052 §7), so 20.0 is not the status 20 and
 * kty 2.0 is not EC2. Built byte by byte: f9 = half float, fb = double.
 */
describe('numbers written as floats', () => {
  const hex = (s: string) => fromHex(s.replace(/\s/g, ''));
  const status = (item: string) => hex(`a1 66 737461747573 ${item}`); // {"status": item}
  it.each([
    ['20.0 (half)', 'f9 4d00'],
    ['20.0 (double)', 'fb 4034000000000000'],
    ['10.0 (single)', 'fa 41200000'],
    ['-0.0 (half)', 'f9 8000'],
  ])('a status of %s is refused (ERR_SESSION_MESSAGE)', (_what, item) => {
    expect(() => decodeSessionData(status(item))).toThrow(expect.objectContaining({ code: 'ERR_SESSION_MESSAGE' }));
  });

  it('the integer status, in any head width, is read as it is', () => {
    expect(decodeSessionData(status('14'))).toEqual({ status: 20 });
    expect(decodeSessionData(status('18 14'))).toEqual({ status: 20 });
    expect(decodeSessionData(status('1a 0000000a'))).toEqual({ status: 10 });
  });

  it('an EReaderKey whose kty, crv or a label is a float is refused', () => {
    // The P-256 generator as the key point: any valid point will do.
    const x = '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296';
    const y = '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5';
    const key = (kty: string, crv: string, xLabel = '21') => `a4 01 ${kty} 20 ${crv} ${xLabel} 5820 ${x} 22 5820 ${y}`;
    const establishment = (k: string) => {
      const keyBytes = hex(k);
      return hex(`a2 6a 655265616465724b6579 d818 58${keyBytes.length.toString(16).padStart(2, '0')} ${k} 64 64617461 43 000102`);
    };
    expect(decodeSessionEstablishment(establishment(key('02', '01'))).eReaderKey.crv).toBe('P-256');
    for (const k of [key('f9 4000', '01'), key('02', 'fb 3ff0000000000000'), key('02', '01', 'f9 c000')]) {
      expect(() => decodeSessionEstablishment(establishment(k))).toThrow(expect.objectContaining({ code: 'ERR_SESSION_MESSAGE' }));
    }
  });
});

describe('a member holding CBOR undefined (f7) is present, with the wrong type', () => {
  const hex = (s: string) => fromHex(s.replace(/\s/g, ''));
  it.each([
    ['{"data": undefined, "status": 20}', 'a2 64 64617461 f7 66 737461747573 14'],
    ['{"data": h\'00\', "status": undefined}', 'a2 64 64617461 41 00 66 737461747573 f7'],
    ['{"data": undefined}', 'a1 64 64617461 f7'],
  ])('%s is refused, not read as a message without that member', (_what, bytes) => {
    expect(() => decodeSessionData(hex(bytes))).toThrow(expect.objectContaining({ code: 'ERR_SESSION_MESSAGE', message: expect.stringMatching(/is not a|an unsigned/) }));
  });
});
