/**
 * A CRL is parsed before its signature can be checked, so its size is the sender's: 16 MiB
 * and about 540,000 entries, parsed, checked (the certificate looked up is the last entry)
 * and parsed again with its last entry broken, in a child process whose V8 heap is capped
 * at 64 MiB. Before the entries were kept compact (src/x509/crl-entries.ts), parsing alone
 * needed about 370 MiB and the child died. The timeout only guards against a hang.
 */

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('./crl-memory.child.ts', import.meta.url));

it('a 16 MiB CRL is parsed, used and refused when broken under a 64 MiB heap', { timeout: 120_000 }, async () => {
  const { exitCode, signal, stderr, lines } = await new Promise<{ exitCode: number | null; signal: string | null; stderr: string; lines: unknown[] }>((resolve) => {
    execFile(process.execPath, ['--max-old-space-size=64', '--import', 'tsx', child], { cwd: root, timeout: 110_000 }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      const lines = stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as unknown);
      resolve({ exitCode, signal: error?.signal ?? null, stderr, lines });
    });
  });
  expect({ exitCode, signal }, stderr.slice(-2000)).toEqual({ exitCode: 0, signal: null });
  expect(lines).toEqual([
    { step: 'parse', bytes: expect.any(Number), entries: expect.any(Number) },
    { step: 'check', status: 'failed', code: 'ERR_X509_REVOKED' },
    { step: 'broken', code: 'ERR_X509_PARSE' },
  ]);
  const parse = lines[0] as { bytes: number; entries: number };
  expect(parse.bytes).toBeGreaterThan(16 * 1024 * 1024);
  expect(parse.entries).toBeGreaterThan(500_000);
});
