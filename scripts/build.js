// `npm run build` (run by `prepare`): the TypeScript sources compiled to dist/, then a stamp
// bin/nnc.js compares with the sources' times to tell a fresh build from a stale one.
//
// chevrotain's package entry loads ~650 lodash-es modules one by one (~300 ms of module
// resolution at every start); its own single-file bundle loads in ~15 ms. Its `exports` do not
// offer the bundle, so the build copies it (with its licence) into dist/vendor and points the
// built grammar at it. Sources and tests keep importing 'chevrotain' itself.
//
// Then esbuild bundles the CLI from the compiled files into dist/cli/ (one chunk per lazily
// imported command), with the small pure packages every start loads (commander, csv-parse,
// fflate) inside: loading ~80 files one by one cost ~30 ms of each `nnc check`'s ~150 ms.
// Packages that read files beside their own code (tfjs's wasm, h5wasm, webgpu, the datasets)
// or are large and loaded only by some commands stay external.
import { execFileSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
// npm puts node_modules/.bin on PATH for its scripts.
execFileSync('tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit', shell: process.platform === 'win32' });

const chevrotainLib = dirname(dirname(require.resolve('chevrotain'))); // …/chevrotain/lib
const vendor = join('dist', 'vendor', 'chevrotain');
mkdirSync(vendor, { recursive: true });
copyFileSync(join(chevrotainLib, 'chevrotain.mjs'), join(vendor, 'chevrotain.mjs'));
copyFileSync(join(dirname(chevrotainLib), 'LICENSE.txt'), join(vendor, 'LICENSE.txt'));
for (const entry of readdirSync('dist', { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  if (!/from ['"]chevrotain['"]/.test(text)) continue;
  const target = relative(dirname(file), join(vendor, 'chevrotain.mjs')).split(sep).join('/');
  writeFileSync(file, text.replaceAll(/from ['"]chevrotain['"]/g, `from './${target}'`.replace('./../', '../')));
}
const BUNDLED = new Set(['commander', 'csv-parse', 'fflate']);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((name) => !BUNDLED.has(name));
buildSync({
  entryPoints: ['dist/driver/main.js'],
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [...external, ...external.map((name) => `${name}/*`)],
  // commander is CommonJS and requires Node's modules; an ES module has no `require` of its own.
  banner: { js: "import { createRequire as nncCreateRequire } from 'node:module'; const require = nncCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
writeFileSync(join('dist', '.built'), `${new Date().toISOString()}\n`);
