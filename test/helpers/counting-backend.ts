/**
 * A crypto backend that delegates to another and counts every call (tests only): how many
 * times a path computes something, counted, never timed. Calls are counted by method name,
 * digests by algorithm too (`digest:SHA-256`).
 */
import type { CryptoBackend } from '../../src/crypto/types.js';

export function countingBackend(inner: CryptoBackend, name = inner.name): { backend: CryptoBackend; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const backend = Object.fromEntries(
    Object.entries(inner).map(([method, value]) => [
      method,
      typeof value === 'function'
        ? (...args: unknown[]) => {
            const id = method === 'digest' ? `digest:${String(args[0])}` : method;
            calls[id] = (calls[id] ?? 0) + 1;
            return (value as (...a: unknown[]) => unknown).apply(inner, args);
          }
        : value,
    ]),
  ) as unknown as CryptoBackend;
  return { backend: { ...backend, name }, calls };
}
