/**
 * Docs that run: every `ts`/`js` block of README.md and docs/*.md is type-checked as
 * written (imports of `shomei/…` resolved to the sources) and then run, unless a
 * `<!-- not run: REASON -->` comment before its fence says why it cannot run here.
 * Every relative link and anchor resolves; every `json` block parses.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BlockModule, CODE_LANGS, ROOT, typeCheck, writeBlocks } from './blocks.js';
import { brokenLinks } from './links.js';
import { type CodeBlock, codeBlocks, links } from './markdown.js';

/** README.md and every docs/*.md, as repository-relative paths. */
const DOC_FILES: readonly string[] = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

const blocks: CodeBlock[] = DOC_FILES.flatMap((file) => codeBlocks(readFileSync(join(ROOT, file), 'utf8'), file));
const codeOnly = blocks.filter((b) => CODE_LANGS.has(b.lang));

let dir: string;
let modules: BlockModule[];
let diagnostics: Map<BlockModule, string[]>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shomei-docs-'));
  modules = writeBlocks(ROOT, dir, codeOnly);
  diagnostics = typeCheck(ROOT, modules);
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('docs code blocks', () => {
  it('finds the blocks (README.md and docs/*.md have TypeScript examples)', () => {
    expect(codeOnly.length).toBeGreaterThan(10);
  });

  describe.each(codeOnly.map((b, i) => [`${b.file}:${b.line}`, i] as const))('%s', (_where, i) => {
    it('type-checks as written', () => {
      const m = modules[i]!;
      expect(diagnostics.get(m), `${m.block.file}:${m.block.line} does not type-check`).toEqual([]);
    });

    const block = codeOnly[i]!;
    it.skipIf(block.notRun !== undefined)(`runs${block.notRun ? ` (not run: ${block.notRun})` : ''}`, async () => {
      const m = modules[i]!;
      // The examples print what they show; SHOMEI_DOCS_LOG=1 lets it through to compare with the comments.
      const log = process.env.SHOMEI_DOCS_LOG ? vi.spyOn(console, 'log') : vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        await expect(import(/* @vite-ignore */ m.runFile), `${m.block.file}:${m.block.line} throws`).resolves.toBeDefined();
      } finally {
        log.mockRestore();
      }
    }, 60_000);
  });
});

describe('docs json blocks', () => {
  it.each(blocks.filter((b) => b.lang === 'json').map((b) => [`${b.file}:${b.line}`, b] as const))('%s parses', (_where, b) => {
    expect(() => JSON.parse(b.code)).not.toThrow();
  });
});

describe('docs links', () => {
  it('README.md links to the guides', () => {
    const targets = links(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'README.md').map((l) => l.target);
    expect(targets).toContain('docs/verifier.md');
  });

  it.each(DOC_FILES)('%s: every relative link and anchor resolves', (file) => {
    expect(brokenLinks(ROOT, file)).toEqual([]);
  });
});
