// Checking of task declarations against their schema, and of data against models.
import type { Arg, Span } from '../../grammar/ast.js';
import { didYouMean, type Label } from '../diagnostics.js';
import type { KnownRequirement, ModelIR, TaskIR } from '../ir.js';
import { Dim } from '../shapes/dim.js';
import { formatShape, type Shape } from '../shapes/shape.js';
import { unifyShapes } from '../shapes/unify.js';
import { modelIn } from '../tasks/fields.js';
import { TASKS } from '../tasks/schemas.js';
import { POISON, type DataValue, type Value } from '../ir.js';
import { checkType } from './args.js';
import type { Env, Evaluator } from './evaluate.js';
import { fieldSpan, inShape, type FitCtx, type TaskDecl } from './fit.js';
import type { Sink, SourceModule } from './context.js';
import { modelSymbols } from './evaluate.js';
import { fitDream, fitStyle } from './image-tasks.js';
import { fitLossToLabels } from './labels.js';

/** What checking a task needs of the checker (checker.ts implements it). */
export interface TaskChecker {
  readonly sink: Sink;
  readonly evaluator: Evaluator;
  instantiate(modelName: string, module: SourceModule, args: readonly Arg[], span: Span, env: Env): ModelIR | undefined;
  reportUnbound(r: KnownRequirement, why: string, labels?: Label[]): void;
}

export function checkTask(decl: TaskDecl, mod: SourceModule, checker: TaskChecker): TaskIR | undefined {
  const file = mod.path;
  const sink = checker.sink;
  const schema = TASKS.get(decl.taskKind.name);
  if (!schema) {
    const guess = didYouMean(decl.taskKind.name, TASKS.keys());
    sink.report('E0401', file, decl.taskKind.span, `'${decl.taskKind.name}' is not a task kind`, { help: guess ? `did you mean '${guess}'?` : `known kinds: ${[...TASKS.keys()].join(', ')}` });
    return undefined;
  }
  if (schema.module !== 'core' && !mod.stdImports.has(schema.module)) {
    sink.report('E0409', file, decl.taskKind.span, `${schema.kind} tasks come from ${schema.module}`, { help: `add \`import ${schema.module}\` at the top of the file` });
    return undefined;
  }
  const env = { module: mod, locals: new Map<string, Value>() };
  let model: ModelIR | undefined;
  let ok = true;
  if (schema.subjectIsModel) {
    if (!decl.subject) {
      sink.report('E0407', file, decl.taskKind.span, `${schema.kind} needs the model to act on`, { help: `write \`${schema.kind} MyModel on data { ... }\`` });
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
    else if (v.kind !== 'poison') sink.report('E0207', file, decl.on.span, `${schema.kind} needs data after 'on'`, { found: v.kind });
  } else if (schema.needsData) {
    sink.report('E0403', file, decl.taskKind.span, `${schema.kind} needs data: add \`on NAME\``);
  }

  const fields = new Map<string, Value>();
  for (const f of decl.fields) {
    const spec = schema.fields.find((s) => s.name === f.name.name);
    if (!spec) {
      const guess = didYouMean(f.name.name, schema.fields.map((s) => s.name));
      sink.report('E0402', file, f.name.span, `${schema.kind} has no field '${f.name.name}'`, { help: guess ? `did you mean '${guess}'?` : `fields: ${schema.fields.map((s) => s.name).join(', ')}` });
      continue;
    }
    if (fields.has(spec.name)) {
      sink.report('E0213', file, f.name.span, `'${spec.name}' is given twice`);
      continue;
    }
    const raw = checker.evaluator.eval(f.value, env, spec.type);
    const v = checkType(raw, spec.type, f.value.span, spec.name, sink, file, 'E0406');
    fields.set(spec.name, v ? fillMapDefaults(v, spec.type) : POISON);
  }
  for (const spec of schema.fields) {
    if (fields.has(spec.name)) continue;
    if (spec.default) fields.set(spec.name, spec.default);
    else {
      sink.report('E0403', file, decl.taskKind.span, `${schema.kind} needs '${spec.name}'`, { help: spec.doc });
      ok = false;
    }
  }
  const bindings = new Map<string, Dim>();
  if (model && data) ok = fitDataToModel(decl, file, model, data, fields, bindings, checker) && ok;
  const fit = MODEL_FIELD_FITS[schema.kind];
  if (fit && data && ok) ok = fit({ decl, file, data, fields, sink, bindings, module: mod });
  const name = decl.subject?.name ?? decl.taskKind.name;
  return ok ? { kind: schema.kind, name, model, data, fields, span: decl.span, bindings } : undefined;
}

function fillMapDefaults(v: Value, t: import('../ir.js').ParamType): Value {
  if (v.kind !== 'map' || t.kind !== 'map') return v;
  const entries = new Map(v.entries);
  for (const f of t.fields) if (!entries.has(f.name) && f.default) entries.set(f.name, f.default);
  return { kind: 'map', entries };
}

/** `train M on D`: D.x against M's input, D.y against its output, and the loss against both. */
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
    model: { span: model.span, file: model.file, message: `${model.name}'s output is ${formatShape(out)}` },
    y: t.y, labels: t.labels, yFits: () => !unifyShapes(out, t.y!, bindings, flexible) || mismatch('y', out, t.y!),
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

const outShape = (m: ModelIR, i = 0): Shape => m.nodes[m.outputs[i]!.node]!.shape;

/** Whether two tensors hold the same samples: equal rank and equal dims after the batch axis
 *  (named dims of the models may be bound, e.g. `latent`). */
function sameSamples(a: Shape, b: Shape, c: FitCtx, flexible: ReadonlySet<string>): boolean {
  if (a.dims.length !== b.dims.length || a.dtype !== b.dtype) return false;
  const drop = (s: Shape): Shape => ({ dtype: s.dtype, dims: s.dims.slice(1) });
  return !unifyShapes(drop(a), drop(b), c.bindings, flexible);
}

function arity(c: FitCtx, field: string, m: ModelIR, inputs: number, outputs: number, what: string): boolean {
  if (m.inputs.length === inputs && m.outputs.length === outputs) return true;
  c.sink.report('E0408', c.file, fieldSpan(c, field), `the ${field} must ${what}; ${m.name} has ${m.inputs.length} input(s) and ${m.outputs.length} output(s)`, {
    labels: [{ span: m.span, file: m.file, message: `${m.name} is declared here` }],
  });
  return false;
}

function imagesOf(c: FitCtx): Shape | undefined {
  const t = c.data.type;
  if (t.kind === 'dataset') return t.x;
  if (t.kind === 'array') return t.shape;
  c.sink.report('E0404', c.file, c.decl.on!.span, `${c.decl.taskKind.name} needs images, found text`, { help: 'e.g. mnist() from std.data' });
  return undefined;
}

/** vae: encoder image → (z_mean, z_log_var) of one shape [b, L]; decoder [b, L] → image; the
 *  decoder's images are the encoder's, and the data's. */
function fitVae(c: FitCtx): boolean {
  const enc = modelIn(c.fields, 'encoder'), dec = modelIn(c.fields, 'decoder'), images = imagesOf(c);
  if (!enc || !dec || !images) return false;
  if (!arity(c, 'encoder', enc, 1, 2, 'take one image and give two outputs, z_mean and z_log_var') || !arity(c, 'decoder', dec, 1, 1, 'take one latent vector and give one image')) return false;
  const flexible = new Set([...modelSymbols(enc), ...modelSymbols(dec)]);
  const [mean, logVar] = [outShape(enc, 0), outShape(enc, 1)];
  if (mean.dims.length !== 2 || !sameSamples(mean, logVar, c, flexible)) {
    c.sink.report('E0408', c.file, fieldSpan(c, 'encoder'), `the encoder's outputs z_mean and z_log_var must both be [batch, latent]`, { found: `${formatShape(mean)} and ${formatShape(logVar)}`, labels: [{ span: enc.span, file: enc.file, message: `${enc.name} is declared here` }] });
    return false;
  }
  const problems: [string, Shape, Shape, string][] = [
    ['decoder', inShape(dec), mean, `the decoder's input must be the encoder's latent vector`],
    ['decoder', outShape(dec), inShape(enc), `the decoder must make images of the encoder's input shape`],
  ];
  for (const [field, want, got, message] of problems) {
    if (sameSamples(want, got, c, flexible)) continue;
    c.sink.report('E0408', c.file, fieldSpan(c, field), message, { expected: formatShape(got), found: formatShape(want), labels: [{ span: dec.span, file: dec.file, message: `${dec.name} is declared here` }] });
    return false;
  }
  if (!sameSamples(inShape(enc), images, c, flexible)) {
    c.sink.report('E0404', c.file, c.decl.on!.span, `the images of the data do not fit the encoder ${enc.name}`, { expected: formatShape(inShape(enc)), found: formatShape(images) });
    return false;
  }
  return true;
}

/** gan: generator [b, L] → image; discriminator image → [b, 1]; generated images, the
 *  discriminator's input and the data agree (one message names all three). */
function fitGan(c: FitCtx): boolean {
  const gen = modelIn(c.fields, 'generator'), disc = modelIn(c.fields, 'discriminator'), images = imagesOf(c);
  if (!gen || !disc || !images) return false;
  if (!arity(c, 'generator', gen, 1, 1, 'take one latent vector and give one image') || !arity(c, 'discriminator', disc, 1, 1, 'take one image and give one score')) return false;
  const flexible = new Set([...modelSymbols(gen), ...modelSymbols(disc)]);
  if (inShape(gen).dims.length !== 2) {
    c.sink.report('E0408', c.file, fieldSpan(c, 'generator'), `the generator's input must be a latent vector [batch, latent]`, { found: formatShape(inShape(gen)) });
    return false;
  }
  const score = outShape(disc);
  if (score.dims.length !== 2 || score.dims[1]!.value !== 1) {
    c.sink.report('E0408', c.file, fieldSpan(c, 'discriminator'), `the discriminator must give one score per image, [batch, 1] (sigmoid)`, { found: formatShape(score) });
    return false;
  }
  checkPixelRange(c, gen);
  const made = outShape(gen), judged = inShape(disc);
  const genFits = sameSamples(made, images, c, flexible), discFits = sameSamples(judged, images, c, flexible);
  if (!genFits || !discFits || !sameSamples(made, judged, c, flexible)) {
    // At the one that differs from the other two; at the data when both models agree.
    const at = genFits ? fieldSpan(c, 'discriminator') : discFits ? fieldSpan(c, 'generator') : c.decl.on!.span;
    c.sink.report('E0408', c.file, at, `the generated images, the discriminator's input and the data must have one shape: generator ${gen.name} makes ${formatShape(made)}, discriminator ${disc.name} takes ${formatShape(judged)}, the data are ${formatShape(images)}`, {
      labels: [{ span: gen.span, file: gen.file, message: `${gen.name} is declared here` }, { span: disc.span, file: disc.file, message: `${disc.name} is declared here` }],
    });
    return false;
  }
  return true;
}

/** The activation a model's output ends in (`dense(784, activation: tanh)` or a `tanh` line). */
function finalActivation(m: ModelIR): string | undefined {
  const last = m.nodes[m.outputs[0]!.node]!;
  if (last.layer === 'sigmoid' || last.layer === 'tanh') return last.layer;
  const act = last.args?.get('activation');
  if (act?.kind === 'enum') return act.name;
  // reshape/flatten after the activation keep it.
  if ((last.layer === 'reshape' || last.layer === 'flatten') && last.inputs.length === 1) return finalActivation({ ...m, outputs: [{ node: last.inputs[0]! }] });
  return undefined;
}

/** A gan's generator should end where the pixels live: tanh for `signed`, sigmoid for `unit`. */
function checkPixelRange(c: FitCtx, gen: ModelIR): void {
  const pixels = c.fields.get('pixels');
  const range = pixels?.kind === 'enum' ? pixels.name : 'signed';
  const want = range === 'signed' ? 'tanh' : 'sigmoid';
  const act = finalActivation(gen);
  if (act === (range === 'signed' ? 'sigmoid' : 'tanh')) {
    c.sink.report('W0410', c.file, fieldSpan(c, 'generator'), `${gen.name} ends in ${act}, but pixels: ${range} shows the discriminator images in ${range === 'signed' ? '[-1, 1]' : '[0, 1]'}`, {
      help: `end the generator in ${want}, or set pixels: ${range === 'signed' ? 'unit' : 'signed'}`,
      labels: [{ span: gen.span, file: gen.file, message: `${gen.name} is declared here` }],
    });
  }
}

/** generate_text: the data must be char_sequences (the model's vocabulary and seed windows),
 *  and the checkpoint defaults to the `save` of the file's train task for the same model. */
function fitGenerate(c: FitCtx): boolean {
  if (c.data.source !== 'char_sequences') {
    c.sink.report('E0404', c.file, c.decl.on!.span, `generate_text samples a character model: its data must be char_sequences(...)`, { found: `${c.data.source}(...)`, help: 'use the data the model was trained on, e.g. char_sequences(moby_dick(), maxlen: 40)' });
    return false;
  }
  // The model's window is the data's: a shorter seed_text cannot start it.
  const seedText = c.fields.get('seed_text'), maxlen = c.data.args.get('maxlen');
  if (seedText?.kind === 'string' && maxlen?.kind === 'int' && [...seedText.value].length < maxlen.value) {
    c.sink.report('E0210', c.file, fieldSpan(c, 'seed_text'), `seed_text needs at least ${maxlen.value} characters, the model's window (maxlen of the data); it has ${[...seedText.value].length}`, { help: 'give a longer text, or leave seed_text out to start from a window of the corpus' });
    return false;
  }
  if (c.fields.get('checkpoint')?.kind === 'null') {
    const train = c.module.ast.decls.find((d) => d.kind === 'task' && d.taskKind.name === 'train' && d.subject?.name === c.decl.subject?.name);
    const save = train?.kind === 'task' ? train.fields.find((f) => f.name.name === 'save')?.value : undefined;
    c.fields.set('checkpoint', { kind: 'string', value: save?.kind === 'string' ? save.value : `out/${(c.decl.subject?.name ?? '').toLowerCase()}` });
  }
  return true;
}

/** Agreement rules of the task kinds whose fields name models or need particular data. */
const MODEL_FIELD_FITS: Record<string, (c: FitCtx) => boolean> = { vae: fitVae, gan: fitGan, generate_text: fitGenerate, dream: fitDream, style_transfer: fitStyle };
