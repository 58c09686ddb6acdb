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
 * An SVG image of `text` (the request URL) as a QR code: dark modules on a white
 * background, scalable (`viewBox` in modules; size it with CSS).
 * @throws RangeError for a bad quiet zone; Error when the text does not fit in a QR code.
 */
export function openId4VpQrSvg(text: string, options: QrSvgOptions = {}): string {
  if (typeof text !== 'string' || text === '') throw new TypeError('text must be a non-empty string');
  const border = options.quietZone ?? 4;
  if (!Number.isInteger(border) || border < 1 || border > 16) throw new RangeError('quietZone must be an integer from 1 to 16');
  const ecc = options.ecc ?? 'M';
  if (!Object.hasOwn(ECC, ecc)) throw new TypeError('ecc must be L, M, Q or H');
  const modules = encodeQR(text, 'raw', { ecc: ECC[ecc], border });
  const n = modules.length;
  let path = '';
  modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x} ${y}h1v1h-1z`;
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges"><rect width="${n}" height="${n}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}
