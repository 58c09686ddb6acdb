/**
 * UTF-8 in plain JavaScript, for engines without `TextEncoder` / a `TextDecoder` that
 * honours `fatal: true` (QuickJS, Hermes): the WHATWG Encoding Standard's UTF-8 encoder
 * (§9.1.2) and decoder (§9.1.1), byte for byte. Internal: `bytes.ts` picks the platform
 * codec when it behaves, and this one otherwise.
 *
 * The decoder rejects (fatal) or replaces with U+FFFD (not fatal) exactly what WHATWG
 * does: a byte that cannot start a sequence (80–C1, F5–FF), overlong forms (E0 80–9F,
 * F0 80–8F), surrogates (ED A0–BF), code points above U+10FFFF (F4 90–BF), a missing
 * continuation byte and a sequence cut off by the end of the input. A leading BOM is kept.
 */

/** The code units of `s` after WHATWG's USVString conversion: a lone surrogate becomes U+FFFD. */
function codePointAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return c;
  if (c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
  }
  return 0xfffd;
}

/** UTF-8 encode `text` as `TextEncoder.encode` does (lone surrogates become EF BF BD). */
export function encodeUtf8(text: string): Uint8Array {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = codePointAt(text, i);
    if (cp < 0x80) n += 1;
    else if (cp < 0x800) n += 2;
    else if (cp < 0x10000) n += 3;
    else {
      n += 4;
      i++;
    }
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = codePointAt(text, i);
    if (cp < 0x80) out[o++] = cp;
    else if (cp < 0x800) {
      out[o++] = 0xc0 | (cp >> 6);
      out[o++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[o++] = 0xe0 | (cp >> 12);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    } else {
      out[o++] = 0xf0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 0x3f);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
      i++;
    }
  }
  return out;
}

/** Code units turned into a string per call to String.fromCharCode (bounded stack use). */
const CHUNK = 4096;

/**
 * UTF-8 decode `bytes` as WHATWG's decoder with `ignoreBOM: true` does. With `fatal` a
 * decoding error throws `TypeError` (as `TextDecoder` does); without, it becomes U+FFFD.
 * Linear time; memory two bytes per input byte plus the result.
 */
export function decodeUtf8(bytes: Uint8Array, fatal: boolean): string {
  // Each input byte yields at most one UTF-16 code unit (four bytes yield two).
  const units = new Uint16Array(bytes.length);
  let u = 0;
  let needed = 0;
  let seen = 0;
  let cp = 0;
  let lower = 0x80;
  let upper = 0xbf;
  const error = (at: number): void => {
    if (fatal) throw new TypeError(`invalid UTF-8 at byte ${at}`);
    units[u++] = 0xfffd;
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (needed === 0) {
      if (b < 0x80) units[u++] = b;
      else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        else if (b === 0xed) upper = 0x9f;
        needed = 2;
        cp = b & 0x0f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        else if (b === 0xf4) upper = 0x8f;
        needed = 3;
        cp = b & 0x07;
      } else error(i);
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence ends here, short: one error for it, then this byte starts afresh.
      needed = seen = cp = 0;
      lower = 0x80;
      upper = 0xbf;
      error(i);
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen !== needed) continue;
    if (cp < 0x10000) units[u++] = cp;
    else {
      cp -= 0x10000;
      units[u++] = 0xd800 | (cp >> 10);
      units[u++] = 0xdc00 | (cp & 0x3ff);
    }
    needed = seen = cp = 0;
  }
  if (needed !== 0) error(bytes.length);
  let s = '';
  for (let i = 0; i < u; i += CHUNK) {
    s += String.fromCharCode.apply(null, units.subarray(i, Math.min(u, i + CHUNK)) as unknown as number[]);
  }
  return s;
}
