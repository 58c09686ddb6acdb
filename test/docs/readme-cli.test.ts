/**
 * The README's `shomei` command walk-through runs as written: `pki`, `issue` with the
 * README's own data.json, `present` and `verify`, in a temporary directory.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ROOT } from './blocks.js';
import { codeBlocks } from './markdown.js';

const blocks = codeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'README.md');
const walkThrough = blocks.find((b) => b.lang === 'sh' && b.code.includes('shomei pki'));
const dataJson = blocks.find((b) => b.lang === 'json' && b.line > (walkThrough?.line ?? 0));

/** The `shomei …` commands of a shell block, continuation lines joined and comments dropped. */
function commands(code: string): string[][] {
  return code
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s#.*$/, '').trim())
    .filter((line) => line.startsWith('shomei '))
    .map((line) => (line.match(/'[^']*'|\S+/g) ?? []).slice(1).map((a) => a.replace(/^'(.*)'$/, '$1')));
}

const dir = mkdtempSync(join(tmpdir(), 'shomei-readme-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README: the shomei command', () => {
  it('shows the walk-through and the data.json it uses', () => {
    expect(walkThrough?.code).toContain('--data data.json');
    expect(dataJson).toBeDefined();
  });

  it('pki → issue (with the data.json shown) → present → verify exit 0', async () => {
    writeFileSync(join(dir, 'data.json'), dataJson!.code);
    const steps = commands(walkThrough!.code).filter((argv) => ['pki', 'issue', 'present', 'verify'].includes(argv[0]!));
    expect(steps.map((argv) => argv[0])).toEqual(['pki', 'issue', 'present', 'verify']);
    for (const argv of steps) {
      // The README's relative paths, in the temporary directory.
      const args = argv.map((a) => (/^keys\/|^[\w-]+\.(cbor|json|pem)$/.test(a) ? join(dir, a) : a));
      const { code, err } = await runCli(...args);
      expect(code, `shomei ${argv.join(' ')}: ${err}`).toBe(0);
    }
  });
});
