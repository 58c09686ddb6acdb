/**
 * `deflateZlib` as Node, Deno and Bun load the package (src/mdoc/status/deflate-node.ts, behind
 * the `node` condition of `#status-deflate`): fflate required on the first call instead of
 * imported with the module, and the same bytes as the bundlers' variant (deflate.ts), so a status
 * list token is the same wherever it is built (draft-ietf-oauth-status-list §4.1).
 */
import { describe, expect, it } from 'vitest';
import { deflateZlib as bundled } from '../../src/mdoc/status/deflate.js';
import { deflateZlib as node } from '../../src/mdoc/status/deflate-node.js';
import { inflateZlib } from '../../src/mdoc/status/inflate.js';

describe('deflateZlib, Node variant', () => {
  it('gives the same ZLIB bytes as the bundled variant, and they inflate back', async () => {
    const inputs = [new Uint8Array(0), new Uint8Array(4096), Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 251), new Uint8Array(1).fill(0xff)];
    for (const data of inputs) {
      const out = node(data);
      expect(out).toEqual(bundled(data));
      expect(out[0]).toBe(0x78); // CMF: deflate, 32 KiB window
      expect(await inflateZlib(out)).toEqual(data);
    }
  });

  it('refuses what is not a Uint8Array, naming the argument', () => {
    expect(() => node('00' as unknown as Uint8Array)).toThrow(new TypeError('data must be a Uint8Array'));
  });
});
