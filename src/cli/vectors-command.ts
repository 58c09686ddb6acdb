/** `shomei vectors`: run the published vectors bundled with the package. */

import { fileURLToPath } from 'node:url';
import { type Command, flag, parse } from './io.js';
import { runAllSuites, type SuiteResult } from './vectors/index.js';

/** The package's `vectors/` folder, next to `dist/`. */
export function bundledVectorsDir(): string {
  return fileURLToPath(new URL('../../vectors/', import.meta.url));
}

function table(results: readonly SuiteResult[]): string {
  const rows = results.map((r) => [r.name, r.backend ?? '-', String(r.passed), String(r.failed), String(r.skipped)]);
  const head = ['suite', 'backend', 'passed', 'failed', 'skipped'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  for (const r of results) {
    for (const f of r.failures) out.push(`FAILED ${r.name} [${r.backend ?? '-'}]: ${f}`);
    if (r.skipReason !== undefined) out.push(`skipped in ${r.name} [${r.backend ?? '-'}]: ${r.skipReason}`);
  }
  return out.join('\n');
}

export const vectors: Command = {
  summary: 'run the published test vectors bundled with shomei',
  help: `
Usage: shomei vectors [--json]

Runs every published vector bundled in the package (RFC 8949 Appendix A and F,
Project Wycheproof, cose-wg/Examples and RFC 9052, ISO/IEC 18013-5 Annex D …) on
both crypto backends and prints a table per suite.

  --json    print the results as JSON

Exit status: 0 when every case passed, 1 otherwise.
`,
  async run(argv) {
    const args = parse(argv, { json: { type: 'boolean', default: false } }, false);
    const results = await runAllSuites(bundledVectorsDir());
    const failed = results.reduce((n, r) => n + r.failed, 0);
    const passed = results.reduce((n, r) => n + r.passed, 0);
    const skipped = results.reduce((n, r) => n + r.skipped, 0);
    if (flag(args, 'json')) {
      process.stdout.write(`${JSON.stringify({ ok: failed === 0, passed, failed, skipped, suites: results }, null, 2)}\n`);
    } else {
      process.stdout.write(`${table(results)}\n\nvectors: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    }
    return failed === 0 ? 0 : 1;
  },
};
