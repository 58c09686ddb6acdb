/**
 * Run a TypeScript child under a capped V8 heap and read the JSON lines it prints (tests
 * only): the memory tests feed hostile input to a child that must end every case in a typed
 * error and exit normally. The timeout only guards against a hang; no duration is asserted.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface SmallHeapRun<T> {
  /** 0 for a normal exit, the exit code otherwise, null when killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderr: string;
  /** Each line the child printed, parsed as JSON. */
  readonly lines: T[];
}

/** Run `child` (a path, or a URL relative to the caller) with `--max-old-space-size=heapMiB` and `--import tsx`. */
export function runUnderSmallHeap<T>(child: string | URL, heapMiB: number, timeoutMs: number, extraFlags: readonly string[] = []): Promise<SmallHeapRun<T>> {
  const path = child instanceof URL ? fileURLToPath(child) : child;
  return new Promise((resolve) => {
    execFile(process.execPath, [`--max-old-space-size=${heapMiB}`, ...extraFlags, '--import', 'tsx', path], { cwd: root, timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      const lines = stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as T);
      resolve({ exitCode, signal: error?.signal ?? null, stderr, lines });
    });
  });
}
