// A small benchmark harness: contenders run in interleaved rounds in one process, and
// the median of the rounds is reported, so that a noisy shared machine affects all
// contenders alike. Results are ratios first, absolute numbers second.

/** Run `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
async function measure(fn, ms) {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 16; i++) await fn();
    n += 16;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

/**
 * Warm `fn` up before it is measured: for `warmup` ms and `warmupCalls` calls, whichever ends
 * later, but never past `warmupMaxMs`. A verification reaches its steady speed only after
 * V8 has optimized the functions it runs: about 2,000 verifications on Node 20 here (1.1 ms
 * each at first with WebCrypto, 0.65 ms after; see docs/benchmarks.md, "Warm-up to steady speed"),
 * while a limit that is a few calls into the engine is fast from its first rounds. A warm-up by
 * time alone measured the slower code partly cold and the limit warm.
 */
async function warm(fn, { warmup, warmupCalls, warmupMaxMs }) {
  const start = performance.now();
  let calls = 0;
  for (;;) {
    for (let i = 0; i < 16; i++) await fn();
    calls += 16;
    const elapsed = performance.now() - start;
    if (elapsed >= warmupMaxMs || (elapsed >= warmup && calls >= warmupCalls)) return;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Compare contenders: `{ name: fn }`. Each is first warmed up (see `warm`), then each round
 * runs every contender for `ms` (after a full GC when `gc` is given: pass `globalThis.gc`
 * under --expose-gc), in the given order on even rounds and the reverse on odd ones, so that
 * neighbours take turns going first; returns `{ name: medianOpsPerSecond }`. With `samples`
 * (an object), each contender's per-round rates are left in it, for `pairedRatio`.
 */
export async function compare(contenders, { rounds = 7, ms = 150, warmup = 300, warmupCalls = 0, warmupMaxMs = warmup, gc, samples = {} } = {}) {
  const names = Object.keys(contenders);
  for (const name of names) await warm(contenders[name], { warmup, warmupCalls, warmupMaxMs });
  for (const name of names) samples[name] = [];
  for (let r = 0; r < rounds; r++) {
    for (const name of r % 2 === 0 ? names : [...names].reverse()) {
      // With `gc`, the heap is collected before each measurement, so that no contender pays
      // for the garbage the one before it left.
      gc?.();
      samples[name].push(await measure(contenders[name], ms));
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
}

/**
 * The median over rounds of `a`'s rate / `b`'s rate in the same round (`samples` from
 * `compare`). Best for neighbours in the contender order, which run back to back in each
 * round, so that a slow stretch of a shared machine falls on both sides of most ratios; any
 * two contenders are still taken from the same round, where a ratio of the two medians takes
 * each from a different one.
 */
export function pairedRatio(samples, a, b) {
  return median(samples[a].map((rate, r) => rate / samples[b][r]));
}

export function fmt(opsPerSecond) {
  if (opsPerSecond >= 1e6) return `${(opsPerSecond / 1e6).toFixed(2)} M/s`;
  if (opsPerSecond >= 1e3) return `${(opsPerSecond / 1e3).toFixed(1)} k/s`;
  return `${opsPerSecond.toFixed(0)} /s`;
}

/** Print a markdown table row group for one comparison, with ratios against `baseline`. */
export function report(title, results, baseline) {
  const lines = [`\n### ${title}\n`, '| contender | median | ratio vs ' + baseline + ' |', '|---|---:|---:|'];
  for (const [name, ops] of Object.entries(results)) {
    lines.push(`| ${name} | ${fmt(ops)} | ${(ops / results[baseline]).toFixed(2)}× |`);
  }
  console.log(lines.join('\n'));
}
