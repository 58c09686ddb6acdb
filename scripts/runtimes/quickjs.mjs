// Runs the smoke bundle in QuickJS (quickjs-emscripten), the stand-in for Hermes: an
// engine with no TextEncoder, TextDecoder, crypto.subtle, timers or Node APIs. The host
// gives the script `crypto.getRandomValues` (backed by Node's CSPRNG) and `console.log`,
// nothing else; shomei then runs on its own UTF-8 codec and the noble backend.
// Usage: node scripts/runtimes/quickjs.mjs <bundle.js>; exits 1 unless the smoke passed.
import { getRandomValues } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getQuickJS, shouldInterruptAfterDeadline } from 'quickjs-emscripten';

const LIMIT_MS = 10 * 60_000;

export async function runInQuickJs(bundlePath) {
  const source = readFileSync(bundlePath, 'utf8');
  const QuickJS = await getQuickJS();
  const runtime = QuickJS.newRuntime();
  runtime.setMemoryLimit(1024 * 1024 * 1024);
  runtime.setMaxStackSize(4 * 1024 * 1024);
  runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + LIMIT_MS));
  const vm = runtime.newContext();
  const evalDump = (code) => {
    const handle = vm.unwrapResult(vm.evalCode(code));
    try {
      return vm.dump(handle);
    } finally {
      handle.dispose();
    }
  };
  try {
    const log = vm.newFunction('log', (...args) => {
      console.log(args.map((a) => vm.dump(a)).join(' '));
    });
    const consoleObj = vm.newObject();
    vm.setProp(consoleObj, 'log', log);
    vm.setProp(vm.global, 'console', consoleObj);
    log.dispose();
    consoleObj.dispose();
    // The host's random bytes, as a plain array the script copies into its typed array.
    const random = vm.newFunction('hostRandom', (n) => {
      const bytes = getRandomValues(new Uint8Array(vm.getNumber(n)));
      return vm.unwrapResult(vm.evalCode(`[${bytes.join(',')}]`));
    });
    vm.setProp(vm.global, '__hostRandom', random);
    random.dispose();
    evalDump(`
      globalThis.crypto = { getRandomValues(a) {
        if (a.length > 65536) throw new RangeError('getRandomValues: too many bytes');
        const b = __hostRandom(a.length);
        for (let i = 0; i < a.length; i++) a[i] = b[i];
        return a;
      } };
    `);
    const absent = evalDump('[typeof TextEncoder, typeof TextDecoder, typeof crypto.subtle, typeof setTimeout, typeof process, typeof performance]');
    if (absent.some((t) => t !== 'undefined')) throw new Error(`QuickJS is not bare here: ${absent}`);
    vm.unwrapResult(vm.evalCode(source, 'smoke.bundle.js')).dispose();
    for (;;) {
      const jobs = runtime.executePendingJobs(-1);
      if (jobs.error) {
        const error = vm.dump(jobs.error);
        jobs.error.dispose();
        throw new Error(`QuickJS job failed: ${JSON.stringify(error)}`);
      }
      const state = evalDump('globalThis.__shomeiSmoke');
      if (state.done) {
        if (state.error !== undefined) throw new Error(state.error);
        return state.backend;
      }
      if (jobs.value === 0) throw new Error('the smoke stopped with nothing left to run (it waits on something QuickJS lacks)');
    }
  } finally {
    vm.dispose();
    runtime.dispose();
  }
}

if (process.argv[1] === import.meta.filename) {
  try {
    const backend = await runInQuickJs(process.argv[2]);
    console.log(`SMOKE PASS quickjs (${backend} backend, only crypto.getRandomValues from the host)`);
  } catch (e) {
    console.log(`SMOKE FAIL quickjs: ${e?.stack ?? e}`);
    process.exitCode = 1;
  }
}
