// The `train` task as both back ends call it: `nnc run` with values decoded from the checked
// IR, the program `nnc compile` emits with the same values as literals. Seeding, the output
// folder and the data checks live here so the two cannot drift apart.
import type * as tf from '@tensorflow/tfjs';
import { classIds, type RuntimeData } from '../data/column.js';
import type { Session } from '../session.js';
import { taskSetup } from './setup.js';
import { train, type TrainData, type TrainResult } from './train.js';
import { makeOptimizer, type LossName, type OptimizerSpec } from './vocab.js';
import { fault } from '../errors.js';
import { signatureOf, type StaticSignature } from '../io/signature.js';

/** The fields of a train block, every default filled in. */
export interface TrainFields {
  loss: LossName;
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

export function trainingData(d: RuntimeData, what: string, loss?: LossName): TrainData {
  if (d.kind !== 'dataset' || !d.y) throw fault('data', `${what} needs examples with targets`);
  // The checker lets sparse categorical cross-entropy take one-hot labels (compiler/check/labels.ts).
  const y = loss === 'sparse_categorical_crossentropy' && d.y.sampleShape.length === 1 && d.y.sampleShape[0]! > 1 ? classIds(d.y) : d.y;
  return { x: d.x, y, info: d.info };
}

/** Data whose samples do not fit the model's input are refused before any training. */
function refuseMisfit(name: string, model: tf.LayersModel, data: TrainData) {
  const want = model.inputs[0]!.shape.slice(1);
  const have = data.x.sampleShape;
  if (want.length !== have.length || want.some((d, i) => d !== null && d !== have[i])) {
    throw fault('data', `the data's samples are [${have.join(', ')}] but ${name} takes [${want.map((d) => d ?? '?').join(', ')}]`);
  }
}

export async function runTrainTask(t: TrainTask, s: Session): Promise<TrainResult> {
  const data = trainingData(t.data, `train ${t.name}`, t.fields.loss);
  const validationData = t.validationData ? trainingData(t.validationData, 'validation_data', t.fields.loss) : undefined;
  const f = t.fields;
  const { outDir, seed } = taskSetup(s, t.baseDir, f.save, f.seed);
  const dims = Object.entries(t.dims ?? {}).map(([k, v]) => `${k} = ${v}`);
  s.reporter.line(`train ${t.name}: ${data.x.n} samples of [${data.x.sampleShape.join(', ')}]${dims.length ? ` (${dims.join(', ')})` : ''}, seed ${seed}, saving to ${outDir}`);
  // Saved with every checkpoint: the model's signature (once built) and a text vocabulary.
  const extraState: Record<string, unknown> = data.info.vocab ? { vocab: data.info.vocab } : {};
  const build = () => {
    const model = t.build(data);
    refuseMisfit(t.name, model, data);
    extraState['signature'] = signatureOf(model, f.signature, f.loss, { info: data.info, classNames: (t.data as { classNames?: unknown }).classNames });
    return model;
  };
  return train({
    name: t.name, build, data, validationData,
    validationSplit: f.validationSplit, loss: f.loss, optimizer: () => makeOptimizer(f.optimizer),
    metrics: f.metrics, epochs: f.epochs, batchSize: f.batchSize, shuffle: f.shuffle, restoreBest: f.restoreBest,
    earlyStopping: f.earlyStopping, seed, outDir, resume: s.flags.resume, reporter: s.reporter, interrupt: s.interrupt,
    extraState,
  });
}
