/**
 * Turns the TypeScript and JavaScript blocks of the docs into modules: type-checked
 * together with the TypeScript compiler API (`shomei` and its subpath exports mapped to
 * the sources, so no build is needed), and rewritten to import the sources for running.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import type { CodeBlock } from './markdown.js';

/** The languages whose blocks are checked and run. */
export const CODE_LANGS: ReadonlySet<string> = new Set(['ts', 'typescript', 'js', 'javascript', 'mjs']);

/** A block written to disk: the file to type-check and the file to import. */
export interface BlockModule {
  readonly block: CodeBlock;
  readonly checkFile: string;
  readonly runFile: string;
  /** Lines of prelude code before the block's own first line in both files. */
  readonly offset: number;
}

const isJs = (lang: string): boolean => lang === 'js' || lang === 'javascript' || lang === 'mjs';

/**
 * The package's subpath exports mapped to their sources: `shomei` → src/index.ts,
 * `shomei/cbor` → src/cbor/index.ts … read from package.json (`./dist/X.js` is built from
 * `src/X.ts`), so a block importing a subpath the package does not export fails.
 */
export function subpathSources(root: string): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, { import?: { default?: string } }> };
  const map = new Map<string, string>();
  for (const [key, target] of Object.entries(pkg.exports)) {
    const built = target.import?.default;
    if (built === undefined || !built.startsWith('./dist/')) continue;
    map.set(key === '.' ? 'shomei' : `shomei/${key.slice(2)}`, join(root, 'src', built.slice('./dist/'.length).replace(/\.js$/, '.ts')));
  }
  return map;
}

/** The source file of `specifier`, when it is one of the package's subpaths. */
export function sourceOf(root: string, specifier: string): string | undefined {
  return subpathSources(root).get(specifier);
}

/** `code` with every `'shomei…'` module specifier replaced by the absolute path of its source. */
export function toSourceImports(root: string, code: string): string {
  return code.replace(/(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(shomei(?:\/[a-z0-9-]+){0,2})\2/g, (all, head: string, quote: string, spec: string) => {
    const file = sourceOf(root, spec);
    return file === undefined ? all : `${head}${quote}${file}${quote}`;
  });
}

/** Write each block twice under `dir` (as written, for the type check; with source imports, for running). */
export function writeBlocks(root: string, dir: string, blocks: readonly CodeBlock[]): BlockModule[] {
  mkdirSync(join(dir, 'check'), { recursive: true });
  mkdirSync(join(dir, 'run'), { recursive: true });
  const preludes = new Map<string, CodeBlock>();
  return blocks.map((block, i) => {
    const prelude = preludes.get(block.file);
    if (block.prelude) preludes.set(block.file, block);
    const head = prelude === undefined ? '' : `${prelude.code}\n`;
    const offset = prelude === undefined ? 0 : prelude.code.split('\n').length;
    const name = `${block.file.replace(/[^A-Za-z0-9]+/g, '_')}_L${block.line}_${i}.${isJs(block.lang) ? 'mjs' : 'ts'}`;
    // The trailing `export {}` makes every block a module of its own (names never clash).
    const checkFile = join(dir, 'check', name);
    writeFileSync(checkFile, `${head}${block.code}\nexport {};\n`);
    const runFile = join(dir, 'run', name);
    writeFileSync(runFile, `${toSourceImports(root, head + block.code)}\nexport {};\n`);
    return { block, checkFile, runFile, offset };
  });
}

/**
 * Type-check `modules` as one program with the project's compiler options. Returns the
 * diagnostics per module as `FILE.md:LINE:COL message` lines.
 */
export function typeCheck(root: string, modules: readonly BlockModule[]): Map<BlockModule, string[]> {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const shims = join(root, 'test/docs/shims');
  const paths: Record<string, string[]> = {};
  for (const [specifier, file] of subpathSources(root)) paths[specifier] = [file];
  // Modules a block needs that are not dependencies of shomei (a React Native NFC library): typed stand-ins.
  for (const f of readdirSync(shims)) {
    if (f.endsWith('.d.ts')) paths[f.slice(0, -5).replace(/__/g, '/')] = [join(shims, f)];
  }
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    baseUrl: root,
    paths,
    typeRoots: [join(root, 'node_modules/@types')],
  };
  const program = ts.createProgram(
    modules.map((m) => m.checkFile),
    options,
  );
  const result = new Map<BlockModule, string[]>();
  for (const m of modules) {
    const source = program.getSourceFile(m.checkFile);
    const diagnostics = source ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)] : [];
    const messages: string[] = [];
    for (const d of diagnostics) {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.file === undefined || d.start === undefined) {
        messages.push(`${m.block.file}:${m.block.line} TS${d.code}: ${text}`);
        continue;
      }
      const pos = d.file.getLineAndCharacterOfPosition(d.start);
      const line = pos.line - m.offset;
      // A problem inside the prelude is reported by the prelude's own test.
      if (line < 0) continue;
      // Line 0 of the block's code is the line after the opening fence.
      messages.push(`${m.block.file}:${m.block.line + line + 1}:${pos.character + 1} TS${d.code}: ${text}`);
    }
    result.set(m, messages);
  }
  return result;
}

/** The repository root (two levels above this file). */
export const ROOT = resolve(import.meta.dirname, '../..');
