import { describe, expect, it } from 'vitest';
import { CborFloat, decode, diagnose, encode } from '../../src/cbor/index.js';
import { CborError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import { loadVector } from '../helpers/vectors.js';

interface AppendixA {
  hex: string;
  diagnostic: string;
  roundtrip: boolean;
  kind: string;
}

const appendixA = (loadVector('rfc8949/appendix-a.json') as { vectors: AppendixA[] }).vectors;
const appendixF = (loadVector('rfc8949/appendix-f.json') as { vectors: { hex: string; category: string }[] }).vectors;

describe('RFC 8949 Appendix A: examples of encoded CBOR data items', () => {
  it('has all 81 rows', () => expect(appendixA.length).toBe(81));

  it.each(appendixA.map((v) => [v.diagnostic, v] as const))('%s', (_d, v) => {
    const bytes = fromHex(v.hex);
    const value = decode(bytes);
    // RFC 8949 §8 notation as printed in the appendix (tag 24 not unwrapped).
    expect(diagnose(bytes, { embedded: false })).toBe(v.diagnostic);
    if (v.roundtrip) {
      // Integral floats decode to numbers; CborFloat asks the encoder to keep them floats.
      const again = v.kind === 'float' && typeof value === 'number' ? encode(new CborFloat(value)) : encode(value);
      expect(toHex(again)).toBe(v.hex);
      expect(() => decode(bytes, { deterministic: true })).not.toThrow();
    } else {
      expect(() => decode(bytes, { deterministic: true })).toThrow(CborError);
    }
  });
});

describe('RFC 8949 Appendix F: examples that are not well-formed', () => {
  it('has all 94 examples', () => expect(appendixF.length).toBe(94));

  it.each(appendixF.map((v) => [v.hex, v.category] as const))('%s (%s) is rejected as malformed', (hex) => {
    let error: unknown;
    try {
      decode(fromHex(hex));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CborError);
    expect((error as CborError).code).toBe('ERR_CBOR_MALFORMED');
  });
});
