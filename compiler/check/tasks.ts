// Checking of a task declaration against its kind's schema, of a subject model against the
// data, then the kind's own agreement rules (compiler/tasks/kinds/).
import type { Arg, Span } from '../../grammar/ast.js';
import { didYouMean, type Label } from '../diagnostics.js';
import type { KnownRequirement, ModelIR, TaskIR } from '../ir.js';
import { Dim } from '../shapes/dim.js';
import { formatShape, type Shape } from '../shapes/shape.js';
import { unifyShapes } from '../shapes/unify.js';
import type { TaskDecl } from '../tasks/fit.js';
import { TASKS } from '../tasks/index.js';
import { modelSymbols, POISON, type DataValue, type Value } from '../ir.js';
import { checkType } from './args.js';
import type { CompilerHost } from './loader.js';
import { checkProjectPath } from './paths.js';
import type { Env, Evaluator } from './evaluate.js';
import type { Sink, SourceModule } from './context.js';
import { fitLossToLabels } from './labels.js';

/** What checking a task needs of the checker (checker.ts implements it). */
export interface TaskChecker {
  readonly sink: Sink;
  readonly host: CompilerHost;
  readonly evaluator: Evaluator;
  instantiate(modelName: string, module: SourceModule, args: readonly Arg[], span: Span, env: Env): ModelIR | undefined;
  reportUnbound(r: KnownRequirement, why: string, labels?: Label[]): void;
}

export function checkTask(decl: TaskDecl, mod: SourceModule, checker: TaskChecker): TaskIR | undefined {
  const file = mod.path;
  const sink = checker.sink;
  const entry = TASKS.get(decl.taskKind.name);
  if (!entry) {
    const guess = didYouMean(decl.taskKind.name, TASKS.keys());
    sink.report('E0401', file, decl.taskKind.span, { name: decl.taskKind.name, guess, kinds: [...TASKS.keys()].join(', ') });
    return undefined;
  }
  if (entry.module !== 'core' && !mod.stdImports.has(entry.module)) {
    sink.report('E0409', file, decl.taskKind.span, { kind: entry.kind, module: entry.module });
    return undefined;
  }
  const env = { module: mod, locals: new Map<string, Value>() };
  let model: ModelIR | undefined;
  let ok = true;
  if (entry.subjectIsModel) {
    if (!decl.subject) {
      sink.report('E0407', file, decl.taskKind.span, `${entry.kind} needs the model to act on`, { help: `write \`${entry.kind} MyModel on data { ... }\`` });
      ok = false;
    } else {
      const sym = mod.scope.get(decl.subject.name);
      if (sym?.kind === 'decl' && sym.decl.kind === 'model') model = checker.instantiate(decl.subject.name, sym.module, [], decl.subject.span, env);
      else {
        const models = [...mod.scope.entries()].filter(([, s]) => s.kind === 'decl' && s.decl.kind === 'model').map(([n]) => n);
        const guess = didYouMean(decl.subject.name, models);
        sink.report(sym ? 'E0407' : 'E0201', file, decl.subject.span, sym ? `'${decl.subject.name}' is not a model` : `'${decl.subject.name}' is not defined`, { help: guess ? `did you mean '${guess}'?` : undefined });
        ok = false;
      }
    }
  }
  let data: DataValue | undefined;
  if (decl.on) {
    const v = checker.evaluator.eval(decl.on, env);
    if (v.kind === 'data') data = v.data;
    else if (v.kind !== 'poison') sink.report('E0207', file, decl.on.span, `${entry.kind} needs data after 'on'`, { found: v.kind });
  } else if (entry.needsData) {
    sink.report('E0403', file, decl.taskKind.span, `${entry.kind} needs data: add \`on NAME\``);
  }

  const fields = new Map<string, Value>();
  for (const f of decl.fields) {
    const spec = entry.fields.find((s) => s.name === f.name.name);
    if (!spec) {
      const guess = didYouMean(f.name.name, entry.fields.map((s) => s.name));
      sink.report('E0402', file, f.name.span, { owner: entry.kind, name: f.name.name, guess, fields: entry.fields.map((s) => s.name).join(', ') });
      continue;
    }
    if (fields.has(spec.name)) {
      sink.report('E0213', file, f.name.span, `'${spec.name}' is given twice`);
      continue;
    }
    const raw = checker.evaluator.eval(f.value, env, spec.type);
    const v = checkType(raw, spec.type, f.value.span, spec.name, sink, file, 'E0406');
    if (v?.kind === 'string' && spec.type.kind === 'string' && spec.type.path) checkProjectPath(checker.host, sink, file, f.value.span, spec.name, spec.type.path, v.value);
    fields.set(spec.name, v ? fillMapDefaults(v, spec.type) : POISON);
  }
  for (const spec of entry.fields) {
    if (fields.has(spec.name)) continue;
    if (spec.default) fields.set(spec.name, spec.default);
    else {
      sink.report('E0403', file, decl.taskKind.span, `${entry.kind} needs '${spec.name}'`, { help: spec.doc });
      ok = false;
    }
  }
  const bindings = new Map<string, Dim>();
  if (model && data) {
    ok = (entry.subjectData === 'inputs' ? fitInputsToModel(decl, file, model, data, bindings, sink) : fitDataToModel(decl, file, model, data, fields, bindings, checker)) && ok;
  }
  if (entry.fit && data && ok) ok = entry.fit({ decl, file, data, fields, sink, bindings, module: mod });
  const name = decl.subject?.name ?? decl.taskKind.name;
  return ok ? { kind: entry.kind, name, model, data, fields, span: decl.span, bindings } : undefined;
}

function fillMapDefaults(v: Value, t: import('../ir.js').ParamType): Value {
  if (v.kind !== 'map' || t.kind !== 'map') return v;
  const entries = new Map(v.entries);
  for (const f of t.fields) if (!entries.has(f.name) && f.default) entries.set(f.name, f.default);
  return { kind: 'map', entries };
}

/** `train M on D` (and any kind with a subject model): D.x against M's input, D.y against its
 *  output, and the loss, where the kind has one, against both. */
function fitDataToModel(decl: TaskDecl, file: string, model: ModelIR, data: DataValue, fields: Map<string, Value>, bindings: Map<string, Dim>, checker: TaskChecker): boolean {
  const sink = checker.sink;
  const span = decl.on!.span;
  const t = data.type;
  if (t.kind !== 'dataset' || !t.y) {
    sink.report('E0404', file, span, `training needs examples with targets (x and y)`, { found: t.kind === 'text' ? 'text' : `a series ${t.kind === 'array' ? formatShape(t.shape) : ''}`, help: 'make pairs with windows(...), char_sequences(...) or tokenize(...)' });
    return false;
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    sink.report('E0404', file, decl.subject!.span, `train fits a model with one input and one output; ${model.name} has ${model.inputs.length} and ${model.outputs.length}`);
    return false;
  }
  const inShape = model.nodes[model.inputs[0]!.node]!.shape;
  const flexible = modelSymbols(model);
  const mismatch = (what: string, want: Shape, got: Shape) => {
    sink.report('E0404', file, span, `${what} of the data does not fit ${model.name}`, {
      expected: formatShape(want), found: formatShape(got),
      labels: [{ span: model.span, file: model.file, message: `${model.name} is declared here` }],
    });
    return false;
  };
  if (unifyShapes(inShape, t.x, bindings, flexible)) return mismatch('x', inShape, t.x);
  if (inShape.dtype !== t.x.dtype) return mismatch('x (dtype)', inShape, t.x);
  const outRaw = model.nodes[model.outputs[0]!.node]!.shape;
  const out: Shape = { dtype: outRaw.dtype, dims: outRaw.dims.map((d) => d.substitute(bindings)) };
  const loss = fields.get('loss');
  const lossSpan = decl.fields.find((f) => f.name.name === 'loss')?.value.span ?? decl.taskKind.span;
  if (!fitLossToLabels({
    sink, file, loss: loss?.kind === 'enum' ? loss.name : undefined, lossSpan, dataSpan: span, out,
    model: { span: model.span, file: model.file, message: `${model.name}'s output is ${formatShape(out)}` }, modelName: model.name,
    y: t.y, labels: t.labels, classes: t.classes, classesSeen: t.classesSeen, yFits: () => !unifyShapes(out, t.y!, bindings, flexible) || mismatch('y', out, t.y!),
  })) return false;
  if (!fitValidationData(decl, file, fields.get('validation_data'), inShape, t.y, new Map(bindings), flexible, sink)) return false;
  // Weight sizes may come from data (`vocab`), never from the sample count.
  const samples = t.x.dims[0]!.symbols();
  const dataDims = new Set<string>();
  for (const d of [...t.x.dims, ...t.y.dims]) d.symbols(dataDims);
  let ok = true;
  for (const r of model.requires) {
    const d = r.dim.substitute(bindings);
    if (d.value === undefined && (d.unknown || [...d.symbols()].some((s) => samples.has(s) || !dataDims.has(s)))) {
      checker.reportUnbound({ ...r, dim: d }, `the data does not fix it`, [{ span, file, message: 'trained on this data' }]);
      ok = false;
    }
  }
  return ok;
}

/** A task that only feeds the model (predict): the data's samples, x of a dataset or an
 *  array's, against the model's input. */
function fitInputsToModel(decl: TaskDecl, file: string, model: ModelIR, data: DataValue, bindings: Map<string, Dim>, sink: Sink): boolean {
  const span = decl.on!.span;
  const t = data.type;
  if (t.kind === 'text') {
    sink.report('E0404', file, span, `${decl.taskKind.name} needs samples for ${model.name}, found text`, { found: 'text', help: 'make samples with tokenize(...) or char_sequences(...)' });
    return false;
  }
  if (model.inputs.length !== 1) {
    sink.report('E0404', file, decl.subject!.span, `${decl.taskKind.name} feeds a model with one input; ${model.name} has ${model.inputs.length}`);
    return false;
  }
  const inShape = model.nodes[model.inputs[0]!.node]!.shape;
  const x = t.kind === 'dataset' ? t.x : t.shape;
  if (!unifyShapes(inShape, x, bindings, modelSymbols(model)) && inShape.dtype === x.dtype) return true;
  sink.report('E0404', file, span, `the data's samples do not fit the input of ${model.name}`, {
    expected: formatShape(inShape), found: formatShape(x),
    labels: [{ span: model.span, file: model.file, message: `${model.name} is declared here` }],
  });
  return false;
}

/** validation_data: examples like the training data's, sample for sample (x for the model's
 *  input, y as the training y); the sample count may differ. */
function fitValidationData(decl: TaskDecl, file: string, v: Value | undefined, input: Shape, y: Shape, bindings: Map<string, Dim>, flexible: ReadonlySet<string>, sink: Sink): boolean {
  if (v?.kind !== 'data') return true;
  const span = decl.fields.find((f) => f.name.name === 'validation_data')?.value.span ?? decl.taskKind.span;
  const t = v.data.type;
  if (t.kind !== 'dataset' || !t.y) {
    sink.report('E0404', file, span, `validation_data needs examples with targets (x and y)`, { found: t.kind === 'text' ? 'text' : `a series ${t.kind === 'array' ? formatShape(t.shape) : ''}` });
    return false;
  }
  const samples = (s: Shape): Shape => ({ dtype: s.dtype, dims: s.dims.slice(1) });
  for (const [what, want, got] of [['x', input, t.x], ['y', y, t.y]] as const) {
    if (want.dims.length === got.dims.length && want.dtype === got.dtype && !unifyShapes(samples(want), samples(got), bindings, flexible)) continue;
    sink.report('E0404', file, span, `${what} of validation_data does not fit the training ${what === 'x' ? "model's input" : 'data'}`, { expected: formatShape(want), found: formatShape(got) });
    return false;
  }
  return true;
}
