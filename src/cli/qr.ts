/**
 * QR codes on a terminal, for the device engagement `mdoc:` URI of ISO/IEC 18013-5
 * §8.2.2.3 that `shomei demo` shows, so that a phone can scan it off the screen.
 *
 * The symbol (ISO/IEC 18004) comes from the `qr` package; this file only draws its
 * modules with half blocks, two module rows per line, inside the 4-module quiet zone
 * ISO/IEC 18004 asks for. No I/O here: the renderer returns a string.
 */

import { qrModules, type QrSvgOptions } from '../online/openid4vp/qr.js';

/** Error correction level: recovers about 7 % (L), 15 % (M), 25 % (Q) or 30 % (H) of the codewords. */
export type QrEcc = 'L' | 'M' | 'Q' | 'H';

/** Options of {@link qrModules} and {@link renderQrTerminal}. */
export type QrOptions = QrSvgOptions;

export { qrModules };

/** Options of {@link renderQrTerminal}. */
export interface QrTerminalOptions extends QrOptions {
  /**
   * `true`: set the colours (ANSI black on white), so that the code shows dark on light
   * whatever the terminal's own colours. `false` (default): no escape sequences; the
   * glyphs paint the light modules and the quiet zone, so the code shows dark on light
   * on a light-on-dark terminal and reversed, inside a reversed quiet zone, on a
   * dark-on-light one (most phone scanners read both).
   */
  readonly color?: boolean;
}

const ESC = '\u001b';
/** ANSI: black foreground (30) on bright white background (107); then reset. */
const BLACK_ON_WHITE = `${ESC}[30;107m`;
const RESET = `${ESC}[0m`;

/**
 * Draw `text` as a QR code for a terminal: one character per module column (`▀`, `▄`,
 * `█`, space) and one line per two module rows, each line ending in `\n`. See
 * {@link QrTerminalOptions.color} for how it reads on light and dark terminals.
 *
 * The half blocks are of East Asian Ambiguous width: a terminal set to draw those wide
 * (a CJK-locale option) skews the rows.
 */
export function renderQrTerminal(text: string, options: QrTerminalOptions = {}): string {
  const modules = qrModules(text, options);
  const color = options.color ?? false;
  // With colours set, the glyphs (foreground) paint the dark modules; without, the light ones.
  const painted = (row: boolean[] | undefined, col: number): boolean => row !== undefined && row[col] === color;
  const width = modules.length;
  let out = '';
  for (let r = 0; r < width; r += 2) {
    let line = '';
    for (let c = 0; c < width; c++) {
      const top = painted(modules[r], c);
      // An odd last row: the lower half is outside the symbol, and shows the background.
      const bottom = painted(modules[r + 1], c);
      line += top ? (bottom ? '█' : '▀') : bottom ? '▄' : ' ';
    }
    out += color ? `${BLACK_ON_WHITE}${line}${RESET}\n` : `${line}\n`;
  }
  return out;
}
