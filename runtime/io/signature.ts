// A trained model's signature: what prediction needs beside the weights. The input it takes
// (dims as written, sizes, dtype), what its output means (class probabilities with class
// names, yes/no, independent labels, or plain values), the loss it was trained with, and the
// preprocessing a prediction must repeat (vocabularies, normalization statistics). train saves
// it in the checkpoint's nnc state (`signature`); checkpoints saved before it existed still
// load, with a signature read from the model itself. A hand-broken one is one line.
import type * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BEST, loadCheckpoint, MODEL_JSON } from './checkpoint.js';
import { fault } from '../errors.js';

/** What the checker knows (compiler/tasks/signature.ts lowers it into train's fields). */
export interface StaticSignature {
  input: string[];
  dtype: 'float32' | 'int32';
  output: string[];
  labels?: 'onehot' | 'ids';
  /** A model of several outputs: each output's name and dims, in the model's order. */
  outputs?: { name: string; dims: string[] }[];
  /** A model of several inputs: each input's name, dims, dtype and the sources and transforms of its data. */
  inputs?: { name: string; dims: string[]; dtype: 'float32' | 'int32'; pipeline: string[] }[];
  pipeline: string[];
}

export const OUTPUT_KINDS = ['classes', 'binary', 'multilabel', 'values'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

/** What a prediction must do to raw input before the model sees it. */
export interface Preprocessing {
  /** Input columns by name, in the model's order (a CSV's header is matched against them). */
  columns?: string[];
  /** A string column's categories: the value at index i becomes i. */
  categories?: Record<string, string[]>;
  /** Per-feature statistics of `normalize`: x → (x − mean) / std. */
  normalize?: { mean: number[]; std: number[] };
  /** `tokenize`'s words: words[i] has id i + 2 (0 pads, 1 is any other word). */
  tokenizer?: { words: string[]; length: number };
}

export interface ModelSignature {
  version: 1;
  /** dims: as written, batch first (`batch`, `4`); shape: one sample's sizes. */
  input: InputSignature;
  /** A model of several inputs: each one by name with its data's sources and transforms, in the model's order (`input` is the first). */
  inputs?: (InputSignature & { name: string; pipeline: string[] })[];
  output: OutputSignature;
  /** A model of several outputs: each one by name with its loss, in the model's order (`output` is the first). */
  outputs?: (OutputSignature & { name: string; loss: string })[];
  /** The loss; absent for a model of several outputs trained with a loss per output. */
  loss?: string;
  /** A model of several outputs trained with loss weights: each output's weight in the total (1 where absent). */
  lossWeights?: Record<string, number>;
  /** The data's sources and transforms, outermost first. */
  pipeline: string[];
  preprocessing: Preprocessing;
}

/** What one input takes: dims as written, batch first (`batch`, `4`); shape: one sample's sizes. */
export interface InputSignature { dims: string[]; shape: number[]; dtype: 'float32' | 'int32' }

/** What one output gives: dims as written, batch first; classes, yes/no, labels or values. */
export interface OutputSignature { dims: string[]; kind: OutputKind; units: number; classNames?: string[] }

const CLASS_LOSSES = ['categorical_crossentropy', 'sparse_categorical_crossentropy'];

function outputKind(loss: string | undefined, units: number, activation?: string): OutputKind {
  if (loss ? CLASS_LOSSES.includes(loss) : activation === 'softmax' && units > 1) return 'classes';
  if (loss ? loss === 'binary_crossentropy' : activation === 'sigmoid') return units === 1 ? 'binary' : 'multilabel';
  return 'values';
}

/** The names of a classifier's classes: the data's, when it kept them and they fit, else 0, 1, .... */
function classNamesFor(kind: OutputKind, units: number, names: unknown): string[] | undefined {
  if (kind === 'values') return undefined;
  const count = kind === 'binary' ? 2 : units;
  if (Array.isArray(names) && names.length === count && names.every((n) => typeof n === 'string')) return names;
  return Array.from({ length: count }, (_, i) => String(i));
}

/** Known preprocessing fields of a dataset's info, where its data functions kept them. */
function preprocessingOf(info: Record<string, unknown>): Preprocessing {
  const p: Preprocessing = {};
  for (const key of ['columns', 'categories', 'normalize', 'tokenizer'] as const) {
    if (info[key] !== undefined && !problemIn({ [key]: info[key] })) Object.assign(p, { [key]: info[key] });
  }
  return p;
}

const sampleShape = (m: tf.LayersModel) => m.inputs[0]!.shape.slice(1).map((d) => d ?? -1);
const units = (m: tf.LayersModel, i = 0) => m.outputs[i]!.shape[m.outputs[i]!.shape.length - 1] ?? 1;

/** The signature train saves: the checker's part, the built model's sizes, and what the
 *  data kept (`classNames` on the data or in its info; preprocessing fields in its info). */
export function signatureOf(model: tf.LayersModel, s: StaticSignature | undefined, loss: string | Readonly<Record<string, string>>, data: { info: object; classNames?: unknown }, lossWeights?: Readonly<Record<string, number>>): ModelSignature {
  const info = data.info as Record<string, unknown>;
  const shape = sampleShape(model);
  const lossOf = (name: string) => (typeof loss === 'string' ? loss : loss[name] ?? '');
  // A Sequential names its outputs once compiled: by index, so a fresh one has a signature too.
  const outputs = model.outputs.map((_, i): OutputSignature & { name: string; loss: string } => {
    const name = model.outputNames[i] ?? String(i);
    const kind = outputKind(lossOf(name), units(model, i));
    // The data's class names are those of a model of one output.
    const classNames = classNamesFor(kind, units(model, i), model.outputs.length === 1 ? data.classNames ?? info['classNames'] : undefined);
    const dims = (model.outputs.length === 1 ? s?.output : s?.outputs?.find((o) => o.name === name)?.dims) ?? ['batch', String(units(model, i))];
    return { name, dims, kind, units: units(model, i), ...(classNames ? { classNames } : {}), loss: lossOf(name) };
  });
  const { name: _name, loss: _loss, ...output } = outputs[0]!;
  const inputs = model.inputs.length > 1 ? model.inputs.map((t, i) => {
    const given = s?.inputs?.find((g) => g.name === model.inputNames[i]), sizes = t.shape.slice(1).map((d) => d ?? -1);
    return { name: model.inputNames[i] ?? String(i), dims: given?.dims ?? ['batch', ...sizes.map(String)], shape: sizes, dtype: given?.dtype ?? (t.dtype === 'int32' ? 'int32' as const : 'float32' as const), pipeline: given?.pipeline ?? [] };
  }) : undefined;
  return {
    version: 1,
    input: { dims: s?.input ?? ['batch', ...shape.map(String)], shape, dtype: s?.dtype ?? (model.inputs[0]!.dtype === 'int32' ? 'int32' : 'float32') },
    ...(inputs ? { inputs } : {}),
    output, ...(outputs.length > 1 ? { outputs } : {}),
    ...(typeof loss === 'string' ? { loss } : {}), ...(lossWeights ? { lossWeights: { ...lossWeights } } : {}), pipeline: s?.pipeline ?? [], preprocessing: preprocessingOf(info),
  };
}

/** A signature for a checkpoint saved without one: from the model, its output's activation
 *  standing for the loss; a char_sequences vocabulary names the classes. */
function signatureFromModel(model: tf.LayersModel, state: Record<string, unknown>): ModelSignature {
  const last = model.layers[model.layers.length - 1]!.getConfig() as { activation?: unknown };
  const kind = outputKind(undefined, units(model), typeof last.activation === 'string' ? last.activation : undefined);
  const classNames = classNamesFor(kind, units(model), state['vocab']);
  const shape = sampleShape(model);
  return {
    version: 1, input: { dims: ['batch', ...shape.map(String)], shape, dtype: model.inputs[0]!.dtype === 'int32' ? 'int32' : 'float32' },
    output: { dims: ['batch', String(units(model))], kind, units: units(model), ...(classNames ? { classNames } : {}) },
    pipeline: [], preprocessing: {},
  };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const numbers = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
/** Sample sizes: positive, or -1 for a dim the model leaves open. */
const sizes = (v: unknown) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && ((x as number) > 0 || x === -1));

/** What is wrong with a preprocessing object, if anything. */
function problemIn(p: Record<string, unknown>): string | undefined {
  if (p['columns'] !== undefined && !strings(p['columns'])) return 'preprocessing.columns is not a list of names';
  if (p['categories'] !== undefined && !(isObj(p['categories']) && Object.values(p['categories']).every(strings))) return 'preprocessing.categories is not a map of name lists';
  const n = p['normalize'];
  if (n !== undefined && !(isObj(n) && numbers(n['mean']) && numbers(n['std']) && (n['mean'] as number[]).length === (n['std'] as number[]).length)) return 'preprocessing.normalize needs mean and std lists of one length';
  const t = p['tokenizer'];
  if (t !== undefined && !(isObj(t) && strings(t['words']) && Number.isInteger(t['length']))) return 'preprocessing.tokenizer needs words and a length';
  return undefined;
}

/** What is wrong with a saved signature, if anything. */
function problemInSignature(v: unknown): string | undefined {
  if (!isObj(v)) return 'it is not an object';
  if (v['version'] !== 1) return `version ${JSON.stringify(v['version'])} is not 1`;
  const i = v['input'], o = v['output'], p = v['preprocessing'];
  if (!isObj(i) || !strings(i['dims']) || !sizes(i['shape']) || (i['dtype'] !== 'float32' && i['dtype'] !== 'int32')) return 'input needs dims, shape and dtype';
  if (!isObj(o) || !strings(o['dims']) || !OUTPUT_KINDS.includes(o['kind'] as OutputKind) || !Number.isInteger(o['units'])) return 'output needs dims, kind and units';
  if (o['classNames'] !== undefined && !strings(o['classNames'])) return 'output.classNames is not a list of names';
  const lw = v['lossWeights'];
  if (lw !== undefined && !(isObj(lw) && Object.values(lw).every((x) => typeof x === 'number' && x > 0))) return 'lossWeights is not a map of positive numbers';
  const is = v['inputs'];
  if (is !== undefined && !(Array.isArray(is) && is.every((e) => isObj(e) && typeof e['name'] === 'string' && strings(e['dims']) && sizes(e['shape']) && (e['dtype'] === 'float32' || e['dtype'] === 'int32') && strings(e['pipeline'])))) return 'inputs needs a name, dims, shape, dtype and pipeline for each';
  const os = v['outputs'];
  if (os !== undefined && !(Array.isArray(os) && os.every((e) => isObj(e) && typeof e['name'] === 'string' && typeof e['loss'] === 'string' && strings(e['dims']) && OUTPUT_KINDS.includes(e['kind'] as OutputKind) && Number.isInteger(e['units'])))) return 'outputs needs a name, loss, dims, kind and units for each';
  if (!strings(v['pipeline'])) return 'pipeline is not a list of names';
  if (!isObj(p)) return 'preprocessing is not an object';
  return problemIn(p);
}

export interface TrainedModel { model: tf.LayersModel; signature: ModelSignature; dir: string }

/** The folder a user names for a trained model: its own, or the one of a model.json. */
function modelFolder(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw fault('file', `${path} does not exist: train the model first, or name the output folder of a train task (it holds model.json)`);
  if (st.isFile()) {
    if (basename(path) !== MODEL_JSON) throw fault('file', `${path} is not a saved model; name the output folder of a train task (it holds model.json)`);
    return dirname(path);
  }
  if (!existsSync(join(path, MODEL_JSON))) throw fault('checkpoint', `${path} holds no trained model (no ${MODEL_JSON}); name the output folder of a train task`);
  return path;
}

/** A trained model and its signature from a train task's output folder: the best epoch's
 *  weights where train kept them (best/, restore_best), else the last saved. */
export async function loadTrainedModel(path: string, how: { severalInputs?: boolean; severalOutputs?: boolean } = {}): Promise<TrainedModel> {
  const dir = modelFolder(path);
  const main = await loadCheckpoint(dir);
  if (!main) throw fault('checkpoint', `${dir} holds no trained model (no ${MODEL_JSON})`);
  let model = main.model;
  const best = main.state['bestWeights'];
  if (typeof best === 'string' && bestNames(dir) === best) {
    const b = await loadCheckpoint(join(dir, BEST));
    if (b) {
      model.dispose();
      model = b.model;
    }
  }
  if ((model.inputs.length !== 1 && !how.severalInputs) || (model.outputs.length !== 1 && !how.severalOutputs)) throw fault('checkpoint', `the model in ${dir} has ${model.inputs.length} input${model.inputs.length === 1 ? '' : 's'} and ${model.outputs.length} output${model.outputs.length === 1 ? '' : 's'}; ${how.severalOutputs ? 'prediction takes a model of one input (a model of several inputs is evaluated by an evaluate task in its .nn file)' : 'this takes a model of one input and one output'}`);
  const saved = main.state['signature'];
  if (saved === undefined) return { model, signature: signatureFromModel(model, main.state), dir };
  const problem = problemInSignature(saved);
  if (problem) throw fault('checkpoint', `${join(dir, MODEL_JSON)}: the saved signature is malformed (${problem}); train the model again to rewrite it`);
  const signature = saved as ModelSignature; // problemInSignature checked its fields
  const shape = sampleShape(model);
  if (shape.join() !== signature.input.shape.join()) throw fault('checkpoint', `${join(dir, MODEL_JSON)}: the saved signature takes [${signature.input.shape.join(', ')}] but the model takes [${shape.join(', ')}]; the file was edited`);
  return { model, signature, dir };
}

/** The weights file best/model.json names, if it is readable. */
function bestNames(dir: string): string | undefined {
  try {
    const json = JSON.parse(readFileSync(join(dir, BEST, MODEL_JSON), 'utf8')) as { weightsManifest?: { paths?: unknown[] }[] };
    const p = json.weightsManifest?.[0]?.paths?.[0];
    return typeof p === 'string' ? p : undefined;
  } catch {
    return undefined;
  }
}

/** Why samples of `shape` do not fit the signature's input, or undefined when they do. */
export function misfit(sig: ModelSignature, shape: readonly number[]): string | undefined {
  const want = sig.input.shape;
  if (want.length === shape.length && want.every((d, i) => d < 0 || d === shape[i])) return undefined;
  return `the model takes samples of [${want.join(', ')}] (${sig.input.dims.join(', ')}), found [${shape.join(', ')}]`;
}
