/**
 * IEEE 754 half, single and double precision helpers for CBOR major type 7
 * (RFC 8949 §3.3, Appendix D) and preferred serialisation of floats (§4.1).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const scratch = new DataView(new ArrayBuffer(8));

/** The big-endian binary32 (`width` 4) or binary64 (`width` 8) float at `offset`. */
export function readFloat(bytes: Uint8Array, offset: number, width: 4 | 8): number {
  for (let i = 0; i < width; i++) scratch.setUint8(i, bytes[offset + i]!);
  return width === 4 ? scratch.getFloat32(0) : scratch.getFloat64(0);
}

/** The value of an IEEE 754 binary16 bit pattern. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/**
 * The binary16 bit pattern that holds `v` exactly, or -1 when none does.
 * NaN maps to the canonical quiet NaN 0x7e00.
 */
export function numberToHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  f32[0] = v;
  if (f32[0] !== v) return -1;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00; // ±Infinity
  if (exp === 0 && mant === 0) return sign; // ±0
  const e = exp - 127;
  if (e > 15) return -1;
  if (e >= -14) {
    if ((mant & 0x1fff) !== 0) return -1;
    return sign | ((e + 15) << 10) | (mant >> 13);
  }
  if (e < -24) return -1;
  const full = 0x800000 | mant;
  const shift = -e - 1;
  if ((full & ((1 << shift) - 1)) !== 0) return -1;
  return sign | (full >> shift);
}

/** True when `v` survives a round trip through binary32. */
export function fitsFloat32(v: number): boolean {
  return Number.isNaN(v) || Math.fround(v) === v;
}
