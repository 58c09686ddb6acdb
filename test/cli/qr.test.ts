import fc from 'fast-check';
import jsQR, { type QRCode as ScannedQr } from 'jsqr';
import { describe, expect, it } from 'vitest';
import { type QrEcc, qrModules, renderQrTerminal } from '../../src/cli/qr.js';
import { toBase64Url } from '../../src/internal/bytes.js';

const LEVELS: readonly QrEcc[] = ['L', 'M', 'Q', 'H'];

/** A light/dark picture (true = dark) as RGBA pixels, `scale` pixels per cell. */
function toPixels(dark: readonly (readonly boolean[])[], scale: number): { data: Uint8ClampedArray; width: number; height: number } {
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
function scan(picture: readonly (readonly boolean[])[]): ScannedQr | null {
  const { data, width, height } = toPixels(picture, 3);
  return jsQR(data, width, height, { inversionAttempts: 'dontInvert' });
}

/** Scan the reversed picture, as a scanner that also tries light-on-dark codes does (jsQR 1.4.0's own 'onlyInvert' throws). */
function scanReversed(picture: readonly (readonly boolean[])[]): ScannedQr | null {
  return scan(picture.map((row) => row.map((d) => !d)));
}

/** Surround a picture with `n` cells of `dark`: the terminal's background around the printed lines. */
function surround(picture: boolean[][], n: number, dark: boolean): boolean[][] {
  const width = (picture[0]?.length ?? 0) + 2 * n;
  const edge = () => Array.from({ length: n }, () => Array(width).fill(dark) as boolean[]);
  return [...edge(), ...picture.map((row) => [...Array(n).fill(dark), ...row, ...Array(n).fill(dark)]), ...edge()];
}

const ESC = '\u001b';

/**
 * The picture a terminal shows for `out`: each character cell is two module rows; a
 * painted half is in the foreground colour. Colours set by the output (black on white)
 * win over the terminal's own; `background` is the terminal's background.
 */
function screen(out: string, background: 'dark' | 'light'): boolean[][] {
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

const mdocUri = fc.uint8Array({ minLength: 60, maxLength: 140 }).map((b) => `mdoc:${toBase64Url(b)}`);
const uri = 'mdoc:owBjMS4wAYIB2BhYS6QBAiABIVggxbYhQ9Ktlu2fZxcalZNb9lBKMSmsx3whhtBd1HZzmpsiWCDLajsSJiFFOCJHn_dyb3mDa1zQ5mEgTSYmcuNh_C4ShAKBgwIBowD1AfQ';

describe('qrModules, decoded by jsQR', () => {
  it('round-trips device engagement mdoc: URIs at every level, in a symbol that fits an 80-column terminal', () => {
    fc.assert(
      fc.property(mdocUri, fc.constantFrom(...LEVELS), (s, ecc) => {
        const modules = qrModules(s, { ecc });
        expect(scan(modules)?.data).toBe(s);
        if (ecc === 'L' || ecc === 'M') expect(modules.length).toBeLessThanOrEqual(80);
      }),
      { numRuns: 60 },
    );
  });

  it('has a light quiet zone of 4 modules by default, and of the size asked for', () => {
    for (const quietZone of [undefined, 1, 4, 6]) {
      const q = quietZone ?? 4;
      const modules = qrModules(uri, quietZone === undefined ? {} : { quietZone });
      const n = modules.length;
      for (let i = 0; i < q; i++) {
        expect(modules[i]!.every((d) => !d)).toBe(true);
        expect(modules[n - 1 - i]!.every((d) => !d)).toBe(true);
        expect(modules.every((row) => !row[i] && !row[n - 1 - i])).toBe(true);
      }
      // The finder pattern's dark corner sits right inside the quiet zone.
      expect(modules[q]![q]).toBe(true);
      expect((n - 2 * q - 17) % 4).toBe(0);
    }
  });

  it('rejects bad options', () => {
    expect(() => qrModules(uri, { quietZone: 0 })).toThrow(RangeError);
    expect(() => qrModules(uri, { quietZone: 1.5 })).toThrow(/quietZone/);
    expect(() => qrModules(uri, { ecc: 'X' as QrEcc })).toThrow(TypeError);
    expect(() => qrModules('x'.repeat(3000), { ecc: 'L' })).toThrow();
  });
});

describe('renderQrTerminal', () => {
  it('draws one character per module column and one line per two module rows', () => {
    const n = qrModules(uri).length;
    for (const color of [false, true]) {
      const out = renderQrTerminal(uri, { color });
      expect(out.endsWith('\n')).toBe(true);
      const lines = out.slice(0, -1).split('\n');
      expect(lines).toHaveLength(Math.ceil(n / 2));
      for (const line of lines) {
        const glyphs = line.replace(/\u001b\[[0-9;]*m/g, '');
        expect([...glyphs]).toHaveLength(n);
        expect(glyphs).toMatch(/^[▀▄█ ]+$/);
        expect(line.startsWith(`${ESC}[30;107m`) && line.endsWith(`${ESC}[0m`)).toBe(color);
      }
    }
  });

  it('with colours, reads dark on light on both a dark and a light terminal', () => {
    const out = renderQrTerminal(uri, { color: true });
    expect(scan(screen(out, 'dark'))?.data).toBe(uri);
    expect(scan(screen(out, 'light'))?.data).toBe(uri);
  });

  it('without colours, reads as is on a dark terminal and reversed (quiet zone included) on a light one', () => {
    const out = renderQrTerminal(uri);
    expect(out).not.toContain(ESC);
    expect(out.split('\n')[0]).toBe('█'.repeat(qrModules(uri).length));
    expect(scan(screen(out, 'dark'))?.data).toBe(uri);
    expect(scanReversed(screen(out, 'light'))?.data).toBe(uri);
  });

  it('the demo engagement: every level, both terminal backgrounds, with and without colours', () => {
    fc.assert(
      fc.property(mdocUri, fc.constantFrom(...LEVELS), (s, ecc) => {
        const colored = renderQrTerminal(s, { ecc, color: true });
        const plain = renderQrTerminal(s, { ecc });
        expect(scan(screen(colored, 'dark'))?.data).toBe(s);
        expect(scan(screen(colored, 'light'))?.data).toBe(s);
        expect(scan(screen(plain, 'dark'))?.data).toBe(s);
        expect(scanReversed(screen(plain, 'light'))?.data).toBe(s);
      }),
      { numRuns: 20 },
    );
  });
});
