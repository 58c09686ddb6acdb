/**
 * Fixed cases from the differential campaign of the Token Status List against
 * @sd-jwt/jwt-status-list 0.19.0, @owf/token-status-list 0.4.2 and node:zlib (draft-ietf-oauth-
 * status-list editor's copy of 21 June 2026). Each expected result is the draft's (or RFC
 * 1950 / RFC 8392's), named beside it, not what shomei happened to answer.
 */
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CborFloat, type CborValue, encode, Tag } from '../../src/cbor/index.js';
import {
  createStatusBytes,
  decodeStatusListToken,
  deflateZlib,
  inflateZlib,
  readStatus,
  type StatusListBits,
  type StatusListToken,
  writeStatus,
} from '../../src/mdoc/index.js';
import { checkTokenTime } from '../../src/mdoc/status/verify.js';

const IMPLS = ['platform', 'fflate'] as const;
const URI = 'https://status.example.jp/lists/1';
const NOW_S = 1_780_272_000; // 2026-06-01T00:00:00Z

/** The big-endian Adler-32 (RFC 1950 §8.2) of `data`, written here from the RFC. */
function adler32(data: Uint8Array): Uint8Array {
  let a = 1;
  let b = 0;
  for (const x of data) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return new Uint8Array([b >>> 8, b & 0xff, a >>> 8, a & 0xff]);
}

/**
 * A token for decodeStatusListToken (which checks the shape only: the signature and the
 * x5chain are not read): tag 18, `typ` and an x5chain in the protected header, the claims given.
 */
function token(claims: Map<CborValue, CborValue>): Uint8Array {
  const prot = encode(
    new Map<CborValue, CborValue>([
      [1, -7],
      [16, 'application/statuslist+cwt'],
      [33, new Uint8Array([0x30, 0x00])],
    ]),
  );
  return encode(new Tag(18, [prot, new Map(), encode(claims), new Uint8Array(64)]));
}

function claims(list: Map<string, CborValue>, extra: [number, CborValue][] = []): Map<CborValue, CborValue> {
  return new Map<CborValue, CborValue>([[2, URI], [6, NOW_S - 60], [4, NOW_S + 3600], [65534, 43200], [65533, list], ...extra]);
}

const LST = deflateZlib(new Uint8Array([0xb9, 0xa3]));

/**
 * A ZLIB stream written by hand (RFC 1950, RFC 1951 §3.2.6): one final block of fixed Huffman
 * codes holding `data` (bytes below 144, each an 8-bit code 0x30 + byte), then the 7-bit end
 * of block. 3 + 8n + 7 bits, so the last DEFLATE byte holds only the last two bits of the end code.
 */
function fixedHuffmanZlib(data: Uint8Array): Uint8Array {
  const bits: number[] = [1, 1, 0]; // BFINAL 1, BTYPE 01 (least significant bit first)
  for (const b of data) {
    const code = 0x30 + b;
    for (let i = 7; i >= 0; i--) bits.push((code >> i) & 1); // Huffman codes go most significant bit first
  }
  for (let i = 0; i < 7; i++) bits.push(0); // end of block: 256 is the 7-bit code 0000000
  const deflated = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => {
    deflated[i >> 3]! |= bit << (i & 7);
  });
  return new Uint8Array([0x78, 0x01, ...deflated, ...adler32(data)]);
}

describe('lst is one ZLIB stream and nothing else (draft §4.1 step 4; RFC 1950)', () => {
  const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 5);
  const z = deflateSync(data);

  it.each(IMPLS)('%s: a stream followed by bytes that end in its own Adler-32 is ERR_MDOC_DEFLATE (campaign finding: Node’s DecompressionStream ignores what follows the stream)', async (impl) => {
    const twice = new Uint8Array([...z, ...z]);
    const junkThenCheck = new Uint8Array([...z, 0x00, 0x01, 0x02, ...adler32(data)]);
    const otherStream = new Uint8Array([...z, ...deflateSync(new Uint8Array(0)).subarray(0, 2), 0x03, 0x00, ...adler32(data)]);
    for (const bad of [twice, junkThenCheck, otherStream]) await expect(inflateZlib(bad, { implementation: impl })).rejects.toMatchObject({ code: 'ERR_MDOC_DEFLATE' });
    // The stream alone is fine.
    expect(await inflateZlib(new Uint8Array(z), { implementation: impl })).toEqual(data);
  });

  it.each(IMPLS)('%s: a valid stream is read whatever its length modulo the 1 KiB input slices (fuzz14 finding: the fflate check refused about one pako or zlib stream in 1,400)', async (impl) => {
    // Lengths 1024k + 2 … 1024k + 5: without its last byte, the input ends in a slice of four
    // bytes or fewer, which fflate's streaming inflater took as a complete stream.
    for (const n of [1018, 1019, 1020, 1021, 2042, 2043, 2044, 2045]) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + (i >> 3)) % 144);
      const z = fixedHuffmanZlib(data);
      expect(await inflateZlib(z, { implementation: impl }), `${n} data bytes, ${z.length} bytes`).toEqual(data);
      // The same stream cut short by one DEFLATE byte is not one.
      await expect(inflateZlib(new Uint8Array([...z.subarray(0, z.length - 5), ...z.subarray(z.length - 4)]), { implementation: impl })).rejects.toMatchObject({ code: 'ERR_MDOC_DEFLATE' });
    }
  });

  it.each(IMPLS)('%s: gzip, raw DEFLATE and a preset dictionary (FDICT, RFC 1950 §2.2-2.3) are ERR_MDOC_DEFLATE', async (impl) => {
    const forms = [gzipSync(data), deflateRawSync(data), deflateSync(data, { dictionary: Buffer.from('no dictionary is defined for a status list') })];
    for (const f of forms) await expect(inflateZlib(new Uint8Array(f), { implementation: impl })).rejects.toMatchObject({ code: 'ERR_MDOC_DEFLATE' });
  });

  it.each(IMPLS)('%s: a header with CM 7, CINFO 8 or a wrong FCHECK is ERR_MDOC_DEFLATE (RFC 1950 §2.2)', async (impl) => {
    const cm = new Uint8Array(z);
    cm[0] = (cm[0]! & 0xf0) | 7;
    const fcheck = new Uint8Array(z);
    fcheck[1]! ^= 1;
    const cinfo = new Uint8Array(z);
    cinfo[0] = 0x88;
    cinfo[1] = 0x00;
    cinfo[1] = 31 - ((0x88 * 256) % 31);
    for (const bad of [cm, fcheck, cinfo]) await expect(inflateZlib(bad, { implementation: impl })).rejects.toMatchObject({ code: 'ERR_MDOC_DEFLATE' });
  });

  it.each(IMPLS)('%s: ZLIB of an empty byte array inflates to nothing, and every index is then out of bounds (§8.3 step 6)', async (impl) => {
    const empty = await inflateZlib(new Uint8Array(deflateSync(new Uint8Array(0))), { implementation: impl });
    expect(empty.length).toBe(0);
    expect(readStatus(empty, 1, 0)).toBeUndefined();
  });
});

describe('StatusList and token claims keep their CBOR types (draft §4.3, §5.2)', () => {
  it('bits sent as a float (1.0, 2.0 …) is ERR_MDOC_STATUS_TOKEN: bits is an unsigned integer, major type 0 (§4.3)', () => {
    for (const bits of [1, 2, 4, 8]) {
      const list = new Map<string, CborValue>([
        ['bits', new CborFloat(bits)],
        ['lst', LST],
      ]);
      expect(() => decodeStatusListToken(token(claims(list)))).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STATUS_TOKEN', path: 'status_list.bits', message: expect.stringContaining('float') }));
    }
  });

  it('ttl sent as a float is ERR_MDOC_STATUS_TOKEN: "Unsigned integer (major type 0)", and positive (§5.2)', () => {
    const list = new Map<string, CborValue>([
      ['bits', 1],
      ['lst', LST],
    ]);
    for (const ttl of [new CborFloat(60), new CborFloat(0.5), 0, -1, '60']) {
      expect(() => decodeStatusListToken(token(claims(list, [[65534, ttl]])))).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STATUS_TOKEN' }));
    }
    expect(decodeStatusListToken(token(claims(list, [[65534, 2 ** 32]]))).ttl).toBe(2 ** 32);
  });

  it('iat and exp as whole floats are still read: a NumericDate may be a float (RFC 8392 §2)', () => {
    const list = new Map<string, CborValue>([
      ['bits', 2],
      ['lst', LST],
    ]);
    const t = decodeStatusListToken(
      token(
        claims(list, [
          [6, new CborFloat(NOW_S - 60)],
          [4, new CborFloat(NOW_S + 3600)],
        ]),
      ),
    );
    expect([t.iat, t.exp, t.statusList?.bits]).toEqual([NOW_S - 60, NOW_S + 3600, 2]);
  });

  it('a claim key sent as the float 2.0 is not sub (RFC 8392 §3: claim keys are integers or text)', () => {
    const list = new Map<string, CborValue>([
      ['bits', 1],
      ['lst', LST],
    ]);
    const c = claims(list);
    c.delete(2);
    c.set(new CborFloat(2), URI);
    expect(() => decodeStatusListToken(token(c))).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STATUS_TOKEN', message: expect.stringContaining('sub') }));
  });
});

describe('lookups at the edges the campaign compared (draft §4.1, §8.3 step 6)', () => {
  it.each([1, 2, 4, 8] as StatusListBits[])('bits %i: index 0, the last, the padding after it in a partial last byte (0), and past the byte array (none)', async (bits) => {
    const perByte = 8 / bits;
    for (const size of [1, perByte - 1, perByte, perByte + 1, 1000, 1001].filter((s) => s >= 1)) {
      const bytes = createStatusBytes(size, bits);
      const max = (1 << bits) - 1;
      writeStatus(bytes, bits, 0, max);
      writeStatus(bytes, bits, size - 1, 1);
      // §4.1 step 2: the array holds ceil(size * bits / 8) bytes; its unused high bits are 0.
      expect(bytes.length).toBe(Math.ceil((size * bits) / 8));
      const inflated = await inflateZlib(new Uint8Array(deflateSync(bytes, { level: 1 })));
      expect(readStatus(inflated, bits, 0)).toBe(size === 1 ? 1 : max);
      expect(readStatus(inflated, bits, size - 1)).toBe(1);
      const capacity = bytes.length * perByte;
      for (let i = size; i < capacity; i++) expect(readStatus(inflated, bits, i)).toBe(0);
      expect(readStatus(inflated, bits, capacity)).toBeUndefined();
      expect(readStatus(inflated, bits, 2 ** 53 - 1)).toBeUndefined();
    }
  });

  it('an index that is not a non-negative integer is refused, never read (§6.3: idx is an unsigned integer)', () => {
    const bytes = new Uint8Array([0xff, 0xff]);
    for (const idx of [-1, 0.5, 3.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '3', 3n, null]) expect(() => readStatus(bytes, 1, idx as never)).toThrow(RangeError);
  });
});

describe('token time at the edges (RFC 8392 §3.1.4 as RFC 7519 §4.1.4: not valid on or after exp)', () => {
  const at = (exp: number, iat: number) => ({ exp, iat }) as StatusListToken;
  const now = new Date(NOW_S * 1000);
  it('exp equal to now (plus the skew) is expired; one second later is not; iat past now plus the skew is refused', () => {
    for (const skew of [0, 300]) {
      expect(() => checkTokenTime(at(NOW_S - skew, NOW_S - 7200), now, skew * 1000)).toThrow(expect.objectContaining({ code: 'ERR_MDOC_STATUS_INVALID', check: 'VALIDITY' }));
      expect(() => checkTokenTime(at(NOW_S - skew + 1, NOW_S - 7200), now, skew * 1000)).not.toThrow();
      expect(() => checkTokenTime(at(NOW_S + 7200, NOW_S + skew + 1), now, skew * 1000)).toThrow(expect.objectContaining({ check: 'VALIDITY' }));
      expect(() => checkTokenTime(at(NOW_S + 7200, NOW_S + skew), now, skew * 1000)).not.toThrow();
    }
  });
});
