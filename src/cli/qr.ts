/**
 * QR Code symbols for the terminal, after ISO/IEC 18004:2015 (QR Code bar code
 * symbology): model 2, versions 1–40, error correction levels L, M, Q and H. One segment
 * in numeric, alphanumeric or byte mode (a string with non-ASCII characters is sent as
 * UTF-8 behind ECI 000026), Reed–Solomon codewords over GF(2^8) with the prime
 * polynomial 0x11d, blocks interleaved, the data mask chosen by the four penalty rules,
 * and the BCH-protected format and version information.
 *
 * `shomei demo` draws a device engagement `mdoc:` URI (ISO/IEC 18013-5) with it, so
 * that a phone can scan it off the screen. No I/O here: the renderers return strings.
 */

/** Error correction level: recovers about 7 % (L), 15 % (M), 25 % (Q) or 30 % (H) of the codewords. */
export type QrEcc = 'L' | 'M' | 'Q' | 'H';

/** Data mask pattern reference, 0 to 7. */
export type QrMask = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** An encoded symbol: `modules[row][column]`, `true` for a dark module, no quiet zone. */
export interface QrCode {
  readonly version: number;
  readonly size: number;
  readonly ecc: QrEcc;
  readonly mask: QrMask;
  readonly modules: readonly (readonly boolean[])[];
}

/** Options of {@link encodeQr}. */
export interface QrEncodeOptions {
  /** Error correction level (default `'M'`). */
  readonly ecc?: QrEcc;
  /** Smallest version to use, 1–40 (default 1); a larger one is taken when the data needs it. */
  readonly minVersion?: number;
  /** Data mask to apply (default: the one with the lowest penalty score). */
  readonly mask?: QrMask;
}

/** Options of {@link renderQrTerminal}. */
export interface QrTerminalOptions {
  /** Light margin around the symbol, in modules (default 4, the standard's minimum). */
  readonly quietZone?: number;
  /**
   * `true` (default): the glyphs paint the *light* modules and the quiet zone, for a
   * terminal with light text on a dark background. `false`: the glyphs paint the dark
   * modules, for dark text on a light background.
   */
  readonly invert?: boolean;
}

/** Options of {@link renderQrText}. */
export interface QrTextOptions {
  /** Light margin around the symbol, in modules (default 4). */
  readonly quietZone?: number;
}

const ECC_LEVELS: readonly QrEcc[] = ['L', 'M', 'Q', 'H'];

/** The two format information bits of each level (L 01, M 00, Q 11, H 10). */
const ECC_FORMAT_BITS: Readonly<Record<QrEcc, number>> = { L: 1, M: 0, Q: 3, H: 2 };

// The standard's error correction table, per level, indexed by version − 1: error
// correction codewords per block, and the number of blocks. The total number of
// codewords follows from the symbol's geometry (rawDataModules); when it does not
// divide evenly, the last (total mod blocks) blocks carry one more data codeword.
const EC_CODEWORDS_PER_BLOCK: Readonly<Record<QrEcc, readonly number[]>> = {
  L: [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  Q: [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  H: [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
};
const EC_BLOCKS: Readonly<Record<QrEcc, readonly number[]>> = {
  L: [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  Q: [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  H: [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
};

// Row/column coordinates of the alignment pattern centres, indexed by version − 1
// (the standard's table; version 1 has none). Every combination is a centre except the
// three that would overlap a finder pattern.
const ALIGNMENT_CENTRES: readonly (readonly number[])[] = [
  [],
  [6, 18],
  [6, 22],
  [6, 26],
  [6, 30],
  [6, 34],
  [6, 22, 38],
  [6, 24, 42],
  [6, 26, 46],
  [6, 28, 50],
  [6, 30, 54],
  [6, 32, 58],
  [6, 34, 62],
  [6, 26, 46, 66],
  [6, 26, 48, 70],
  [6, 26, 50, 74],
  [6, 30, 54, 78],
  [6, 30, 56, 82],
  [6, 30, 58, 86],
  [6, 34, 62, 90],
  [6, 28, 50, 72, 94],
  [6, 26, 50, 74, 98],
  [6, 30, 54, 78, 102],
  [6, 28, 54, 80, 106],
  [6, 32, 58, 84, 110],
  [6, 30, 58, 86, 114],
  [6, 34, 62, 90, 118],
  [6, 26, 50, 74, 98, 122],
  [6, 30, 54, 78, 102, 126],
  [6, 26, 52, 78, 104, 130],
  [6, 30, 56, 82, 108, 134],
  [6, 34, 60, 86, 112, 138],
  [6, 30, 58, 86, 114, 142],
  [6, 34, 62, 90, 118, 146],
  [6, 30, 54, 78, 102, 126, 150],
  [6, 24, 50, 76, 102, 128, 154],
  [6, 28, 54, 80, 106, 132, 158],
  [6, 32, 58, 84, 110, 136, 162],
  [6, 26, 54, 82, 110, 138, 166],
  [6, 30, 58, 86, 114, 142, 170],
];

const ALPHANUMERIC_CHARSET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

// Penalty weights N1–N4 of the mask evaluation.
const PENALTY_N1 = 3;
const PENALTY_N2 = 3;
const PENALTY_N3 = 40;
const PENALTY_N4 = 10;

// ---------------------------------------------------------------------------------
// GF(2^8) with the prime polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d), α = 2.

interface GaloisField {
  readonly exp: Uint8Array; // α^i for i in 0..509, doubled so that exp[log a + log b] needs no reduction
  readonly log: Uint8Array; // log_α a for a in 1..255
}

const GF: GaloisField = buildGaloisField();

function buildGaloisField(): GaloisField {
  const exp = new Uint8Array(510);
  const log = new Uint8Array(256);
  let x = 1;
  for (let i = 0; i < 255; i++) {
    exp[i] = x;
    exp[i + 255] = x;
    log[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  return { exp, log };
}

function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return GF.exp[GF.log[a]! + GF.log[b]!]!;
}

/** The RS generator polynomial ∏ (x − α^i), i < degree: its coefficients below the leading 1, highest first. */
function rsGenerator(degree: number): Uint8Array {
  let g = new Uint8Array([1]);
  for (let i = 0; i < degree; i++) {
    const next = new Uint8Array(g.length + 1);
    const root = GF.exp[i]!;
    for (let j = 0; j < g.length; j++) {
      next[j]! ^= g[j]!;
      next[j + 1]! ^= gfMul(g[j]!, root);
    }
    g = next;
  }
  return g.subarray(1);
}

/**
 * The Reed–Solomon error correction codewords of one block: the remainder of
 * data(x)·x^degree divided by the generator polynomial of that degree.
 */
export function reedSolomonRemainder(data: Uint8Array, degree: number): Uint8Array {
  if (!Number.isInteger(degree) || degree < 1 || degree > 254) throw new RangeError('degree must be an integer from 1 to 254');
  const generator = rsGenerator(degree);
  const rem = new Uint8Array(degree);
  for (const byte of data) {
    const factor = byte ^ rem[0]!;
    rem.copyWithin(0, 1);
    rem[degree - 1] = 0;
    for (let j = 0; j < degree; j++) rem[j]! ^= gfMul(generator[j]!, factor);
  }
  return rem;
}

// ---------------------------------------------------------------------------------
// Format and version information (BCH codes).

/** The 15-bit format information of a level and mask: BCH(15,5) with generator 0x537, XORed with 0x5412. */
export function qrFormatInformation(ecc: QrEcc, mask: QrMask): number {
  const data = (ECC_FORMAT_BITS[ecc] << 3) | mask;
  let rem = data << 10;
  for (let bit = 14; bit >= 10; bit--) if ((rem >>> bit) & 1) rem ^= 0x537 << (bit - 10);
  return ((data << 10) | rem) ^ 0x5412;
}

/** The 18-bit version information of versions 7–40: BCH(18,6) with generator 0x1f25. */
export function qrVersionInformation(version: number): number {
  if (!Number.isInteger(version) || version < 7 || version > 40) throw new RangeError('version must be an integer from 7 to 40');
  let rem = version << 12;
  for (let bit = 17; bit >= 12; bit--) if ((rem >>> bit) & 1) rem ^= 0x1f25 << (bit - 12);
  return (version << 12) | rem;
}

// ---------------------------------------------------------------------------------
// Capacity.

/** Modules left for data and error correction codewords (and remainder bits) in a version. */
function rawDataModules(version: number): number {
  const size = 4 * version + 17;
  // Three finder patterns with their separators (8×8 each), the format information
  // (2 × 15) and the dark module, the two timing patterns between the finders.
  let modules = size * size - 3 * 64 - 31 - 2 * (size - 16);
  if (version >= 2) {
    const n = Math.floor(version / 7) + 2; // alignment coordinates per axis
    // n² − 3 alignment patterns of 25 modules; the 2(n − 2) on a timing pattern share 5 with it.
    modules -= 25 * (n * n - 3) - 10 * (n - 2);
  }
  if (version >= 7) modules -= 2 * 18;
  return modules;
}

function totalCodewords(version: number): number {
  return rawDataModules(version) >> 3;
}

function blockStructure(version: number, ecc: QrEcc): { readonly blocks: number; readonly ecPerBlock: number } {
  return { blocks: EC_BLOCKS[ecc][version - 1]!, ecPerBlock: EC_CODEWORDS_PER_BLOCK[ecc][version - 1]! };
}

function dataCodewords(version: number, ecc: QrEcc): number {
  const { blocks, ecPerBlock } = blockStructure(version, ecc);
  return totalCodewords(version) - blocks * ecPerBlock;
}

// ---------------------------------------------------------------------------------
// Data encoding.

type Mode = 'numeric' | 'alphanumeric' | 'byte';

const MODE_INDICATOR: Readonly<Record<Mode, number>> = { numeric: 0b0001, alphanumeric: 0b0010, byte: 0b0100 };
const ECI_INDICATOR = 0b0111;
const ECI_UTF8 = 26;

/** Character count indicator lengths for versions 1–9, 10–26 and 27–40. */
const COUNT_BITS: Readonly<Record<Mode, readonly [number, number, number]>> = {
  numeric: [10, 12, 14],
  alphanumeric: [9, 11, 13],
  byte: [8, 16, 16],
};

interface Segment {
  readonly mode: Mode;
  readonly eci: number | undefined;
  readonly count: number;
  readonly payload: readonly number[]; // bits
}

class BitBuffer {
  readonly bits: number[] = [];
  append(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) this.bits.push((value >>> i) & 1);
  }
}

function makeSegment(data: Uint8Array | string): Segment {
  const payload = new BitBuffer();
  if (typeof data === 'string' && /^[0-9]*$/.test(data)) {
    for (let i = 0; i < data.length; i += 3) {
      const group = data.slice(i, i + 3);
      payload.append(Number(group), group.length * 3 + 1); // 10, 7 or 4 bits
    }
    return { mode: 'numeric', eci: undefined, count: data.length, payload: payload.bits };
  }
  if (typeof data === 'string' && [...data].every((ch) => ALPHANUMERIC_CHARSET.includes(ch))) {
    for (let i = 0; i < data.length; i += 2) {
      const a = ALPHANUMERIC_CHARSET.indexOf(data[i]!);
      if (i + 1 < data.length) payload.append(a * 45 + ALPHANUMERIC_CHARSET.indexOf(data[i + 1]!), 11);
      else payload.append(a, 6);
    }
    return { mode: 'alphanumeric', eci: undefined, count: data.length, payload: payload.bits };
  }
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  for (const byte of bytes) payload.append(byte, 8);
  // Byte mode defaults to ISO/IEC 8859-1: a string beyond ASCII says it is UTF-8.
  const eci = typeof data === 'string' && bytes.some((b) => b >= 0x80) ? ECI_UTF8 : undefined;
  return { mode: 'byte', eci, count: bytes.length, payload: payload.bits };
}

function segmentBits(segment: Segment, version: number): number {
  const countBits = COUNT_BITS[segment.mode][version <= 9 ? 0 : version <= 26 ? 1 : 2];
  if (segment.count >= 2 ** countBits) return Number.POSITIVE_INFINITY;
  return (segment.eci === undefined ? 0 : 12) + 4 + countBits + segment.payload.length;
}

/** The data codewords: segment, terminator, zero bits to a byte boundary, pad codewords. */
function dataCodewordSequence(segment: Segment, version: number, ecc: QrEcc): Uint8Array {
  const capacity = dataCodewords(version, ecc);
  const buffer = new BitBuffer();
  if (segment.eci !== undefined) {
    buffer.append(ECI_INDICATOR, 4);
    buffer.append(segment.eci, 8); // a designator below 128 takes one byte: 0bbbbbbb
  }
  buffer.append(MODE_INDICATOR[segment.mode], 4);
  buffer.append(segment.count, COUNT_BITS[segment.mode][version <= 9 ? 0 : version <= 26 ? 1 : 2]);
  for (const bit of segment.payload) buffer.bits.push(bit);
  const bits = buffer.bits;
  for (let i = 0; i < 4 && bits.length < capacity * 8; i++) bits.push(0); // terminator
  while (bits.length % 8 !== 0) bits.push(0);
  const out = new Uint8Array(capacity);
  let i = 0;
  for (; i < bits.length / 8; i++) {
    let byte = 0;
    for (let b = 0; b < 8; b++) byte = (byte << 1) | bits[i * 8 + b]!;
    out[i] = byte;
  }
  for (let pad = 0; i < capacity; i++, pad++) out[i] = pad % 2 === 0 ? 0xec : 0x11;
  return out;
}

/** Split data codewords into blocks, add each block's RS codewords, interleave. */
function finalSequence(data: Uint8Array, version: number, ecc: QrEcc): Uint8Array {
  const { blocks, ecPerBlock } = blockStructure(version, ecc);
  const total = totalCodewords(version);
  const shortBlockLength = Math.floor(total / blocks);
  const shortBlocks = blocks - (total % blocks);
  const dataBlocks: Uint8Array[] = [];
  const ecBlocks: Uint8Array[] = [];
  let offset = 0;
  for (let b = 0; b < blocks; b++) {
    const length = shortBlockLength - ecPerBlock + (b < shortBlocks ? 0 : 1);
    const block = data.subarray(offset, offset + length);
    offset += length;
    dataBlocks.push(block);
    ecBlocks.push(reedSolomonRemainder(block, ecPerBlock));
  }
  const out = new Uint8Array(total);
  let k = 0;
  const longest = shortBlockLength - ecPerBlock + 1;
  for (let i = 0; i < longest; i++) for (const block of dataBlocks) if (i < block.length) out[k++] = block[i]!;
  for (let i = 0; i < ecPerBlock; i++) for (const block of ecBlocks) out[k++] = block[i]!;
  return out;
}

/**
 * The final codeword sequence of `data` in a given version and level (data and error
 * correction codewords, interleaved), as placed in the symbol. Throws `RangeError` when
 * the data does not fit.
 */
export function qrCodewords(data: Uint8Array | string, version: number, ecc: QrEcc): Uint8Array {
  checkVersion(version, 'version');
  checkEcc(ecc);
  const segment = makeSegment(checkData(data));
  if (segmentBits(segment, version) > dataCodewords(version, ecc) * 8) throw new RangeError(`data does not fit in version ${version}-${ecc}`);
  return finalSequence(dataCodewordSequence(segment, version, ecc), version, ecc);
}

// ---------------------------------------------------------------------------------
// The matrix.

/** A square grid of modules, row-major; `fn` marks function pattern (and reserved) modules. */
interface Grid {
  readonly size: number;
  readonly dark: Uint8Array;
  readonly fn: Uint8Array;
}

function setFunction(grid: Grid, row: number, col: number, dark: boolean): void {
  const i = row * grid.size + col;
  grid.dark[i] = dark ? 1 : 0;
  grid.fn[i] = 1;
}

/** Finder and alignment patterns, separators, timing, the dark module; format and version areas reserved. */
function functionPatterns(version: number): Grid {
  const size = 4 * version + 17;
  const grid: Grid = { size, dark: new Uint8Array(size * size), fn: new Uint8Array(size * size) };
  for (let i = 0; i < size; i++) {
    setFunction(grid, 6, i, i % 2 === 0);
    setFunction(grid, i, 6, i % 2 === 0);
  }
  // Finder patterns (7×7) and their light separators: rings 0–1 and 3 dark around the centre.
  for (const [cr, cc] of [
    [3, 3],
    [3, size - 4],
    [size - 4, 3],
  ] as const) {
    for (let dr = -4; dr <= 4; dr++) {
      for (let dc = -4; dc <= 4; dc++) {
        const r = cr + dr;
        const c = cc + dc;
        if (r < 0 || r >= size || c < 0 || c >= size) continue;
        const ring = Math.max(Math.abs(dr), Math.abs(dc));
        setFunction(grid, r, c, ring !== 2 && ring !== 4);
      }
    }
  }
  // Alignment patterns (5×5): rings 0 and 2 dark.
  const centres = ALIGNMENT_CENTRES[version - 1]!;
  const last = centres.length - 1;
  centres.forEach((cr, i) => {
    centres.forEach((cc, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) setFunction(grid, cr + dr, cc + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
    });
  });
  // Format information areas (written later) and the dark module.
  for (let i = 0; i <= 8; i++) {
    if (i !== 6) {
      setFunction(grid, 8, i, false);
      setFunction(grid, i, 8, false);
    }
  }
  for (let i = 0; i < 8; i++) setFunction(grid, 8, size - 1 - i, false);
  for (let i = 0; i < 7; i++) setFunction(grid, size - 1 - i, 8, false);
  setFunction(grid, size - 8, 8, true);
  if (version >= 7) drawVersionInformation(grid, version);
  return grid;
}

/** Version information: bit k at row ⌊k/3⌋, column size − 11 + k mod 3 (upper right), and transposed (lower left). */
function drawVersionInformation(grid: Grid, version: number): void {
  const bits = qrVersionInformation(version);
  for (let k = 0; k < 18; k++) {
    const dark = ((bits >>> k) & 1) === 1;
    const a = Math.floor(k / 3);
    const b = grid.size - 11 + (k % 3);
    setFunction(grid, a, b, dark);
    setFunction(grid, b, a, dark);
  }
}

/**
 * Format information, bit 0 the least significant. Around the upper-left finder: bits
 * 0–5 down column 8 (rows 0–5), 6 at row 7, 7 at (8, 8), 8 at column 7, 9–14 leftwards
 * along row 8 (columns 5–0). The copy: bits 0–7 leftwards along row 8 from the right
 * edge, bits 8–14 down column 8 from row size − 7.
 */
function drawFormatInformation(grid: Grid, ecc: QrEcc, mask: QrMask): void {
  const bits = qrFormatInformation(ecc, mask);
  const size = grid.size;
  for (let k = 0; k < 15; k++) {
    const dark = ((bits >>> k) & 1) === 1;
    if (k < 6) setFunction(grid, k, 8, dark);
    else if (k < 8) setFunction(grid, k + 1, 8, dark);
    else if (k === 8) setFunction(grid, 8, 7, dark);
    else setFunction(grid, 8, 14 - k, dark);
    if (k < 8) setFunction(grid, 8, size - 1 - k, dark);
    else setFunction(grid, size - 15 + k, 8, dark);
  }
}

/**
 * Codeword placement: two-module-wide columns from the right edge, alternately upwards
 * and downwards, skipping the vertical timing pattern; in each row the right module
 * first; most significant bit first; remainder bits are 0.
 */
function placeCodewords(grid: Grid, codewords: Uint8Array): void {
  const size = grid.size;
  const totalBits = codewords.length * 8;
  let i = 0;
  let upward = true;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let step = 0; step < size; step++) {
      const row = upward ? size - 1 - step : step;
      for (let col = right; col >= right - 1; col--) {
        const index = row * size + col;
        if (grid.fn[index]) continue;
        grid.dark[index] = i < totalBits ? (codewords[i >> 3]! >>> (7 - (i & 7))) & 1 : 0;
        i++;
      }
    }
    upward = !upward;
  }
}

/** Whether mask pattern `mask` inverts the module at row `i`, column `j`. */
function maskInverts(mask: QrMask, i: number, j: number): boolean {
  switch (mask) {
    case 0:
      return (i + j) % 2 === 0;
    case 1:
      return i % 2 === 0;
    case 2:
      return j % 3 === 0;
    case 3:
      return (i + j) % 3 === 0;
    case 4:
      return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0;
    case 5:
      return ((i * j) % 2) + ((i * j) % 3) === 0;
    case 6:
      return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0;
    case 7:
      return (((i + j) % 2) + ((i * j) % 3)) % 2 === 0;
  }
}

function applyMask(grid: Grid, mask: QrMask, ecc: QrEcc): Grid {
  const size = grid.size;
  const out: Grid = { size, dark: grid.dark.slice(), fn: grid.fn };
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const index = i * size + j;
      if (!grid.fn[index] && maskInverts(mask, i, j)) out.dark[index]! ^= 1;
    }
  }
  drawFormatInformation(out, ecc, mask);
  return out;
}

// ---------------------------------------------------------------------------------
// Mask evaluation.

/** Rule 1 (runs of five or more) and rule 3 (1:1:3:1:1 with four light modules on a side) along one line. */
function linePenalty(line: Uint8Array): number {
  let score = 0;
  let run = 1;
  for (let i = 1; i <= line.length; i++) {
    if (i < line.length && line[i] === line[i - 1]) {
      run++;
      continue;
    }
    if (run >= 5) score += PENALTY_N1 + (run - 5);
    run = 1;
  }
  // Beyond the symbol is the quiet zone, light.
  const at = (i: number): number => (i >= 0 && i < line.length ? line[i]! : 0);
  for (let i = 0; i + 7 <= line.length; i++) {
    if (!(at(i) && !at(i + 1) && at(i + 2) && at(i + 3) && at(i + 4) && !at(i + 5) && at(i + 6))) continue;
    const lightBefore = !at(i - 1) && !at(i - 2) && !at(i - 3) && !at(i - 4);
    const lightAfter = !at(i + 7) && !at(i + 8) && !at(i + 9) && !at(i + 10);
    if (lightBefore || lightAfter) score += PENALTY_N3;
  }
  return score;
}

/** The penalty score of a masked symbol: the sum of the four rules (lower is better). */
function penalty(grid: Grid): number {
  const { size, dark } = grid;
  let score = 0;
  const row = new Uint8Array(size);
  const col = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      row[j] = dark[i * size + j]!;
      col[j] = dark[j * size + i]!;
    }
    score += linePenalty(row) + linePenalty(col);
  }
  // Rule 2: each 2×2 block of one colour.
  for (let i = 0; i + 1 < size; i++) {
    for (let j = 0; j + 1 < size; j++) {
      const v = dark[i * size + j];
      if (v === dark[i * size + j + 1] && v === dark[(i + 1) * size + j] && v === dark[(i + 1) * size + j + 1]) score += PENALTY_N2;
    }
  }
  // Rule 4: N4 per full 5 % step of deviation of the dark proportion from 50 %.
  let darkCount = 0;
  for (const v of dark) darkCount += v;
  const total = size * size;
  score += PENALTY_N4 * Math.floor(Math.abs(20 * darkCount - 10 * total) / total);
  return score;
}

// ---------------------------------------------------------------------------------
// Arguments.

function checkData(data: unknown): Uint8Array | string {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new TypeError('data must be a string or a Uint8Array');
  return data;
}

function checkEcc(ecc: unknown): asserts ecc is QrEcc {
  if (!ECC_LEVELS.includes(ecc as QrEcc)) throw new TypeError("ecc must be 'L', 'M', 'Q' or 'H'");
}

function checkVersion(version: unknown, name: string): asserts version is number {
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > 40) throw new RangeError(`${name} must be an integer from 1 to 40`);
}

function checkQuietZone(quietZone: unknown): number {
  if (typeof quietZone !== 'number' || !Number.isInteger(quietZone) || quietZone < 0 || quietZone > 100) throw new RangeError('quietZone must be an integer from 0 to 100');
  return quietZone;
}

// ---------------------------------------------------------------------------------
// Public API.

/**
 * Encode `data` as a QR Code in the smallest version (from `minVersion`) that holds it.
 * A string of digits is encoded in numeric mode, one of the 45 alphanumeric characters
 * (digits, A–Z, space, `$%*+-./:`) in alphanumeric mode, anything else in byte mode as
 * UTF-8 (lone surrogates become U+FFFD); a `Uint8Array` in byte mode as is.
 *
 * Throws `RangeError` when the data does not fit in version 40 at the level, or on an
 * out-of-range `minVersion` or `mask`; `TypeError` on a wrong `data` or `ecc`.
 *
 * @example encodeQr('mdoc:owBjMS4wAYIB2BhYS6QBAiABIVgg…', { ecc: 'M' })
 */
export function encodeQr(data: Uint8Array | string, options: QrEncodeOptions = {}): QrCode {
  const ecc = options.ecc ?? 'M';
  checkEcc(ecc);
  const minVersion = options.minVersion ?? 1;
  checkVersion(minVersion, 'minVersion');
  const forcedMask = options.mask;
  if (forcedMask !== undefined && !(Number.isInteger(forcedMask) && forcedMask >= 0 && forcedMask <= 7)) throw new RangeError('mask must be an integer from 0 to 7');
  const segment = makeSegment(checkData(data));

  let version = minVersion;
  while (segmentBits(segment, version) > dataCodewords(version, ecc) * 8) {
    if (version === 40) {
      const bytes = segment.mode === 'byte' ? `${segment.count} bytes` : `${segment.count} characters (${segment.mode})`;
      throw new RangeError(`data too long for a QR Code at level ${ecc}: ${bytes}`);
    }
    version++;
  }

  const grid = functionPatterns(version);
  placeCodewords(grid, finalSequence(dataCodewordSequence(segment, version, ecc), version, ecc));

  let best: { grid: Grid; mask: QrMask } | undefined;
  if (forcedMask !== undefined) {
    best = { grid: applyMask(grid, forcedMask, ecc), mask: forcedMask };
  } else {
    let bestScore = Number.POSITIVE_INFINITY;
    for (const mask of [0, 1, 2, 3, 4, 5, 6, 7] as const) {
      const masked = applyMask(grid, mask, ecc);
      const score = penalty(masked);
      if (score < bestScore) {
        bestScore = score;
        best = { grid: masked, mask };
      }
    }
  }
  const { size, dark } = best!.grid;
  const modules: boolean[][] = [];
  for (let r = 0; r < size; r++) modules.push(Array.from(dark.subarray(r * size, (r + 1) * size), (v) => v === 1));
  return { version, size, ecc, mask: best!.mask, modules };
}

/** Whether the module at (row, col) of the symbol framed by a quiet zone `q` is dark (false outside). */
function darkAt(code: QrCode, q: number, row: number, col: number): boolean {
  return code.modules[row - q]?.[col - q] === true;
}

/**
 * Draw a symbol for a terminal, two modules per character cell (`▀`, `▄`, `█`, space),
 * with a light quiet zone; one line per two module rows, each ending in `\n`.
 *
 * By default (`invert: true`) the glyphs paint the light modules and the quiet zone and
 * spaces leave the dark ones to the background: on the usual light-on-dark terminal the
 * code then shows dark on light, as scanners expect (many do not read a reversed code).
 * Pass `invert: false` on a dark-on-light terminal. The half blocks are of East Asian
 * Ambiguous width: a terminal set to draw those wide (a CJK-locale option) skews the
 * rows, and {@link renderQrText} is the fallback there. Throws `RangeError` on a bad
 * `quietZone`.
 */
export function renderQrTerminal(code: QrCode, options: QrTerminalOptions = {}): string {
  const q = checkQuietZone(options.quietZone ?? 4);
  const invert = options.invert ?? true;
  const width = code.size + 2 * q;
  const painted = (row: number, col: number): boolean => row < width && darkAt(code, q, row, col) !== invert;
  let out = '';
  for (let row = 0; row < width; row += 2) {
    for (let col = 0; col < width; col++) {
      const top = painted(row, col);
      const bottom = painted(row + 1, col);
      out += top ? (bottom ? '█' : '▀') : bottom ? '▄' : ' ';
    }
    out += '\n';
  }
  return out;
}

/** Draw a symbol as plain text for logs: `##` per dark module, two spaces per light one, each line ending in `\n`. */
export function renderQrText(code: QrCode, options: QrTextOptions = {}): string {
  const q = checkQuietZone(options.quietZone ?? 4);
  const width = code.size + 2 * q;
  let out = '';
  for (let row = 0; row < width; row++) {
    for (let col = 0; col < width; col++) out += darkAt(code, q, row, col) ? '##' : '  ';
    out += '\n';
  }
  return out;
}
