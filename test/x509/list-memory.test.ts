/**
 * An x5chain is parsed before anything in it is trusted: 33 certificates of 64 KiB, each a
 * list of tiny items, validated in a child process whose V8 heap is capped at 64 MiB (see
 * list-memory.child.ts). Before the lists in a certificate were capped, the child died. The
 * timeout only guards against a hang.
 */

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('./list-memory.child.ts', import.meta.url));

it('an x5chain of 33 hostile 64 KiB certificates is validated under a 64 MiB heap', { timeout: 120_000 }, async () => {
  const { exitCode, signal, stderr, stdout } = await new Promise<{ exitCode: number | null; signal: string | null; stderr: string; stdout: string }>((resolve) => {
    execFile(process.execPath, ['--max-old-space-size=64', '--import', 'tsx', child], { cwd: root, timeout: 110_000 }, (error, stdout, stderr) => {
      resolve({ exitCode: error === null ? 0 : typeof error.code === 'number' ? error.code : null, signal: error?.signal ?? null, stderr, stdout });
    });
  });
  expect({ exitCode, signal }, stderr.slice(-2000)).toEqual({ exitCode: 0, signal: null });
  const line = JSON.parse(stdout.trim()) as { bytes: number };
  expect(line).toEqual({ step: 'x5chain', bytes: expect.any(Number), valid: false, trustAnchor: 'failed' });
  expect(line.bytes).toBeGreaterThan(2 * 1024 * 1024);
});
