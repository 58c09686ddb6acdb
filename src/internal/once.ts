/**
 * A module loaded on first use and remembered: `await import()` costs microseconds on every
 * call even for a module already loaded, which shows on a verification path. A failed import
 * (a chunk that did not download) is tried again on the next call.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    }));
}
