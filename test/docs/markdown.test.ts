/** The docs tests' own machinery: block extraction, markers, links, anchors, line numbers of type errors. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, subpathSources, toSourceImports, typeCheck, writeBlocks } from './blocks.js';
import { brokenLinks } from './links.js';
import { codeBlocks, headingAnchors, links } from './markdown.js';

const PAGE = [
  '# Title', // 1
  '', // 2
  'See [the guide](guide.md#usage) and [missing](nope.md), `[not](a-link.md)`.', // 3
  '<!-- prelude: the later blocks start with this -->', // 4
  '```ts', // 5
  "const x: number = 1;", // 6
  '```', // 7
  '<!-- not run: needs a card reader -->', // 8
  '```ts', // 9
  "const y: string = x;", // 10
  '```', // 11
  '````md', // 12
  '```ts', // 13
  '[inside](code.md)', // 14
  '```', // 15
  '````', // 16
].join('\n');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('codeBlocks', () => {
  const blocks = codeBlocks(PAGE, 'page.md');

  it('finds each fence with its line, language and markers, a longer fence enclosing a shorter one', () => {
    expect(blocks.map((b) => [b.line, b.lang, b.notRun, b.prelude])).toEqual([
      [5, 'ts', undefined, true],
      [9, 'ts', 'needs a card reader', undefined],
      [12, 'md', undefined, undefined],
    ]);
    expect(blocks[1]?.code).toBe('const y: string = x;');
  });
});

describe('links and anchors', () => {
  it('finds links outside code only', () => {
    expect(links(PAGE, 'page.md').map((l) => [l.line, l.target])).toEqual([
      [3, 'guide.md#usage'],
      [3, 'nope.md'],
    ]);
  });

  it('makes the anchors GitHub makes', () => {
    const anchors = headingAnchors('# Setting up a real reader\n## `shomei/cbor` — strict CBOR\n## Usage\n## Usage\n## 券面事項 (card face)\n');
    expect([...anchors]).toEqual(['setting-up-a-real-reader', 'shomeicbor--strict-cbor', 'usage', 'usage-1', '券面事項-card-face']);
  });

  it('reports a missing file and a missing anchor, with file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-links-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs/page.md'), PAGE);
    writeFileSync(join(dir, 'docs/guide.md'), '# Guide\n## Install\n');
    expect(brokenLinks(dir, 'docs/page.md')).toEqual(['docs/page.md:3 guide.md#usage: no heading with that anchor', 'docs/page.md:3 nope.md: no such file']);
    writeFileSync(join(dir, 'docs/guide.md'), '# Guide\n## Usage\n');
    writeFileSync(join(dir, 'docs/nope.md'), '');
    expect(brokenLinks(dir, 'docs/page.md')).toEqual([]);
  });
});

describe('blocks as modules', () => {
  it('maps the package subpaths (and only those) to the sources for running', () => {
    const code = "import { a } from 'shomei/cbor';\nimport b from \"shomei\";\nawait import('shomei/errors');\nimport 'shomeix';\nimport 'shomei/internal';";
    expect(toSourceImports(ROOT, code)).toBe(
      `import { a } from '${ROOT}/src/cbor/index.ts';\nimport b from "${ROOT}/src/index.ts";\nawait import('${ROOT}/src/errors.ts');\nimport 'shomeix';\nimport 'shomei/internal';`,
    );
    expect([...subpathSources(ROOT).keys()]).toContain('shomei/jpki');
  });

  it('reports a type error at its line in the Markdown, after a prelude', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shomei-blocks-'));
    dirs.push(dir);
    const other = { file: 'other.md', line: 3, lang: 'ts', code: "import { decode } from 'shomei/cbor';\nimport { concat } from 'shomei/internal';\ndecode(concat());" };
    const modules = writeBlocks(ROOT, dir, [...codeBlocks(PAGE, 'page.md').slice(0, 2), other]);
    const diagnostics = typeCheck(ROOT, modules);
    expect(diagnostics.get(modules[0]!)).toEqual([]);
    expect(diagnostics.get(modules[1]!)).toEqual(["page.md:10:7 TS2322: Type 'number' is not assignable to type 'string'."]);
    // Only the package's subpath exports resolve.
    expect(diagnostics.get(modules[2]!)).toEqual([
      "other.md:5:24 TS2307: Cannot find module 'shomei/internal' or its corresponding type declarations.",
    ]);
  }, 120_000);
});
