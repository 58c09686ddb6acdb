/**
 * A small runner for the published vectors bundled with the package (`shomei vectors`):
 * each suite runs every case of one vector file and counts what passed, failed and was
 * skipped (with the reason).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CryptoBackend } from '../../crypto/types.js';

/** The outcome of one suite. */
export interface SuiteResult {
  readonly name: string;
  readonly backend?: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Why cases were skipped, if any were. */
  readonly skipReason?: string;
  /** The first few failures, for the report. */
  readonly failures: readonly string[];
}

/** A case's verdict: true passed, false failed, or a skip with its reason. */
export type Verdict = boolean | { readonly skip: string };

/** A suite of one vector file, run on one backend (or none). */
export interface Suite {
  readonly name: string;
  readonly perBackend: boolean;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

/** What a suite needs: where the vectors are and which backend to use. */
export interface SuiteContext {
  readonly dir: string;
  readonly backend: CryptoBackend;
}

/** Read a JSON vector file. */
export function readJson<T>(dir: string, path: string): T {
  return JSON.parse(readFileSync(join(dir, path), 'utf8')) as T;
}

/** Run `check` over `cases`, counting verdicts; a thrown error is a failure with its message. */
export async function tally<C>(
  name: string,
  backend: CryptoBackend | undefined,
  cases: readonly C[],
  label: (c: C) => string,
  check: (c: C) => Promise<Verdict> | Verdict,
): Promise<SuiteResult> {
  let passed = 0;
  let skipped = 0;
  let skipReason: string | undefined;
  const failures: string[] = [];
  for (const c of cases) {
    let verdict: Verdict;
    try {
      verdict = await check(c);
    } catch (e) {
      failures.push(`${label(c)}: threw ${(e as Error).message}`);
      continue;
    }
    if (verdict === true) passed++;
    else if (verdict === false) failures.push(label(c));
    else {
      skipped++;
      skipReason = verdict.skip;
    }
  }
  return {
    name,
    ...(backend === undefined ? {} : { backend: backend.name }),
    passed,
    failed: failures.length,
    skipped,
    ...(skipReason === undefined ? {} : { skipReason }),
    failures: failures.slice(0, 5),
  };
}

/** True when `p` rejects (with anything); the callers check the error type where it matters. */
export async function rejects(p: () => Promise<unknown> | unknown, accept: (e: unknown) => boolean): Promise<boolean> {
  try {
    await p();
    return false;
  } catch (e) {
    return accept(e);
  }
}
