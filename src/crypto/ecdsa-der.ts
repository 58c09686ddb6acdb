/**
 * ECDSA signature formats: the DER `ECDSA-Sig-Value` of X.509 and most HSM/KMS APIs
 * (RFC 3279 §2.2.3, RFC 5480) and the fixed-length raw r || s of COSE and JOSE
 * (IEEE P1363). Strict DER: definite minimal lengths, minimal non-negative INTEGERs,
 * nothing after the SEQUENCE.
 *
 * ```asn1
 * ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
 * ```
 */

import { curveFieldSize } from './keys.js';
import type { EcCurve } from './types.js';

function readLength(der: Uint8Array, at: number): [length: number, next: number] | null {
  const first = der[at];
  if (first === undefined) return null;
  if (first < 0x80) return [first, at + 1];
  const count = first & 0x7f;
  if (count === 0 || count > 2 || at + count >= der.length) return null;
  let n = 0;
  for (let i = 1; i <= count; i++) n = (n << 8) | der[at + i]!;
  if (n < 0x80 || (count === 2 && n < 0x100)) return null; // not minimal
  return [n, at + 1 + count];
}

/**
 * The raw r || s (each `size` bytes) of a DER ECDSA-Sig-Value, or null when the bytes are
 * not a strict DER encoding or r or s do not fit in `size` bytes (internal: an X.509
 * signature that does not parse is simply not valid).
 */
export function parseEcdsaDer(der: Uint8Array, size: number): Uint8Array | null {
  if (!(der instanceof Uint8Array) || der[0] !== 0x30) return null;
  const seq = readLength(der, 1);
  if (seq === null || seq[1] + seq[0] !== der.length) return null;
  const out = new Uint8Array(2 * size);
  let at = seq[1];
  for (let k = 0; k < 2; k++) {
    if (der[at] !== 0x02) return null;
    const len = readLength(der, at + 1);
    if (len === null || len[0] === 0 || len[1] + len[0] > der.length) return null;
    const int = der.subarray(len[1], len[1] + len[0]);
    if (int[0]! >= 0x80) return null; // negative
    if (int.length > 1 && int[0] === 0 && int[1]! < 0x80) return null; // not minimal
    const mag = int[0] === 0 && int.length > 1 ? int.subarray(1) : int;
    if (mag.length > size) return null;
    out.set(mag, (k + 1) * size - mag.length);
    at = len[1] + len[0];
  }
  return at === der.length ? out : null;
}

function derInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const mag = bytes.subarray(i);
  const pad = mag[0]! >= 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + mag.length);
  out[0] = 0x02;
  out[1] = pad + mag.length;
  out.set(mag, 2 + pad);
  return out;
}

/** The DER ECDSA-Sig-Value of a raw r || s. Throws `RangeError` unless the halves are equal and non-empty. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  if (!(raw instanceof Uint8Array) || raw.length === 0 || raw.length % 2 !== 0 || raw.length > 2 * 66) {
    throw new RangeError('raw ECDSA signature must be r || s of two equal halves (at most 66 bytes each)');
  }
  const half = raw.length / 2;
  const r = derInteger(raw.subarray(0, half));
  const s = derInteger(raw.subarray(half));
  const body = r.length + s.length;
  const head = body < 0x80 ? Uint8Array.of(0x30, body) : Uint8Array.of(0x30, 0x81, body);
  const out = new Uint8Array(head.length + body);
  out.set(head);
  out.set(r, head.length);
  out.set(s, head.length + r.length);
  return out;
}

/**
 * Convert a DER `ECDSA-Sig-Value` (SEQUENCE { r INTEGER, s INTEGER }, RFC 3279 §2.2.3), as
 * many KMS and HSM APIs return it, to the raw r || s form COSE and JOSE use for `crv`.
 * Throws `RangeError` on anything that is not strict DER for that curve. Exported by
 * `shomei/cose` and `shomei/x509` (one function).
 */
export function ecdsaDerToRaw(der: Uint8Array, crv: EcCurve): Uint8Array {
  const raw = parseEcdsaDer(der, curveFieldSize(crv));
  if (raw === null) throw new RangeError('not a DER ECDSA signature for this curve');
  return raw;
}
