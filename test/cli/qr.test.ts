import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type QrEcc, qrModules, renderQrTerminal } from '../../src/cli/qr.js';
import { toBase64Url } from '../../src/internal/bytes.js';
import { ESC, scan, scanReversed, screen } from './qr-screen.js';

const LEVELS: readonly QrEcc[] = ['L', 'M', 'Q', 'H'];

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
    expect(() => qrModules('x'.repeat(3000), { ecc: 'L' })).toThrow(new RangeError('3000 characters do not fit in a QR code at error correction level L: Capacity overflow'));
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
