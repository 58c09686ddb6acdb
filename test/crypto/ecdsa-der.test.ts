import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEcdsaDer, ecdsaRawToDer } from '../../src/crypto/ecdsa-der.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';

describe('ECDSA DER ⇄ raw r || s', () => {
  it('round-trips any r || s of 32, 48 and 66 bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom(32, 48, 66), fc.uint8Array({ minLength: 132, maxLength: 132 }), (size, bytes) => {
        const raw = bytes.subarray(0, 2 * size);
        expect(parseEcdsaDer(ecdsaRawToDer(raw), size)).toEqual(raw);
      }),
      { numRuns: 300 },
    );
  });

  it('writes minimal INTEGERs: a leading 0x00 only before a high bit', () => {
    // r = 1 (one content byte), s = 0x80 00…00 (a 0x00 is prepended so it stays positive).
    expect(toHex(ecdsaRawToDer(fromHex(`${'00'.repeat(31)}01${'80'}${'00'.repeat(31)}`)))).toBe(`3026020101022100${'80'}${'00'.repeat(31)}`);
  });

  it('refuses what is not strict DER for the size', () => {
    const ok = '3006020101020102';
    expect(parseEcdsaDer(fromHex(ok), 32)).not.toBeNull();
    for (const bad of [
      '',
      '31060201010201 02'.replace(' ', ''), // SET, not SEQUENCE
      '3007020101020102ff', // trailing byte inside the declared length
      '300602010102010200', // bytes after the SEQUENCE
      '30070202000102 0102'.replace(' ', ''), // non-minimal INTEGER (00 01)
      '3006020180020102', // negative r
      '30060200020102', // wrong length
      '3081060201010201 02'.replace(' ', ''), // non-minimal SEQUENCE length
      `3025022100${'ff'.repeat(33)}020101`.slice(0, 20), // truncated
    ]) {
      expect(parseEcdsaDer(fromHex(bad), 32), bad).toBeNull();
    }
    // r does not fit in 32 bytes.
    expect(parseEcdsaDer(ecdsaRawToDer(new Uint8Array(96).fill(1)), 32)).toBeNull();
    expect(() => ecdsaRawToDer(new Uint8Array(3))).toThrow(RangeError);
  });
});
