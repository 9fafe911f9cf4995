// The `train` task as both back ends call it: `nnc run` with values decoded from the checked
// IR, the program `nnc compile` emits with the same values as literals. Seeding, the output
// folder and the data checks live here so the two cannot drift apart.
import type * as tf from '@tensorflow/tfjs';
import { classIds, DenseColumn, NamedColumns, type Column, type RuntimeData } from '../data/column.js';
import { StreamColumn, type RowCheck } from '../data/stream.js';
import type { Session } from '../session.js';
import { taskSetup } from './setup.js';
import { train, type TrainData, type TrainResult } from './train.js';
import { lossFor, makeOptimizer, type LossName, type Losses, type OptimizerSpec } from './vocab.js';
import { fault } from '../errors.js';
import { signatureOf, type StaticSignature } from '../io/signature.js';

/** The fields of a train block, every default filled in. */
export interface TrainFields {
  /** One loss, or one per output name for a model of several. */
  loss: Losses;
  /** A model of several outputs: weights of the outputs' losses in the total, by output name (1 where absent). */
  lossWeights?: Record<string, number>;
  optimizer: OptimizerSpec;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  metrics: string[];
  earlyStopping?: { patience: number; monitor: 'loss' | 'val_loss' };
  restoreBest: boolean;
  seed?: number;
  shuffle: boolean;
  /** Output folder, relative to the .nn file's folder. */
  save: string;
  /** What the checker knows of the model's input and output, saved for prediction. */
  signature?: StaticSignature;
}

export interface TrainTask {
  name: string;
  /** Folder of the .nn file. */
  baseDir: string;
  data: RuntimeData;
  validationData?: RuntimeData;
  fields: TrainFields;
  /** Builds the model once the data are known (named dims such as `vocab` come from them). */
  build: (data: TrainData) => tf.LayersModel;
  /** Named dims bound from the data, for the log line. */
  dims?: Record<string, number>;
}

export function trainingData(d: RuntimeData, what: string, loss?: Losses): TrainData {
  if (d.kind !== 'dataset' || !d.y) throw fault('data', `${what} needs examples with targets`);
  // The checker lets sparse categorical cross-entropy take one-hot labels (compiler/check/labels.ts).
  const target = (y: Column, l: LossName | undefined) => {
    const last = y.sampleShape[y.sampleShape.length - 1];
    return l === 'sparse_categorical_crossentropy' && last !== undefined && last > 1 ? classIds(y) : y;
  };
  const y = d.outputs
    ? new NamedColumns(d.outputs.parts.map((p) => ({ name: p.name, column: target(p.column, loss && lossFor(loss, p.name)) })))
    : target(d.y, typeof loss === 'string' ? loss : undefined);
  return { x: d.inputs ?? d.x, y, info: d.info };
}

/** Each target column with the index of its output in the model and its loss (one for a
 *  model of one output). */
function targetsOf(model: tf.LayersModel, data: TrainData, loss: Losses): { name: string; column: Column; index: number; loss: LossName | undefined }[] {
  if (!(data.y instanceof NamedColumns)) return [{ name: model.outputNames[0]!, column: data.y, index: 0, loss: typeof loss === 'string' ? loss : lossFor(loss, model.outputNames[0]!) }];
  return data.y.parts.map((p) => ({ name: p.name, column: p.column, index: model.outputNames.indexOf(p.name), loss: lossFor(loss, p.name) }));
}

/** Data whose samples do not fit the model's input are refused before any training. */
function refuseMisfit(name: string, model: tf.LayersModel, data: TrainData) {
  const inputs = data.x instanceof NamedColumns ? data.x.parts : [{ name: '', column: data.x }];
  for (const { name: input, column } of inputs) {
    const at = input ? model.inputNames.indexOf(input) : 0;
    if (at < 0) throw fault('data', `the data give an input '${input}' but ${name}'s inputs are ${model.inputNames.join(', ')}`);
    const want = model.inputs[at]!.shape.slice(1);
    const have = column.sampleShape;
    if (want.length !== have.length || want.some((d, i) => d !== null && d !== have[i])) {
      throw fault('data', `the data's ${input ? `'${input}' ` : ''}samples are [${have.join(', ')}] but ${name} takes [${want.map((d) => d ?? '?').join(', ')}]`);
    }
  }
  if (data.y instanceof NamedColumns) {
    const names = data.y.parts.map((p) => p.name);
    if (names.length !== model.outputNames.length || names.some((n) => !model.outputNames.includes(n))) throw fault('data', `the data give the targets ${names.join(', ')} but ${name}'s outputs are ${model.outputNames.join(', ')}`);
  } else if (model.outputs.length !== 1) throw fault('data', `${name} has ${model.outputs.length} outputs (${model.outputNames.join(', ')}); give the targets by name, examples(x, y: {${model.outputNames.join(': ..., ')}: ...})`);
}

/** One input's sample shape, or each named input's: "[3]" or "main [3], extra [1]". */
export const describeSamples = (x: TrainData['x']): string => (x instanceof NamedColumns
  ? x.parts.map((i) => `${i.name} [${i.column.sampleShape.join(', ')}]`).join(', ')
  : `[${x.sampleShape.join(', ')}]`);

/** Class ids past the model's softmax units (when the checker could not count the classes)
 *  would train on garbage: refused, naming the sample. In-memory ids are checked here, streamed
 *  ones as each row is read (the returned check). */
function classIdGuard(name: string, model: tf.LayersModel, data: TrainData, loss: Losses): RowCheck | undefined {
  let streamed: RowCheck | undefined;
  const several = model.outputs.length > 1;
  for (const t of targetsOf(model, data, loss)) {
    const y = t.column;
    // One id per sample [1], or one per step [time, 1].
    if (t.loss !== 'sparse_categorical_crossentropy' || y.sampleShape[y.sampleShape.length - 1] !== 1) continue;
    const shape = model.outputs[t.index]!.shape;
    const units = shape[shape.length - 1];
    if (typeof units !== 'number') continue;
    const owner = several ? `the output '${t.name}' of ${name}` : name;
    const bad = (v: number) => !(v >= 0 && v < units && Number.isInteger(v));
    const refuse = (v: number, where: string) => fault('data', v >= units
      ? `${where}: class id ${v} is past ${several ? `${name}'s output '${t.name}' and its` : `${name}'s`} ${units} output units (ids 0..${units - 1}); give ${several ? 'it' : 'the model'} ${v + 1} or more units, or fix the label`
      : `${where}: the label ${v} is not a class id 0..${units - 1} (${owner} has ${units} output units)`);
    if (y instanceof StreamColumn) streamed = (row, where) => { for (const v of row) if (bad(v)) throw refuse(v, where); };
    if (y instanceof DenseColumn) {
      for (let i = 0; i < y.n; i++) {
        for (const v of y.row(i)) if (bad(v)) throw refuse(v, `${data.info.where?.(i) ?? `sample ${i} (0-based) of the data`}${several ? ` (y.${t.name})` : ''}`);
      }
    }
  }
  return streamed;
}

export async function runTrainTask(t: TrainTask, s: Session): Promise<TrainResult> {
  const data = trainingData(t.data, `train ${t.name}`, t.fields.loss);
  const validationData = t.validationData ? trainingData(t.validationData, 'validation_data', t.fields.loss) : undefined;
  const f = t.fields;
  const { outDir, seed } = taskSetup(s, t.baseDir, f.save, f.seed);
  const dims = Object.entries(t.dims ?? {}).map(([k, v]) => `${k} = ${v}`);
  s.reporter.line(`train ${t.name}: ${data.x.n} samples of ${describeSamples(data.x)}${dims.length ? ` (${dims.join(', ')})` : ''}, seed ${seed}, saving to ${outDir}`);
  // Saved with every checkpoint: the model's signature (once built) and a text vocabulary.
  const extraState: Record<string, unknown> = data.info.vocab ? { vocab: data.info.vocab } : {};
  let checkRow: RowCheck | undefined;
  const build = () => {
    const model = t.build(data);
    refuseMisfit(t.name, model, data);
    checkRow = classIdGuard(t.name, model, data, f.loss);
    if (validationData) classIdGuard(t.name, model, validationData, f.loss);
    extraState['signature'] = signatureOf(model, f.signature, f.loss, { info: data.info, classNames: (t.data as { classNames?: unknown }).classNames }, f.lossWeights);
    return model;
  };
  return train({
    name: t.name, build, data, validationData,
    validationSplit: f.validationSplit, loss: f.loss, ...(f.lossWeights ? { lossWeights: f.lossWeights } : {}), optimizer: () => makeOptimizer(f.optimizer),
    metrics: f.metrics, epochs: f.epochs, batchSize: f.batchSize, shuffle: f.shuffle, restoreBest: f.restoreBest,
    earlyStopping: f.earlyStopping, seed, outDir, resume: s.flags.resume, reporter: s.reporter, interrupt: s.interrupt,
    extraState, checkRow: (y, where) => checkRow?.(y, where),
  });
}
