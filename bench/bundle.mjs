// `npm run bench:bundle` (after `npm run build`): the size of a verify-only browser bundle for
// an ES256 DeviceResponse (`verifyDeviceResponse` from shomei/mdoc and nothing else), minified
// by esbuild for the browser, gzipped; with the metafile's breakdown by package and by
// shomei source area. Then the cold import of `shomei/mdoc` on Node: a fresh process each
// time, median of several.
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
// `import { verifyDeviceResponse } from 'shomei/mdoc'`, bundled from the TypeScript sources so
// that the metafile names source files (the ESM build's chunks give the same bytes within 1 %).
const contents = "import { verifyDeviceResponse } from './src/mdoc/index.ts';\nglobalThis.verify = verifyDeviceResponse;\n";
const result = await build({ stdin: { contents, resolveDir: root, loader: 'js' }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, metafile: true, absWorkingDir: root, nodePaths: [join(root, 'node_modules')], logLevel: 'error' });
const code = result.outputFiles[0].contents;
const gz = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`# Verify-only browser bundle (ES256 DeviceResponse)\n\nminified ${kb(code.length)}, gzipped ${kb(gz)} (floor ≤ 45 KB gzipped: ${gz <= 45 * 1024 ? 'met' : '**not met**'})\n`);

// Breakdown: the minified bytes each input contributes, grouped.
const inputs = Object.values(result.metafile.outputs)[0].inputs;
const groups = new Map();
for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
  const m = /node_modules\/(@[^/]+\/[^/]+|[^/]+)\/(.*)/.exec(path);
  const group = m ? `${m[1]}/${m[2].split('/').slice(0, -1).join('/') || '.'}` : path.replace(/^src\/(mdoc\/doctypes|x509\/profiles|[^/]+)\/(?:[^/]+\/)*([^/]+)$/, (_, area, file) => (area.includes('/') ? `shomei src/${area}/` : `shomei src/${area}/${file}`));
  groups.set(group, (groups.get(group) ?? 0) + bytesInOutput);
}
console.log('| input (minified, before gzip) | bytes |\n|---|---:|');
for (const [g, n] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`| ${g} | ${n.toLocaleString('en')} |`);

// Cold import on Node: fresh processes.
const times = [];
for (let i = 0; i < 9; i++) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', "const t = performance.now(); await import('shomei/mdoc'); console.log(performance.now() - t);"], { cwd: root, encoding: 'utf8' });
  times.push(Number(out.trim()));
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`\nCold import of shomei/mdoc on Node ${process.version}, load average ${(await import('node:os')).loadavg()[0].toFixed(1)} (fresh process, 9 runs): median ${median.toFixed(1)} ms, range ${times[0].toFixed(1)}–${times.at(-1).toFixed(1)} ms (floor ≤ 25 ms: ${median <= 25 ? 'met' : '**not met**'})`);
