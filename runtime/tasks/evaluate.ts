// The `evaluate` task: a trained model's loss and metrics on labelled data, as Keras'
// model.evaluate reports them. The model and its signature come from a checkpoint; data
// whose samples do not fit it are refused before any work.
import { InputColumns, type RuntimeData } from '../data/column.js';
import { loadTrainedModel, misfit } from '../io/signature.js';
import { fmt } from '../progress.js';
import type { Session } from '../session.js';
import type { TaskOutcome } from './outcome.js';
import { checkpointFolder } from './setup.js';
import { evaluate } from './train.js';
import { trainingData } from './train-task.js';
import { TFJS_LOSSES, TFJS_METRICS, type LossName } from './vocab.js';
import { fault } from '../errors.js';

export interface EvaluateFields {
  /** Folder of the trained model, relative to the .nn file's folder. */
  checkpoint: string;
  /** The loss to report; null: the one the model was trained with. */
  loss: LossName | null;
  metrics: string[];
  batchSize: number;
}

export interface EvaluateTask { name: string; baseDir: string; data: RuntimeData; fields: EvaluateFields }

export interface EvaluateResult extends TaskOutcome { figures: Record<string, number> }

const isLoss = (l: unknown): l is LossName => typeof l === 'string' && l in TFJS_LOSSES;

export async function runEvaluateTask(t: EvaluateTask, s: Session): Promise<EvaluateResult> {
  const f = t.fields;
  const dir = checkpointFolder(s, t.baseDir, f.checkpoint);
  const { model, signature } = await loadTrainedModel(dir, { severalInputs: true });
  const loss = f.loss ?? signature.loss;
  if (!isLoss(loss)) throw fault('checkpoint', `${dir} does not say which loss ${t.name} was trained with; give evaluate a loss`);
  const data = trainingData(t.data, `evaluate ${t.name}`, loss);
  if (data.x instanceof InputColumns) {
    // Several inputs: each by name against the model's input of that name, fed in the model's order.
    data.x = data.x.ordered(model.inputNames);
    const names = data.x.inputs.map((i) => i.name);
    if (names.join() !== model.inputNames.join()) throw fault('data', `evaluate ${t.name}: the data give the inputs ${names.join(', ')} but the model in ${dir} takes ${model.inputNames.join(', ')}`);
    data.x.inputs.forEach((input, k) => {
      const want = model.inputs[k]!.shape.slice(1), have = input.column.sampleShape;
      if (want.length !== have.length || want.some((d, i) => d !== null && d !== have[i])) throw fault('data', `evaluate ${t.name}: the input '${input.name}' takes samples of [${want.map((d) => d ?? '?').join(', ')}], found [${have.join(', ')}]`);
    });
  } else {
    if (model.inputs.length !== 1) throw fault('data', `evaluate ${t.name}: the model in ${dir} takes ${model.inputs.length} inputs (${model.inputNames.join(', ')}); give them by name, examples(x: {${model.inputNames.join(': ..., ')}: ...}, y: ...)`);
    const wrong = misfit(signature, data.x.sampleShape);
    if (wrong) throw fault('data', `evaluate ${t.name}: ${wrong}`);
  }
  model.compile({ optimizer: 'sgd', loss: TFJS_LOSSES[loss], metrics: f.metrics.map((m) => TFJS_METRICS[m]!) });
  const values = await evaluate(model, data, f.batchSize);
  const figures = Object.fromEntries(['loss', ...f.metrics].map((n, i) => [n, values[i]!]));
  model.dispose();
  return { status: 'done', message: `evaluate ${t.name} on ${data.x.n} samples (${dir}): ${fmt(figures)}`, figures };
}
