import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ApduError,
  CborError,
  CoseError,
  CryptoError,
  isShomeiError,
  JpkiError,
  ShomeiError,
  ShomeiErrorCodes,
  X509Error,
} from '../src/errors.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('errors', () => {
  it('every subclass is a ShomeiError with its code, context and name', () => {
    const e = new CborError('ERR_CBOR_MALFORMED', 'bad', { offset: 3, cause: new Error('inner') });
    expect(e).toBeInstanceOf(ShomeiError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('CborError');
    expect(e.offset).toBe(3);
    expect((e.cause as Error).message).toBe('inner');
    expect(isShomeiError(e)).toBe(true);
    expect(isShomeiError(e, 'ERR_CBOR_MALFORMED')).toBe(true);
    expect(isShomeiError(e, 'ERR_CBOR_LIMIT')).toBe(false);
    expect(isShomeiError(new TypeError('x'))).toBe(false);
    const apdu = new ApduError('ERR_APDU_STATUS', 'no', { sw: 0x6a82 });
    expect(apdu.sw).toBe(0x6a82);
    const pin = new JpkiError('ERR_JPKI_PIN', 'wrong', { retriesLeft: 2 });
    expect(pin.retriesLeft).toBe(2);
    const x = new X509Error('ERR_X509_PROFILE', 'p', { check: 'DS_EKU', path: 'x5chain[0]' });
    expect([x.check, x.path]).toEqual(['DS_EKU', 'x5chain[0]']);
    for (const [Cls, code] of [
      [CryptoError, 'ERR_CRYPTO_KEY'],
      [CoseError, 'ERR_COSE_MAC'],
    ] as const) {
      expect(new Cls(code as never, 'm').code).toBe(code);
    }
  });

  it('a ShomeiError is recognised by its Symbol.for brand, not by class identity', () => {
    const e = new CborError('ERR_CBOR_MALFORMED', 'bad');
    const brand = Symbol.for('shomei.error');
    expect((e as unknown as Record<symbol, unknown>)[brand]).toBe(true);
    expect(Object.keys(e)).not.toContain(brand);
    // An error from another copy of the library: a different class with the same brand.
    class Foreign extends Error {
      readonly code = 'ERR_CBOR_LIMIT';
      get [brand]() {
        return true;
      }
    }
    const foreign = new Foreign('other build');
    expect(isShomeiError(foreign)).toBe(true);
    expect(isShomeiError(foreign, 'ERR_CBOR_LIMIT')).toBe(true);
    expect(foreign instanceof ShomeiError).toBe(true);
    expect(foreign instanceof CborError).toBe(false);
    expect(isShomeiError({ code: 'ERR_CBOR_LIMIT' })).toBe(false);
    expect(isShomeiError(Object.assign(new Error('x'), { [brand]: true }))).toBe(false);
    expect(new TypeError('t') instanceof ShomeiError).toBe(false);
    expect(e instanceof CoseError).toBe(false);
  });

  it('codes are unique and in one closed list', () => {
    expect(new Set(ShomeiErrorCodes).size).toBe(ShomeiErrorCodes.length);
    for (const code of ShomeiErrorCodes) expect(code).toMatch(/^ERR_[A-Z0-9]+_[A-Z0-9_]+$/);
  });

  it('every code is asserted by some test other than this one', () => {
    const sources = files(join(__dirname))
      .filter((f) => !f.endsWith('errors.test.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const untested = ShomeiErrorCodes.filter((code) => !sources.includes(`'${code}'`));
    expect(untested).toEqual([]);
  });
});
