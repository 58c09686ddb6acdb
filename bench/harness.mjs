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

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Compare contenders: `{ name: fn }`. Each round runs every contender for `ms` (after a
 * full GC when `gc` is given: pass `globalThis.gc` under --expose-gc); returns
 * `{ name: medianOpsPerSecond }`.
 */
export async function compare(contenders, { rounds = 7, ms = 150, warmup = 300, gc } = {}) {
  const names = Object.keys(contenders);
  for (const name of names) await measure(contenders[name], warmup);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      // With `gc`, the heap is collected before each measurement, so that no contender pays
      // for the garbage the one before it left.
      gc?.();
      samples[name].push(await measure(contenders[name], ms));
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
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
