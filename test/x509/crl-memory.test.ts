/**
 * A CRL is parsed before its signature can be checked, so its size is the sender's: 16 MiB
 * and about 540,000 entries, parsed, checked (the certificate looked up is the last entry)
 * and parsed again with its last entry broken, in a child process whose V8 heap is capped
 * at 64 MiB. Before the entries were kept compact (src/x509/crl-entries.ts), parsing alone
 * needed about 370 MiB and the child died. The timeout only guards against a hang.
 */
import { expect, it } from 'vitest';
import { runUnderSmallHeap } from '../helpers/small-heap.js';

it('a 16 MiB CRL is parsed, used and refused when broken under a 64 MiB heap', { timeout: 120_000 }, async () => {
  const { exitCode, signal, stderr, lines } = await runUnderSmallHeap<Record<string, unknown>>(new URL('./crl-memory.child.ts', import.meta.url), 64, 110_000);
  expect({ exitCode, signal }, stderr.slice(-2000)).toEqual({ exitCode: 0, signal: null });
  expect(lines).toEqual([
    { step: 'parse', bytes: expect.any(Number), entries: expect.any(Number) },
    { step: 'check', status: 'failed', code: 'ERR_X509_REVOKED' },
    { step: 'broken', code: 'ERR_X509_PARSE' },
  ]);
  expect(lines[0]!.bytes).toBeGreaterThan(16 * 1024 * 1024);
  expect(lines[0]!.entries).toBeGreaterThan(500_000);
});
