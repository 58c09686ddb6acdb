/**
 * RFC 9052 §3: a label in both header buckets is refused, unless the caller names it in
 * `allowInBoth` (the mdoc verifier does so for x5chain and reports the duplicate as a
 * deviation); `alg` and `crit` can never be allowed there.
 */
import { describe, expect, it } from 'vitest';
import { checkHeaders, CoseHeader } from '../../src/cose/index.js';
import { CoseError } from '../../src/errors.js';

const der = new Uint8Array([0x30, 0x00]);

describe('checkHeaders allowInBoth', () => {
  it('x5chain in both buckets: refused by default, accepted when allowed', () => {
    const p = new Map<unknown, unknown>([[CoseHeader.alg, -7], [CoseHeader.x5chain, der]]) as never;
    const u = new Map<unknown, unknown>([[CoseHeader.x5chain, der]]) as never;
    expect(() => checkHeaders(p, u)).toThrow(/in both buckets/);
    expect(() => checkHeaders(p, u, [], [CoseHeader.x5chain])).not.toThrow();
  });

  it('alg and crit stay refused in both buckets even when named', () => {
    const p = new Map<unknown, unknown>([[CoseHeader.alg, -7], [CoseHeader.crit, [CoseHeader.x5chain]], [CoseHeader.x5chain, der]]) as never;
    const withAlg = new Map<unknown, unknown>([[CoseHeader.alg, -7]]) as never;
    expect(() => checkHeaders(p, withAlg, [], [CoseHeader.alg])).toThrow(CoseError);
    const withCrit = new Map<unknown, unknown>([[CoseHeader.crit, [CoseHeader.x5chain]]]) as never;
    expect(() => checkHeaders(p, withCrit, [], [CoseHeader.crit])).toThrow(/in both buckets/);
  });
});
