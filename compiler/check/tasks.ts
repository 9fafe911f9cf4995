// Checking of a task declaration against its kind's schema, of a subject model against the
// data, then the kind's own agreement rules (compiler/tasks/kinds/).
import type { Arg, Span } from '../../grammar/ast.js';
import { didYouMean, type Note } from '../diagnostics.js';
import type { KnownRequirement, ModelIR, TaskIR } from '../ir.js';
import { Dim } from '../shapes/dim.js';
import { formatShape, type Shape } from '../shapes/shape.js';
import { unifyShapes } from '../shapes/unify.js';
import type { TaskDecl } from '../tasks/fit.js';
import { TASKS } from '../tasks/index.js';
import { describeValue, modelSymbols, POISON, type DataValue, type Value } from '../ir.js';
import { checkType } from './args.js';
import type { CompilerHost } from './loader.js';
import { checkProjectPath } from './paths.js';
import type { Env, Evaluator } from './evaluate.js';
import type { GlobalSymbol, Sink, SourceModule } from './context.js';
import { fitLossToLabels } from './labels.js';

/** What checking a task needs of the checker (checker.ts implements it). */
export interface TaskChecker {
  readonly sink: Sink;
  readonly host: CompilerHost;
  readonly evaluator: Evaluator;
  instantiate(modelName: string, module: SourceModule, args: readonly Arg[], span: Span, env: Env): ModelIR | undefined;
  reportUnbound(r: KnownRequirement, why: string, notes?: readonly Note<never>[]): void;
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
      sink.report('E0431', file, decl.taskKind.span, { kind: entry.kind });
      ok = false;
    } else {
      const sym = mod.scope.get(decl.subject.name);
      if (sym?.kind === 'decl' && sym.decl.kind === 'model') model = checker.instantiate(decl.subject.name, sym.module, [], decl.subject.span, env);
      else {
        const models = [...mod.scope.entries()].filter(([, s]) => s.kind === 'decl' && s.decl.kind === 'model').map(([n]) => n);
        const guess = didYouMean(decl.subject.name, models);
        if (sym) sink.report('E0407', file, decl.subject.span, { kind: entry.kind, name: decl.subject.name, found: describeSymbol(sym), guess });
        else sink.report('E0201', file, decl.subject.span, { name: decl.subject.name, guess });
        ok = false;
      }
    }
  }
  let data: DataValue | undefined;
  if (decl.on) {
    const v = checker.evaluator.eval(decl.on, env);
    if (v.kind === 'data') data = v.data;
    else if (v.kind !== 'poison') sink.report('E0414', file, decl.on.span, { source: entry.kind, expected: "data after 'on'", found: describeValue(v), example: 'a data declaration, or csv("file.csv", columns: ["a"])' });
  } else if (entry.needsData) {
    sink.report('E0430', file, decl.taskKind.span, { kind: entry.kind });
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
      sink.report('E0213', file, f.name.span, { name: spec.name });
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
      sink.report('E0403', file, decl.taskKind.span, { kind: entry.kind, name: spec.name, doc: spec.doc });
      ok = false;
    }
  }
  const bindings = new Map<string, Dim>();
  const several = data?.type.kind === 'dataset' ? (data.type.inputs && ['inputs', data.type.inputs] as const) || (data.type.outputs && ['outputs', data.type.outputs] as const) : undefined;
  if (several && !(entry.subjectIsModel && entry.subjectData !== 'inputs')) {
    const [role, named] = several;
    sink.report('E0414', file, decl.on!.span, { source: entry.kind, expected: `data of one ${role.slice(0, -1)} (examples of several named ${role} go to train and evaluate)`, found: `examples of the ${role} ${named.map((i) => i.name).join(', ')}`, example: 'examples(x: d, y: t)' });
    data = undefined;
    ok = false;
  }
  if (model && data) {
    ok = (entry.subjectData === 'inputs' ? fitInputsToModel(decl, file, model, data, bindings, sink) : fitDataToModel(decl, file, model, data, fields, bindings, checker)) && ok;
  }
  if (entry.fit && data && ok) ok = entry.fit({ decl, file, data, fields, sink, bindings, module: mod });
  const name = decl.subject?.name ?? decl.taskKind.name;
  return ok ? { kind: entry.kind, name, model, data, fields, span: decl.span, bindings } : undefined;
}

const EXAMPLES = 'examples with targets (x and y)';

/** Data without targets, for "found ..." (E0414). */
function describeUnpaired(t: DataValue['type']): string {
  return t.kind === 'text' ? 'text' : t.kind === 'array' ? `a series ${formatShape(t.shape)} without targets` : 'examples without targets';
}

/** What a name that is not a model is, for "found ..." (E0407). */
function describeSymbol(sym: GlobalSymbol): string {
  if (sym.kind === 'module') return 'a module';
  if (sym.kind === 'builtin') return `${sym.table === 'data' ? 'the data source' : 'the pretrained model'} ${sym.name}()`;
  return sym.decl.kind === 'let' ? 'a let' : sym.decl.kind === 'data' ? 'data' : 'a model';
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
    sink.report('E0414', file, span, { source: decl.taskKind.name, expected: EXAMPLES, found: describeUnpaired(t), example: 'windows(...), char_sequences(...) or tokenize(...), which make them' });
    return false;
  }
  if ((model.inputs.length !== 1 && !t.inputs) || (model.outputs.length !== 1 && !t.outputs)) {
    const expected = model.inputs.length !== 1 && !t.inputs
      ? 'one input, or data that name its inputs (examples(x: {name: data, ...}, y: t))'
      : 'one output, or data that name its outputs (examples(x, y: {name: data, ...}))';
    sink.report('E0432', file, decl.subject!.span, { role: 'the model', model: model.name, expected, inputs: model.inputs.length, outputs: model.outputs.length }, [{ span: model.span, file: model.file }]);
    return false;
  }
  const inShape = model.nodes[model.inputs[0]!.node]!.shape;
  const flexible = modelSymbols(model);
  const declared = [{ span: model.span, file: model.file }];
  const mismatch = (part: 'x' | 'y', want: Shape, got: Shape, name?: string) => {
    const role = part === 'x' ? 'input' : 'output';
    sink.report('E0404', file, span, { data: `${name ? `${part}.${name}` : part} of the data`, part: name ? `${role} '${name}'` : role, model: model.name, expected: formatShape(want), found: formatShape(got) }, declared);
    return false;
  };
  if (t.inputs) {
    // Several inputs: the data name each of the model's, in any order.
    if (!sameNames(model.inputs.map((i) => i.name!), t.inputs.map((i) => i.name), (names, guess) => sink.report('E0424', file, span, { model: model.name, role: 'inputs', expected: names, source: 'the data', names: t.inputs!.map((i) => i.name).join(', '), entries: 'examples(x: ...)', line: 'input', guess }, declared))) return false;
    for (const input of model.inputs) {
      const want = model.nodes[input.node]!.shape, got = t.inputs.find((i) => i.name === input.name)!.shape;
      if (unifyShapes(want, got, bindings, flexible) || want.dtype !== got.dtype) return mismatch('x', want, got, input.name);
    }
  } else if (unifyShapes(inShape, t.x, bindings, flexible) || inShape.dtype !== t.x.dtype) return mismatch('x', inShape, t.x);
  // One target, or one per named output, each with its loss.
  const outputNames = model.outputs.map((o) => o.name ?? '');
  if (t.outputs && !sameNames(outputNames, t.outputs.map((o) => o.name), (names, guess) => sink.report('E0424', file, span, { model: model.name, role: 'outputs', expected: names, source: 'the data', names: t.outputs!.map((o) => o.name).join(', '), entries: 'examples(y: ...)', line: 'output', guess }, declared))) return false;
  const targets = t.outputs ?? [{ name: '', shape: t.y, labels: t.labels, classes: t.classes }];
  const lossField = decl.fields.find((f) => f.name.name === 'loss')?.value;
  const loss = fields.get('loss');
  if (!fitLossMaps(decl, file, model, fields, !!t.outputs, sink)) return false;
  for (const target of targets) {
    const index = t.outputs ? outputNames.indexOf(target.name) : 0;
    const outRaw = model.nodes[model.outputs[index]!.node]!.shape;
    const out: Shape = { dtype: outRaw.dtype, dims: outRaw.dims.map((d) => d.substitute(bindings)) };
    const name = t.outputs ? target.name : undefined;
    const lossOf = loss?.kind === 'map' ? loss.entries.get(target.name) : loss;
    const entrySpan = lossField?.kind === 'map' ? lossField.entries.find((e) => e.name.name === target.name)?.value.span : undefined;
    const y = target.shape;
    if (!fitLossToLabels({
      sink, file, loss: lossOf?.kind === 'enum' ? lossOf.name : undefined, lossSpan: entrySpan ?? lossField?.span ?? decl.taskKind.span, dataSpan: span, out,
      model: declared[0]!, modelName: model.name,
      y, labels: target.labels, classes: target.classes, classesSeen: t.outputs ? undefined : t.classesSeen,
      yFits: () => !unifyShapes(out, y, bindings, flexible) || mismatch('y', out, y, name),
      idsFit: () => {
        const ids: Shape = { dtype: y.dtype, dims: [...out.dims.slice(0, -1), Dim.const(1)] };
        return !unifyShapes(ids, y, bindings, flexible) || mismatch('y', ids, y, name);
      },
    })) return false;
  }
  if (!fitValidationData(decl, file, fields.get('validation_data'), model, inShape, t.y, new Map(bindings), flexible, sink)) return false;
  // Weight sizes may come from data (`vocab`), never from the sample count.
  const samples = t.x.dims[0]!.symbols();
  const dataDims = new Set<string>();
  for (const d of [...t.x.dims, ...t.y.dims, ...[...(t.inputs ?? []), ...(t.outputs ?? [])].flatMap((i) => i.shape.dims)]) d.symbols(dataDims);
  let ok = true;
  for (const r of model.requires) {
    const d = r.dim.substitute(bindings);
    if (d.value === undefined && (d.unknown || [...d.symbols()].some((s) => samples.has(s) || !dataDims.has(s)))) {
      checker.reportUnbound({ ...r, dim: d }, `the data does not fix it`, [{ span, file }]);
      ok = false;
    }
  }
  return ok;
}

/** `loss: {name: ...}` and `loss_weights: {name: ...}` against the model's outputs: only for
 *  targets by output name; the loss map names each output once, the weights a subset (the
 *  others weigh 1). */
function fitLossMaps(decl: TaskDecl, file: string, model: ModelIR, fields: Map<string, Value>, severalTargets: boolean, sink: Sink): boolean {
  const outputNames = model.outputs.map((o) => o.name ?? '');
  const declared = [{ span: model.span, file: model.file }];
  const spanOf = (name: string) => decl.fields.find((f) => f.name.name === name)?.value.span ?? decl.taskKind.span;
  const loss = fields.get('loss'), weights = fields.get('loss_weights');
  for (const [name, v] of [['loss', loss], ['loss_weights', weights]] as const) {
    if (v?.kind !== 'map' || severalTargets) continue;
    sink.report('E0406', file, spanOf(name), { name, expected: name === 'loss' ? `one loss (${model.name} has one output)` : `no weights (${model.name} has one output)`, found: `${name === 'loss' ? 'losses' : 'weights'} by output name` });
    return false;
  }
  const report = (field: string, given: readonly string[]) => (names: string, guess: string | undefined) =>
    sink.report('E0424', file, spanOf(field), { model: model.name, role: 'outputs', expected: names, source: field, names: given.join(', '), entries: `${field}: {...}`, line: 'output', guess }, declared);
  if (loss?.kind === 'map' && !sameNames(outputNames, [...loss.entries.keys()], report('loss', [...loss.entries.keys()]))) return false;
  if (weights?.kind === 'map') {
    const given = [...weights.entries.keys()];
    const stray = given.find((k) => !outputNames.includes(k));
    if (stray !== undefined) {
      const near = didYouMean(stray, outputNames);
      report('loss_weights', given)(outputNames.join(', '), near ? `'${stray}' may be '${near}'` : undefined);
      return false;
    }
  }
  return true;
}

/** Whether `given` names each of `names` once (in any order); reports through `report` with
 *  the names expected and a hint (a near miss, a missing name) otherwise. */
function sameNames(names: readonly string[], given: readonly string[], report: (expected: string, guess: string | undefined) => void): boolean {
  const missing = names.filter((nm) => !given.includes(nm));
  if (names.length === given.length && !missing.length) return true;
  const stray = given.find((g) => !names.includes(g));
  const near = stray !== undefined ? didYouMean(stray, missing) : undefined;
  const guess = names.includes('') ? 'name each of the model\'s outputs (output a: ..., b: ...)'
    : near ? `'${stray}' may be '${near}'` : missing.length ? `'${missing.join("', '")}' ${missing.length === 1 ? 'is' : 'are'} missing` : undefined;
  report(names.map((nm) => nm || '(unnamed)').join(', '), guess);
  return false;
}

/** A task that only feeds the model (predict): the data's samples, x of a dataset or an
 *  array's, against the model's input. */
function fitInputsToModel(decl: TaskDecl, file: string, model: ModelIR, data: DataValue, bindings: Map<string, Dim>, sink: Sink): boolean {
  const span = decl.on!.span;
  const t = data.type;
  if (t.kind === 'text') {
    sink.report('E0414', file, span, { source: decl.taskKind.name, expected: `numeric samples for ${model.name}`, found: 'text', example: 'tokenize(...) or char_sequences(...), which make them' });
    return false;
  }
  if (model.inputs.length !== 1) {
    sink.report('E0432', file, decl.subject!.span, { role: 'the model', model: model.name, expected: 'one input', inputs: model.inputs.length, outputs: model.outputs.length }, [{ span: model.span, file: model.file }]);
    return false;
  }
  const inShape = model.nodes[model.inputs[0]!.node]!.shape;
  const x = t.kind === 'dataset' ? t.x : t.shape;
  if (!unifyShapes(inShape, x, bindings, modelSymbols(model)) && inShape.dtype === x.dtype) return true;
  sink.report('E0404', file, span, { data: t.kind === 'dataset' ? 'x of the data' : 'the data', part: 'input', model: model.name, expected: formatShape(inShape), found: formatShape(x) }, [{ span: model.span, file: model.file }]);
  return false;
}

/** validation_data: examples like the training data's, sample for sample (x for the model's
 *  input, y as the training y); the sample count may differ. */
function fitValidationData(decl: TaskDecl, file: string, v: Value | undefined, model: ModelIR, input: Shape, y: Shape, bindings: Map<string, Dim>, flexible: ReadonlySet<string>, sink: Sink): boolean {
  if (v?.kind !== 'data') return true;
  const span = decl.fields.find((f) => f.name.name === 'validation_data')?.value.span ?? decl.taskKind.span;
  const t = v.data.type;
  if (t.kind !== 'dataset' || !t.y || t.inputs || t.outputs || model.inputs.length !== 1 || model.outputs.length !== 1) {
    const several = t.kind === 'dataset' && t.y ? 'examples of several inputs or outputs: use validation_split' : undefined;
    sink.report('E0414', file, span, { source: 'validation_data', expected: several ? 'examples of one input and one output' : EXAMPLES, found: several ?? describeUnpaired(t), example: several ? 'validation_split: 0.2' : 'windows(...), char_sequences(...) or tokenize(...), which make them' });
    return false;
  }
  const samples = (s: Shape): Shape => ({ dtype: s.dtype, dims: s.dims.slice(1) });
  for (const [what, want, got] of [['x', input, t.x], ['y', y, t.y]] as const) {
    if (want.dims.length === got.dims.length && want.dtype === got.dtype && !unifyShapes(samples(want), samples(got), bindings, flexible)) continue;
    sink.report('E0404', file, span, { data: `${what} of validation_data`, part: what === 'x' ? 'input' : 'output', model: model.name, expected: formatShape(want), found: formatShape(got) }, [{ span: model.span, file: model.file }]);
    return false;
  }
  return true;
}
