/**
 * QR codes (ISO/IEC 18004) for the cross-device flow of OpenID4VP 1.0 (§13.1.2: the
 * verifier shows the Authorization Request URL as a QR code for the wallet to scan), as
 * SVG for a web page. The symbol comes from the `qr` package; no I/O.
 */

import encodeQR from 'qr';

/** Options of {@link openId4VpQrSvg}. */
export interface QrSvgOptions {
  /** Error correction level (default `'M'`). */
  readonly ecc?: 'L' | 'M' | 'Q' | 'H';
  /** Light margin in modules (default 4, the standard's minimum). */
  readonly quietZone?: number;
}

const ECC = { L: 'low', M: 'medium', Q: 'quartile', H: 'high' } as const;

/**
 * The symbol for `text` with its quiet zone: `modules[row][column]`, `true` for dark
 * (internal: the SVG here and the CLI's terminal drawing).
 * @throws RangeError for a bad quiet zone, or text that does not fit in a QR code at this
 *   error correction level (at most 2,953 bytes, at level L); TypeError for a bad level.
 */
export function qrModules(text: string, options: QrSvgOptions = {}): boolean[][] {
  const border = options.quietZone ?? 4;
  if (!Number.isInteger(border) || border < 1 || border > 16) throw new RangeError('quietZone must be an integer from 1 to 16');
  const ecc = options.ecc ?? 'M';
  if (!Object.hasOwn(ECC, ecc)) throw new TypeError(`ecc must be L, M, Q or H, got ${String(ecc)}`);
  try {
    return encodeQR(text, 'raw', { ecc: ECC[ecc], border });
  } catch (e) {
    // The qr package throws a plain Error ("Capacity overflow").
    throw new RangeError(`${text.length} characters do not fit in a QR code at error correction level ${ecc}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * An SVG image of `text` (the request URL) as a QR code: dark modules on a white
 * background, scalable (`viewBox` in modules; size it with CSS).
 * @throws RangeError for a bad quiet zone, or text that does not fit in a QR code.
 */
export function openId4VpQrSvg(text: string, options: QrSvgOptions = {}): string {
  if (typeof text !== 'string' || text === '') throw new TypeError('text must be a non-empty string');
  const modules = qrModules(text, options);
  const n = modules.length;
  let path = '';
  modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges"><rect width="${n}" height="${n}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}
