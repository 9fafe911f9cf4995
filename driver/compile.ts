// `nnc compile FILE -o DIR`: writes the emitted program, a copy of the runtime files it
// imports, package.json and tsconfig.json into DIR, and nothing outside it. A manifest lists
// what nnc wrote, so a later compile overwrites only its own files unless --force.
import { closeSync, constants, existsSync, lstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ts } from 'ts-morph';
import { EmitError, emitProgram } from '../compiler/emit/emit.js';
import { checkedOrExitCode } from './checked.js';
import { fault } from '../runtime/errors.js';
import { prepareOutputFolder } from '../runtime/io/atomic.js';
import { makeDirs } from '../runtime/io/outdir.js';
import { PACKAGE_ROOT } from './package-root.js';

// The TypeScript sources, which the package ships: emitted programs get a copy of them.
const ROOT = PACKAGE_ROOT;
const RUNTIME = join(ROOT, 'runtime');
const MANIFEST = '.nnc-generated.json';

/** Every module a TypeScript file imports with a literal specifier: imports (type-only
 *  too), re-exports, `import('x')`. `require` with a computed name is not seen: packages
 *  the runtime loads by name come from the tables (Emitted.packages). */
export function importSpecifiers(text: string): string[] {
  return ts.preProcessFile(text, true, false).importedFiles.map((f) => f.fileName);
}

/** The npm package a specifier names (`csv-parse/sync` → `csv-parse`, `@scope/a/b` →
 *  `@scope/a`); undefined for relative paths and Node's built-in modules. */
export function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!)) return undefined;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The runtime files emitted code imports (`./nnc-runtime/X.js` → `X.ts`). */
export function runtimeImports(emitted: Iterable<string>): string[] {
  const prefix = './nnc-runtime/';
  return [...new Set([...emitted].flatMap((text) => importSpecifiers(text).filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length).replace(/\.js$/, '.ts'))))];
}

/** The runtime files the entries import, transitively; all must stay inside runtime/. */
export function runtimeClosure(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (rel: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const text = readFileSync(join(RUNTIME, rel), 'utf8');
    for (const spec of importSpecifiers(text)) {
      if (!spec.startsWith('.')) continue;
      const target = relative(RUNTIME, resolve(dirname(join(RUNTIME, rel)), spec.replace(/\.js$/, '.ts')));
      if (target.startsWith('..') || target.startsWith(`interpret${sep}`)) throw new Error(`runtime/${rel} imports ${spec}, outside what nnc compile copies: the emitted copy would not be self-contained`);
      visit(target.split(sep).join('/'));
    }
  };
  entries.forEach(visit);
  return [...seen].sort();
}

interface PackageJson {
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** package.json of the emitted program: the packages its files import and those its data
 *  and networks load by name, with our version ranges; the @types of those that need them;
 *  tsx when there is a main.ts to run. The tensorflow backends stay optional peers, as in
 *  ours, so `npm install` never downloads libtensorflow. */
export function emittedPackageJson(files: ReadonlyMap<string, string>, byName: readonly string[]): string {
  const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  const used = new Set(byName);
  for (const text of files.values()) for (const spec of importSpecifiers(text)) {
    const pkg = packageOf(spec);
    if (pkg) used.add(pkg);
  }
  // Optional ones stay optional (the webgpu backend's Dawn bindings): an install where they
  // do not build still runs on wasm.
  const dependencies: Record<string, string> = {}, optionalDependencies: Record<string, string> = {};
  for (const pkg of [...used].sort()) {
    const range = ours.dependencies[pkg], optional = ours.optionalDependencies?.[pkg];
    if (range) dependencies[pkg] = range;
    else if (optional) optionalDependencies[pkg] = optional;
    else throw new Error(`the emitted program needs ${pkg}, which nnc's package.json does not list in dependencies`);
  }
  const hasMain = files.has('main.ts');
  const devDependencies: Record<string, string> = {};
  for (const pkg of ['@types/node', ...[...Object.keys(dependencies), ...Object.keys(optionalDependencies)].map((p) => `@types/${p.replace(/^@([^/]+)\//, '$1__')}`)].sort()) {
    const range = ours.devDependencies[pkg];
    if (range) devDependencies[pkg] = range;
  }
  if (hasMain) devDependencies['tsx'] = ours.dependencies['tsx']!;
  devDependencies['typescript'] = '^5 || ^7';
  // runtime/backend.ts loads the tensorflow backends by a computed name when installed.
  const peers = files.has('nnc-runtime/backend.ts') ? { peerDependencies: ours.peerDependencies, peerDependenciesMeta: ours.peerDependenciesMeta } : {};
  return JSON.stringify({
    private: true, type: 'module',
    scripts: { ...(hasMain ? { start: 'tsx main.ts' } : {}), typecheck: 'tsc --noEmit -p .' },
    dependencies, ...(Object.keys(optionalDependencies).length ? { optionalDependencies } : {}), devDependencies, ...peers,
  }, null, 2) + '\n';
}

const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
  include: ['*.ts', 'nnc-runtime/**/*.ts'],
}, null, 2) + '\n';

/** The emitter's output; what it cannot compile becomes the program's emit fault here, since
 *  compiler/ cannot import the runtime's error type. */
function emitted(...args: Parameters<typeof emitProgram>): ReturnType<typeof emitProgram> {
  try {
    return emitProgram(...args);
  } catch (err) {
    if (err instanceof EmitError) throw fault('emit', err.message);
    throw err;
  }
}

/** Refuses a path below `out` that is, or lies under, a symbolic link: writing there would
 *  write outside the folder (or over a file the link points at). */
function refuseLinks(out: string, rel: string): void {
  let p = out;
  for (const part of rel.split('/')) {
    p = join(p, part);
    let isLink: boolean;
    try {
      isLink = lstatSync(p).isSymbolicLink();
    } catch {
      return; // does not exist yet: nothing below it can be a link
    }
    if (isLink) throw fault('file', `refusing to write through the symbolic link ${p}`);
  }
}

/** Writes a file without following a link at its last component (checked above too; this
 *  closes the window between the check and the write). */
function writeNoFollow(path: string, text: string | Uint8Array): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0), 0o644);
  try {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
  } finally {
    closeSync(fd);
  }
}

/** Writes `files` (paths relative to `out`) into `out` and nothing outside it: no write
 *  through a symbolic link, files nnc did not write kept unless `force`, files an earlier
 *  compile wrote and this one does not removed, and the manifest listing them last. */
export function writeEmitted(out: string, files: ReadonlyMap<string, string | Uint8Array>, file: string, force: boolean): void {
  for (const rel of [...files.keys(), MANIFEST]) refuseLinks(out, rel);
  // Created one level at a time and probed: a folder that cannot be made (/proc/x) or written is one line.
  prepareOutputFolder(out);
  const manifestPath = join(out, MANIFEST);
  const ours = existsSync(manifestPath) ? new Set((JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: string[] }).files) : new Set<string>();
  const foreign = [...files.keys()].filter((f) => existsSync(join(out, f)) && !ours.has(f));
  if (foreign.length && !force) {
    throw fault('file', `${out} has files nnc did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); use --force to overwrite them`);
  }
  for (const [rel, text] of files) {
    const target = resolve(out, rel);
    if (relative(out, target).startsWith('..')) throw fault('file', `refusing to write ${target}, outside ${out}`);
    makeDirs(dirname(target));
    writeNoFollow(target, text);
  }
  // Files an earlier compile wrote that this one does not (a runtime file no longer needed)
  // would still be type-checked by tsconfig's include, with imports package.json lacks.
  for (const rel of ours) {
    if (files.has(rel) || relative(out, resolve(out, rel)).startsWith('..')) continue;
    refuseLinks(out, rel);
    rmSync(join(out, rel), { force: true });
  }
  writeNoFollow(manifestPath, JSON.stringify({ generatedBy: 'nnc compile', source: file, files: [...files.keys()].sort() }, null, 2) + '\n');
}

export function compileCommand(file: string, outDir: string, force: boolean, io: { out: (s: string) => void; err: (s: string) => void }): number {
  const result = checkedOrExitCode(file, io.err);
  if (result === 1) return 1;
  const out = resolve(outDir);
  const emittedProgram = emitted(result, resolve(file));
  const files = new Map(emittedProgram.files);
  for (const rel of runtimeClosure(runtimeImports(files.values()))) files.set(`nnc-runtime/${rel}`, readFileSync(join(RUNTIME, rel), 'utf8'));
  files.set('package.json', emittedPackageJson(files, emittedProgram.packages));
  files.set('tsconfig.json', TSCONFIG);
  writeEmitted(out, files, file, force);
  const where = relative(process.cwd(), out) || '.';
  io.out(`wrote ${files.size} files to ${out}; ${files.has('main.ts') ? `run with: cd ${where} && npm install && npx tsx main.ts` : 'import its builders from your code'}\n`);
  // Relative data paths are read from the emitted folder: say which are not there yet.
  const missing = emittedProgram.inputs.filter((f) => !existsSync(join(out, f)));
  if (missing.length) io.out(`the program reads ${missing.join(', ')} relative to ${where}, where ${missing.length > 1 ? 'they are' : 'it is'} not yet: copy or link ${missing.length > 1 ? 'them' : 'it'} from ${relative(process.cwd(), dirname(resolve(file))) || '.'}\n`);
  return 0;
}
