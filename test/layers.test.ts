import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules of HOUSE-STYLE.md: internal → crypto → cbor → cose → x509 → mdoc →
 * session → online, cli on top; jpki uses only internal, crypto and x509. Each entry
 * lists what a layer may import (errors.ts and index.ts are shared).
 */
const ALLOWED: Record<string, readonly string[]> = {
  internal: [],
  crypto: ['internal'],
  cbor: ['internal'],
  cose: ['internal', 'crypto', 'cbor'],
  x509: ['internal', 'crypto'],
  mdoc: ['internal', 'crypto', 'cbor', 'cose', 'x509'],
  session: ['internal', 'crypto', 'cbor', 'cose', 'x509', 'mdoc'],
  online: ['internal', 'crypto', 'cbor', 'cose', 'x509', 'mdoc', 'session'],
  jpki: ['internal', 'crypto', 'x509'],
  cli: ['internal', 'crypto', 'cbor', 'cose', 'x509', 'mdoc', 'session', 'online', 'jpki'],
};

const SRC = join(__dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('layering', () => {
  it('each layer imports only from the layers below it', () => {
    const violations: string[] = [];
    for (const file of files(SRC)) {
      const rel = relative(SRC, file);
      const layer = rel.includes('/') ? rel.split('/')[0]! : null;
      if (layer === null) continue;
      const allowed = ALLOWED[layer];
      expect(allowed, `unknown layer ${layer}`).toBeDefined();
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)) {
        const target = relative(SRC, join(file, '..', m[1]!));
        const targetLayer = target.includes('/') ? target.split('/')[0]! : null;
        if (targetLayer === null || targetLayer === layer) continue;
        if (!allowed!.includes(targetLayer)) violations.push(`${rel} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('no module imports itself through a circle (type-only imports included: they bind the files just as tightly)', () => {
    const graph = new Map<string, string[]>();
    for (const file of files(SRC)) {
      const targets = [...readFileSync(file, 'utf8').matchAll(/from '(\.\.?\/[^']+)'/g)].map((m) => join(file, '..', m[1]!.replace(/\.js$/, '.ts')));
      graph.set(file, targets);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(SRC, f)).join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('library code does no I/O and uses no Node built-ins (the CLI may)', () => {
    const offenders = files(SRC)
      .filter((f) => !relative(SRC, f).startsWith('cli/'))
      .filter((f) => /from 'node:|require\(/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });
});
