/**
 * The built-in doctype profiles (src/mdoc/doctypes/builtins.ts) are frozen without the
 * validation pass at import (`builtinProfile`), so they are held to `assertDoctypeProfile` here,
 * and to being as frozen as `defineProfile` leaves a profile.
 */
import { describe, expect, it } from 'vitest';
import { assertDoctypeProfile, BUILTIN_PROFILES, defineProfile, MDL_PROFILE } from '../../../src/mdoc/index.js';

function everyObject(value: unknown, out: object[] = []): object[] {
  if (typeof value === 'object' && value !== null && !(value instanceof RegExp)) {
    out.push(value);
    for (const v of Object.values(value)) everyObject(v, out);
  }
  return out;
}

describe('built-in doctype profiles', () => {
  it('each passes assertDoctypeProfile', () => {
    expect(BUILTIN_PROFILES.length).toBe(4);
    for (const p of BUILTIN_PROFILES) expect(() => assertDoctypeProfile(p), p.docType).not.toThrow();
  });

  it('are deeply frozen, every nested object', () => {
    for (const p of BUILTIN_PROFILES) {
      const objects = everyObject(p);
      expect(objects.length).toBeGreaterThan(10);
      expect(objects.filter((o) => !Object.isFrozen(o))).toEqual([]);
    }
    expect(() => {
      (MDL_PROFILE.namespaces as Record<string, unknown>)['x.y'] = {};
    }).toThrow(TypeError);
  });

  it('defineProfile still validates a profile given to it', () => {
    expect(() => defineProfile({ docType: 'x', namespaces: { x: { a: { type: 'nope', description: '' } } } } as never)).toThrow(TypeError);
  });
});
