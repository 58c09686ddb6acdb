/**
 * What a terminal shows for a QR code drawn by `renderQrTerminal`, as a light/dark
 * picture, and jsQR scanning that picture as a camera frame would.
 */
import jsQR, { type QRCode as ScannedQr } from 'jsqr';

/** A light/dark picture (true = dark) as RGBA pixels, `scale` pixels per cell. */
export function toPixels(dark: readonly (readonly boolean[])[], scale: number): { data: Uint8ClampedArray; width: number; height: number } {
  const height = dark.length * scale;
  const width = (dark[0]?.length ?? 0) * scale;
  const data = new Uint8ClampedArray(width * height * 4).fill(255);
  dark.forEach((row, r) => {
    row.forEach((isDark, c) => {
      if (!isDark) return;
      for (let y = r * scale; y < (r + 1) * scale; y++) data.fill(0, (y * width + c * scale) * 4, (y * width + (c + 1) * scale) * 4);
    });
  });
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { data, width, height };
}

/** Scan a picture the way a camera frame would show it, 3 px per cell. */
export function scan(picture: readonly (readonly boolean[])[]): ScannedQr | null {
  const { data, width, height } = toPixels(picture, 3);
  return jsQR(data, width, height, { inversionAttempts: 'dontInvert' });
}

/** Scan the reversed picture, as a scanner that also tries light-on-dark codes does (jsQR 1.4.0's own 'onlyInvert' throws). */
export function scanReversed(picture: readonly (readonly boolean[])[]): ScannedQr | null {
  return scan(picture.map((row) => row.map((d) => !d)));
}

/** Surround a picture with `n` cells of `dark`: the terminal's background around the printed lines. */
function surround(picture: boolean[][], n: number, dark: boolean): boolean[][] {
  const width = (picture[0]?.length ?? 0) + 2 * n;
  const edge = () => Array.from({ length: n }, () => Array(width).fill(dark) as boolean[]);
  return [...edge(), ...picture.map((row) => [...Array(n).fill(dark), ...row, ...Array(n).fill(dark)]), ...edge()];
}

export const ESC = '\u001b';

/**
 * The picture a terminal shows for `out`: each character cell is two module rows; a
 * painted half is in the foreground colour. Colours set by the output (black on white)
 * win over the terminal's own; `background` is the terminal's background.
 */
export function screen(out: string, background: 'dark' | 'light'): boolean[][] {
  const termForegroundDark = background === 'light';
  const rows: boolean[][] = [];
  for (const raw of out.slice(0, -1).split('\n')) {
    const colored = raw.startsWith(`${ESC}[30;107m`);
    const line = raw.replace(/\u001b\[[0-9;]*m/g, '');
    const fgDark = colored ? true : termForegroundDark;
    const bgDark = colored ? false : !termForegroundDark;
    const cells = [...line];
    rows.push(cells.map((ch) => (ch === '█' || ch === '▀' ? fgDark : bgDark)));
    rows.push(cells.map((ch) => (ch === '█' || ch === '▄' ? fgDark : bgDark)));
  }
  return surround(rows, 6, background === 'dark');
}

/** The QR code in a CLI's output (the lines of half blocks), scanned off a dark or light terminal. */
export function scanOutput(out: string, background: 'dark' | 'light'): string | undefined {
  // Coloured lines (quiet zone rows are all spaces), or plain lines (never without a block: the quiet zone is painted).
  const lines = out.split('\n').filter((line) => /^\u001b\[30;107m[▀▄█ ]+\u001b\[0m$/.test(line) || /^[▀▄█ ]*[▀▄█][▀▄█ ]*$/.test(line));
  const picture = screen(`${lines.join('\n')}\n`, background);
  return (background === 'dark' || lines[0]?.startsWith(ESC) ? scan(picture) : scanReversed(picture))?.data;
}
