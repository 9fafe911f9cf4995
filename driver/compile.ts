// `nnc compile FILE -o DIR`: writes the emitted program, a copy of the runtime procedures it
// calls, package.json and tsconfig.json into DIR, and nothing outside it. A manifest lists
// what nnc wrote, so a later compile overwrites only its own files unless --force.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmitError, emitProgram } from '../compiler/emit/emit.js';
import { checkedOrExitCode } from './checked.js';
import { fault } from '../runtime/errors.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNTIME = join(ROOT, 'runtime');
const MANIFEST = '.nnc-generated.json';

/** The runtime files emitted code imports (`./nnc-runtime/X.js` → `X.ts`). */
export function runtimeImports(emitted: Iterable<string>): string[] {
  return [...new Set([...emitted].flatMap((text) => [...text.matchAll(/from '\.\/nnc-runtime\/([^']+)\.js'/g)].map((m) => m[1]! + '.ts')))];
}

/** The runtime files the entries import, transitively; all must stay inside runtime/. */
export function runtimeClosure(entries: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (rel: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const text = readFileSync(join(RUNTIME, rel), 'utf8');
    for (const m of text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) {
      const target = relative(RUNTIME, resolve(dirname(join(RUNTIME, rel)), m[1]! + '.ts'));
      if (target.startsWith('..')) throw new Error(`runtime/${rel} imports ${m[1]}, outside runtime/: the emitted copy would not be self-contained`);
      visit(target);
    }
  };
  entries.forEach(visit);
  return [...seen].sort();
}

function packageJson(): string {
  const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies?: Record<string, string> };
  const keep = Object.entries(ours.dependencies).filter(([k]) => !['chevrotain', 'commander', 'tsx', 'ts-morph'].includes(k));
  return JSON.stringify({
    private: true, type: 'module', scripts: { start: 'tsx main.ts', typecheck: 'tsc --noEmit -p .' },
    dependencies: Object.fromEntries(keep), devDependencies: { tsx: ours.dependencies['tsx'], typescript: '^5 || ^7' },
    peerDependencies: ours.peerDependencies,
  }, null, 2) + '\n';
}

const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
  include: ['*.ts', 'nnc-runtime/**/*.ts'],
}, null, 2) + '\n';

/** The emitter's files; what it cannot compile becomes the program's emit fault here, since
 *  compiler/ cannot import the runtime's error type. */
function emitted(...args: Parameters<typeof emitProgram>): Map<string, string> {
  try {
    return new Map(emitProgram(...args).files);
  } catch (err) {
    if (err instanceof EmitError) throw fault('emit', err.message);
    throw err;
  }
}

export function compileCommand(file: string, outDir: string, force: boolean, io: { out: (s: string) => void; err: (s: string) => void }): number {
  const result = checkedOrExitCode(file, io.err);
  if (result === 1) return 1;
  const out = resolve(outDir);
  const files = new Map(emitted(result, resolve(file), out));
  for (const rel of runtimeClosure(runtimeImports(files.values()))) files.set(`nnc-runtime/${rel}`, readFileSync(join(RUNTIME, rel), 'utf8'));
  files.set('package.json', packageJson());
  files.set('tsconfig.json', TSCONFIG);
  const manifestPath = join(out, MANIFEST);
  const ours = existsSync(manifestPath) ? new Set((JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: string[] }).files) : new Set<string>();
  const foreign = [...files.keys()].filter((f) => existsSync(join(out, f)) && !ours.has(f));
  if (foreign.length && !force) {
    throw fault('file', `${out} has files nnc did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); use --force to overwrite them`);
  }
  for (const [rel, text] of files) {
    const target = resolve(out, rel);
    if (relative(out, target).startsWith('..')) throw fault('file', `refusing to write ${target}, outside ${out}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  writeFileSync(manifestPath, JSON.stringify({ generatedBy: 'nnc compile', source: file, files: [...files.keys()].sort() }, null, 2) + '\n');
  io.out(`wrote ${files.size} files to ${out}; run with: cd ${relative(process.cwd(), out) || '.'} && npx tsx main.ts\n`);
  return 0;
}
