/** The Status List byte array, its CBOR form and ZLIB, against draft-ietf-oauth-status-list's own examples. */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../src/cbor/index.js';
import { fromHex, toHex } from '../../src/internal/bytes.js';
import {
  createStatusBytes,
  DEFAULT_MAX_INFLATED_BYTES,
  decodeStatusList,
  decodeStatusListToken,
  deflateZlib,
  encodeStatusList,
  inflateZlib,
  readStatus,
  type StatusListBits,
  StatusType,
  statusName,
  writeStatus,
} from '../../src/mdoc/index.js';
import { loadVector } from '../helpers/vectors.js';

interface Vectors {
  section_4_1: { name: string; bits: StatusListBits; statuses: number[]; byte_array: string; compressed: string }[];
  section_4_3: { cbor: string; bits: number; lst: string; byte_array: string };
  section_5_2: { cwt: string; alg: number; kid_hex: string; typ: string; sub: string; iat: number; exp: number; ttl: number; bits: number; lst: string };
  appendix_c: { name: string; bits: StatusListBits; size: number; cbor: string; statuses: [number, number][] }[];
}
const V = loadVector('status-list/draft-ietf-oauth-status-list.json') as Vectors;
const IMPLS = ['platform', 'fflate'] as const;

describe('Status List (draft-ietf-oauth-status-list §4)', () => {
  it.each(V.section_4_1)('§4.1 $name: the byte array, its entries and its level-9 ZLIB form are the draft’s', async (v) => {
    const bytes = createStatusBytes(v.statuses.length, v.bits);
    for (const [i, s] of v.statuses.entries()) writeStatus(bytes, v.bits, i, s);
    expect(toHex(bytes)).toBe(v.byte_array);
    expect(toHex(deflateZlib(bytes))).toBe(v.compressed);
    for (const impl of IMPLS) {
      const inflated = await inflateZlib(fromHex(v.compressed), { implementation: impl });
      expect(v.statuses.map((_, i) => readStatus(inflated, v.bits, i))).toEqual(v.statuses);
    }
  });

  it('§4.3: the CBOR StatusList decodes to the draft’s values and re-encodes to the same map', async () => {
    const list = decodeStatusList(decode(fromHex(V.section_4_3.cbor)));
    expect(list.bits).toBe(1);
    expect(toHex(list.lst)).toBe(V.section_4_3.lst);
    expect(toHex(await inflateZlib(list.lst))).toBe(V.section_4_3.byte_array);
    // shomei writes maps in core deterministic order ("lst" before "bits"); the draft's
    // example lists "bits" first. Both are the same map.
    const again = encode(encodeStatusList(list));
    expect(toHex(again)).toBe('a2636c73744a78dadbb918000217015d646269747301');
    expect(decodeStatusList(decode(again))).toEqual(list);
  });

  it.each(V.appendix_c)('Appendix $name ($bits-bit, 2^20 entries): every listed status, and nothing else set', async (v) => {
    const list = decodeStatusList(decode(fromHex(v.cbor)));
    expect(list.bits).toBe(v.bits);
    for (const impl of IMPLS) {
      const bytes = await inflateZlib(list.lst, { implementation: impl });
      expect((bytes.length * 8) / v.bits).toBe(v.size);
      for (const [idx, value] of v.statuses) expect(readStatus(bytes, v.bits, idx)).toBe(value);
      // The listed entries are the only non-zero ones (status[233478] = 0 in C.4 is listed too).
      const listed = v.statuses.filter(([, s]) => s !== 0).length;
      let nonZero = 0;
      for (let i = 0; i < v.size; i++) if (readStatus(bytes, v.bits, i) !== 0) nonZero++;
      expect(nonZero).toBe(listed);
    }
  });

  it('§5.2: the CWT Status List Token example decodes to the draft’s claims', () => {
    const e = V.section_5_2;
    // The example carries a kid, no x5chain: ISO 18013-5 requires one, so decoding refuses it
    // with that reason; its claims are checked through the COSE layer below.
    expect(() => decodeStatusListToken(fromHex(e.cwt))).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STATUS_TOKEN', message: expect.stringContaining('x5chain') }));
    const outer = decode(fromHex(e.cwt)) as { tag: number; value: [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array] };
    expect(outer.tag).toBe(18);
    const prot = decode(outer.value[0]) as Map<number, unknown>;
    expect(prot.get(1)).toBe(e.alg);
    expect(prot.get(16)).toBe(e.typ);
    expect(toHex(outer.value[1].get(4) as Uint8Array)).toBe(e.kid_hex);
    const claims = decode(outer.value[2]) as Map<number, unknown>;
    expect([claims.get(2), claims.get(6), claims.get(4), claims.get(65534)]).toEqual([e.sub, e.iat, e.exp, e.ttl]);
    const list = decodeStatusList(claims.get(65533) as never);
    expect([list.bits, toHex(list.lst)]).toEqual([e.bits, e.lst]);
  });

  it('reads and writes each width at the bit positions §4.1 gives, and refuses misuse', () => {
    const b = createStatusBytes(16, 2);
    writeStatus(b, 2, 5, 3);
    expect(toHex(b)).toBe('000c0000');
    writeStatus(b, 2, 5, 1);
    expect(readStatus(b, 2, 5)).toBe(1);
    expect(readStatus(b, 2, 16)).toBeUndefined();
    expect(() => writeStatus(b, 2, 16, 1)).toThrow(RangeError);
    expect(() => writeStatus(b, 2, 0, 4)).toThrow(RangeError);
    expect(() => readStatus(b, 2, -1)).toThrow(RangeError);
    expect(() => createStatusBytes(0, 1)).toThrow(RangeError);
    expect(() => createStatusBytes(8, 3 as never)).toThrow(RangeError);
    expect([statusName(StatusType.VALID), statusName(1), statusName(2), statusName(3)]).toEqual(['VALID', 'INVALID', 'SUSPENDED', 'status 3']);
  });

  it('a StatusList of the wrong shape is ERR_MDOC_STATUS_TOKEN naming the member', () => {
    const bad = (m: Map<string, unknown>, path: string) => expect(() => decodeStatusList(m as never)).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STATUS_TOKEN', path }));
    bad(new Map<string, unknown>([['bits', 3], ['lst', new Uint8Array(2)]]), 'status_list.bits');
    bad(new Map<string, unknown>([['bits', 1], ['lst', 'x']]), 'status_list.lst');
    bad(new Map<string, unknown>([['bits', 1], ['lst', new Uint8Array(2)], ['aggregation_uri', 1]]), 'status_list.aggregation_uri');
    expect(() => decodeStatusList([] as never)).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STATUS_TOKEN' }));
  });

  it('names a wrong bits value without printing its content: a bigint inside is no TypeError (fuzz finding)', () => {
    const message = (bits: unknown) => {
      try {
        decodeStatusList(new Map<string, unknown>([['bits', bits], ['lst', new Uint8Array(2)]]) as never);
      } catch (e) {
        expect(e).toMatchObject({ code: 'ERR_MDOC_STATUS_TOKEN', path: 'status_list.bits' });
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(message([2n ** 64n])).toMatch(/got an array$/);
    expect(message(new Map([['x', 2n ** 64n]]))).toMatch(/got a map$/);
    expect(message(2n ** 64n)).toMatch(/got 18446744073709551616$/);
    expect(message(3)).toMatch(/got 3$/);
    expect(message(undefined)).toMatch(/got null$/);
  });
});

describe('ZLIB with limits (draft §4.1 step 3, §11.1)', () => {
  it.each(IMPLS)('%s: a decompression bomb stops at the limit with ERR_MDOC_STATUS_LIMIT', async (impl) => {
    const bomb = deflateZlib(new Uint8Array(20 * 1024 * 1024)); // 20 MiB of zeros in ~20 KiB
    expect(bomb.length).toBeLessThan(32 * 1024);
    await expect(inflateZlib(bomb, { implementation: impl, maxBytes: 1024 * 1024 })).rejects.toMatchObject({ code: 'ERR_MDOC_STATUS_LIMIT' });
    await expect(inflateZlib(bomb, { implementation: impl })).rejects.toMatchObject({ code: 'ERR_MDOC_STATUS_LIMIT' });
    expect(DEFAULT_MAX_INFLATED_BYTES).toBe(16 * 1024 * 1024);
    // Exactly at the limit is fine.
    expect((await inflateZlib(deflateZlib(new Uint8Array(4096)), { implementation: impl, maxBytes: 4096 })).length).toBe(4096);
  });

  it.each(IMPLS)('%s: truncated, corrupted, raw-DEFLATE, trailing bytes and a bad Adler-32 are ERR_MDOC_DEFLATE', async (impl) => {
    const good = deflateZlib(new Uint8Array(1000).fill(7));
    const flipLast = good.slice();
    flipLast[flipLast.length - 1]! ^= 1;
    const cases = [good.subarray(0, good.length - 3), new Uint8Array([0x78, 0xda, 0xff, 0xff, 0xff, 0xff, 0xff]), good.subarray(2), new Uint8Array([...good, 1, 2, 3]), flipLast, new Uint8Array(0)];
    for (const c of cases) await expect(inflateZlib(c, { implementation: impl })).rejects.toMatchObject({ code: 'ERR_MDOC_DEFLATE' });
    expect((await inflateZlib(good, { implementation: impl })).every((b) => b === 7)).toBe(true);
  });

  it.each(IMPLS)('%s: bytes between the end of the DEFLATE data and a matching Adler-32 are ERR_MDOC_DEFLATE (fuzz finding: fflate took them)', async (impl) => {
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    const z = deflateZlib(data);
    for (const junk of [[0], [0xde, 0xad, 0xbe, 0xef, 0x00], new Array(3000).fill(0x55)]) {
      const bad = new Uint8Array([...z.subarray(0, z.length - 4), ...junk, ...z.subarray(z.length - 4)]);
      await expect(inflateZlib(bad, { implementation: impl })).rejects.toMatchObject({ code: 'ERR_MDOC_DEFLATE' });
    }
  });

  it('both inflaters read what other encoders write: every zlib level and strategy, stored blocks included (seeded)', async () => {
    // The fflate path relies on the last DEFLATE byte holding the end of the final block.
    const zlib = await import('node:zlib');
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) >>> 8) / 2 ** 24;
    const strategies = [zlib.constants.Z_DEFAULT_STRATEGY, zlib.constants.Z_FILTERED, zlib.constants.Z_HUFFMAN_ONLY, zlib.constants.Z_RLE, zlib.constants.Z_FIXED];
    for (let i = 0; i < 60; i++) {
      const length = [0, 1, 2, 7, 100, 1023, 1024, 1025, 70_000][i % 9]!;
      const noisy = rnd() < 0.5;
      const data = Uint8Array.from({ length }, (_, j) => (noisy ? Math.floor(rnd() * 256) : j % 3 === 0 ? 0 : 1));
      const level = i % 10;
      const strategy = strategies[i % strategies.length]!;
      const streams = [new Uint8Array(zlib.deflateSync(data, { level, strategy })), deflateZlib(data)];
      for (const z of streams) for (const impl of IMPLS) expect(await inflateZlib(z, { implementation: impl }), `${i} ${impl}`).toEqual(data);
    }
  });

  it('misuse is a TypeError or RangeError', async () => {
    await expect(inflateZlib('x' as never)).rejects.toThrow(TypeError);
    await expect(inflateZlib(new Uint8Array(8), { maxBytes: 0 })).rejects.toThrow(RangeError);
    expect(() => deflateZlib([] as never)).toThrow(TypeError);
  });
});
