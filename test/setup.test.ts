import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('test setup', () => {
  it('property tests draw from a fixed seed, so every run explores the same cases', () => {
    expect(Number.isSafeInteger(fc.readConfigureGlobal().seed)).toBe(true);
    const draw = () => fc.sample(fc.array(fc.nat()), 5);
    expect(draw()).toEqual(draw());
  });
});
