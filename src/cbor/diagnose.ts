/**
 * Diagnostic notation (RFC 8949 §8, with the embedded-CBOR `<<…>>` form of
 * RFC 8610 Appendix G.3 for tag 24 content).
 *
 * The input is first checked by the strict decoder, so `diagnose` accepts exactly what
 * `decode` accepts and prints the encoding as it is (indefinite lengths as `[_ …]`,
 * floats with their value, bignums as integers as RFC 8949 Appendix A does, or as
 * `2(h'…')` beyond 1,024 bytes).
 */

import { toHex, utf8Decode } from '../internal/bytes.js';
import { bigUint, type DecodeOptions, decode } from './decode.js';
import { halfToNumber } from './float.js';

/** Options for {@link diagnose}. */
export interface DiagnoseOptions extends Omit<DecodeOptions, 'embedded'> {
  /** Show tag 24 content decoded, as `24(<<…>>)`. Default true; false prints `24(h'…')`. */
  readonly embedded?: boolean;
  /** Indent nested arrays and maps by this many spaces per level; 0 prints one line. Default 0. */
  readonly indent?: number;
  /**
   * Print text strings as the characters they hold (山田　花子), escaping only what would
   * break the quotes or a terminal: `"`, `\`, C0 and C1 controls, DEL, U+2028/U+2029 and
   * the bidirectional controls. Default false: everything outside printable ASCII as `\uXXXX`.
   */
  readonly unicode?: boolean;
}

/** Bignums up to this many bytes (about 2,500 decimal digits) are printed as integers. */
const MAX_DECIMAL_BIGNUM = 1024;

class Printer {
  pos = 0;
  readonly view: DataView;

  constructor(
    readonly src: Uint8Array,
    readonly embedded: boolean,
    readonly indent: number,
    readonly unicode: boolean,
  ) {
    this.view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  }

  /** Read a head; returns [major, additional information, argument] (argument -1 = indefinite). */
  head(): [number, number, number | bigint] {
    const ib = this.src[this.pos++]!;
    const ai = ib & 0x1f;
    let arg: number | bigint = ai;
    if (ai === 24) arg = this.src[this.pos]!;
    else if (ai === 25) arg = this.view.getUint16(this.pos);
    else if (ai === 26) arg = this.view.getUint32(this.pos);
    else if (ai === 27) arg = this.view.getBigUint64(this.pos);
    else if (ai === 31) arg = -1;
    if (ai >= 24 && ai <= 27) this.pos += 1 << (ai - 24);
    return [ib >> 5, ai, arg];
  }

  isBreak(): boolean {
    if (this.src[this.pos] !== 0xff) return false;
    this.pos++;
    return true;
  }

  join(open: string, parts: string[], close: string, level: number): string {
    if (this.indent === 0 || parts.length === 0) return `${open}${parts.join(', ')}${close}`;
    const pad = ' '.repeat(this.indent * (level + 1));
    return `${open}\n${pad}${parts.join(`,\n${pad}`)}\n${' '.repeat(this.indent * level)}${close}`;
  }

  item(level: number): string {
    const [major, ai, arg] = this.head();
    const n = Number(arg);
    switch (major) {
      case 0:
        return String(arg);
      case 1:
        return String(-1n - BigInt(arg));
      case 2:
      case 3: {
        if (arg === -1) {
          const chunks: string[] = [];
          while (!this.isBreak()) chunks.push(this.item(level));
          if (chunks.length === 0) return major === 2 ? "''_" : '""_';
          return `(_ ${chunks.join(', ')})`;
        }
        const bytes = this.src.subarray(this.pos, (this.pos += n));
        return major === 2 ? `h'${toHex(bytes)}'` : quote(utf8Decode(bytes), this.unicode);
      }
      case 4: {
        const parts: string[] = [];
        if (arg === -1) while (!this.isBreak()) parts.push(this.item(level + 1));
        else for (let i = 0; i < n; i++) parts.push(this.item(level + 1));
        return this.join(arg === -1 ? '[_ ' : '[', parts, ']', level);
      }
      case 5: {
        const parts: string[] = [];
        const entry = () => `${this.item(level + 1)}: ${this.item(level + 1)}`;
        if (arg === -1) while (!this.isBreak()) parts.push(entry());
        else for (let i = 0; i < n; i++) parts.push(entry());
        return this.join(arg === -1 ? '{_ ' : '{', parts, '}', level);
      }
      case 6:
        return this.tag(arg, level);
      default:
        return this.simple(ai, arg);
    }
  }

  tag(tag: number | bigint, level: number): string {
    if ((tag === 2 || tag === 3) && this.src[this.pos]! >> 5 === 2 && this.src[this.pos] !== 0x5f) {
      const start = this.pos;
      const [, , len] = this.head();
      const n = Number(len);
      // Decimal conversion costs more than linear time in the number's size: beyond
      // MAX_DECIMAL_BIGNUM bytes the bignum is shown as its tag and byte string instead.
      if (n > MAX_DECIMAL_BIGNUM) {
        this.pos = start;
        return `${tag}(${this.item(level)})`;
      }
      const bytes = this.src.subarray(this.pos, (this.pos += n));
      const v = bigUint(bytes);
      return String(tag === 2 ? v : -1n - v);
    }
    if (tag === 24 && this.embedded && this.src[this.pos] !== 0x5f) {
      const [, , len] = this.head();
      const inner = new Printer(this.src.subarray(this.pos, (this.pos += Number(len))), true, this.indent, this.unicode);
      return `24(<<${inner.item(level)}>>)`;
    }
    return `${tag}(${this.item(level)})`;
  }

  simple(ai: number, arg: number | bigint): string {
    switch (ai) {
      case 20:
        return 'false';
      case 21:
        return 'true';
      case 22:
        return 'null';
      case 23:
        return 'undefined';
      case 25:
        return formatFloat(halfToNumber(Number(arg)));
      case 26:
        return formatFloat(this.view.getFloat32(this.pos - 4));
      case 27:
        return formatFloat(this.view.getFloat64(this.pos - 8));
      default:
        return `simple(${arg})`;
    }
  }
}

/** A float in diagnostic notation: always with a fraction or exponent (`1.0`, `1.0e+300`). */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  const e = s.indexOf('e');
  if (e >= 0) {
    const mantissa = s.slice(0, e);
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}${s.slice(e)}`;
  }
  return s.includes('.') ? s : `${s}.0`;
}

/** Characters escaped even in `unicode` mode: controls, separators, bidirectional controls. */
function unsafe(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

function quote(s: string, unicode: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (unicode ? unsafe(c) : c < 0x20 || c >= 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

/**
 * Render one CBOR data item in diagnostic notation.
 *
 * @throws CborError for anything the strict decoder rejects (the same options apply).
 * @example
 * ```ts
 * diagnose(fromHex('d818456449455446')) // '24(<<"IETF">>)'
 * diagnose(fromHex('d818456449455446'), { embedded: false }) // "24(h'6449455446')"
 * ```
 */
export function diagnose(bytes: Uint8Array, options: DiagnoseOptions = {}): string {
  decode(bytes, { ...options, embedded: 'eager' });
  return new Printer(bytes, options.embedded ?? true, options.indent ?? 0, options.unicode ?? false).item(0);
}
