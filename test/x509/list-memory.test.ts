/**
 * An x5chain is parsed before anything in it is trusted: 33 certificates of 64 KiB, each a
 * list of tiny items, validated in a child process whose V8 heap is capped at 64 MiB (see
 * list-memory.child.ts). Before the lists in a certificate were capped, the child died. The
 * timeout only guards against a hang.
 */
import { expect, it } from 'vitest';
import { runUnderSmallHeap } from '../helpers/small-heap.js';

it('an x5chain of 33 hostile 64 KiB certificates is validated under a 64 MiB heap', { timeout: 120_000 }, async () => {
  const { exitCode, signal, stderr, lines } = await runUnderSmallHeap<{ bytes: number }>(new URL('./list-memory.child.ts', import.meta.url), 64, 110_000);
  expect({ exitCode, signal }, stderr.slice(-2000)).toEqual({ exitCode: 0, signal: null });
  expect(lines).toEqual([{ step: 'x5chain', bytes: expect.any(Number), valid: false, trustAnchor: 'failed' }]);
  expect(lines[0]!.bytes).toBeGreaterThan(2 * 1024 * 1024);
});
