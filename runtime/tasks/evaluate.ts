// The `evaluate` task: a trained model's loss and metrics on labelled data, as Keras'
// model.evaluate reports them. The model and its signature come from a checkpoint; data
// whose samples do not fit it are refused before any work.
import { NamedColumns, type RuntimeData } from '../data/column.js';
import { loadTrainedModel, misfit, type ModelSignature } from '../io/signature.js';
import { fmt } from '../progress.js';
import type { Session } from '../session.js';
import type { TaskOutcome } from './outcome.js';
import { checkpointFolder } from './setup.js';
import { evaluate } from './train.js';
import { compileFor } from './compile.js';
import { trainingData } from './train-task.js';
import { TFJS_LOSSES, type LossName, type Losses } from './vocab.js';
import { fault } from '../errors.js';

export interface EvaluateFields {
  /** Folder of the trained model, relative to the .nn file's folder. */
  checkpoint: string;
  /** The loss to report (one per output name for a model of several); null: the one the model was trained with. */
  loss: Losses | null;
  metrics: string[];
  batchSize: number;
}

export interface EvaluateTask { name: string; baseDir: string; data: RuntimeData; fields: EvaluateFields }

export interface EvaluateResult extends TaskOutcome { figures: Record<string, number> }

const isLoss = (l: unknown): l is LossName => typeof l === 'string' && l in TFJS_LOSSES;

/** The loss a model was trained with, from its signature: one, or one per output. */
function savedLoss(signature: ModelSignature): Losses | undefined {
  if (isLoss(signature.loss)) return signature.loss;
  const per = signature.outputs?.map((o) => [o.name, o.loss] as const);
  return per?.every(([, l]) => isLoss(l)) ? Object.fromEntries(per) as Record<string, LossName> : undefined;
}

export async function runEvaluateTask(t: EvaluateTask, s: Session): Promise<EvaluateResult> {
  const f = t.fields;
  const dir = checkpointFolder(s, t.baseDir, f.checkpoint);
  const { model, signature } = await loadTrainedModel(dir, { severalInputs: true, severalOutputs: true });
  const loss = f.loss ?? savedLoss(signature);
  if (!loss) throw fault('checkpoint', `${dir} does not say which loss ${t.name} was trained with; give evaluate a loss`);
  const data = trainingData(t.data, `evaluate ${t.name}`, loss);
  if (data.x instanceof NamedColumns) {
    // Several inputs: each by name against the model's input of that name, fed in the model's order.
    data.x = data.x.ordered(model.inputNames);
    const names = data.x.parts.map((i) => i.name);
    if (names.join() !== model.inputNames.join()) throw fault('data', `evaluate ${t.name}: the data give the inputs ${names.join(', ')} but the model in ${dir} takes ${model.inputNames.join(', ')}`);
    data.x.parts.forEach((input, k) => {
      const want = model.inputs[k]!.shape.slice(1), have = input.column.sampleShape;
      if (want.length !== have.length || want.some((d, i) => d !== null && d !== have[i])) throw fault('data', `evaluate ${t.name}: the input '${input.name}' takes samples of [${want.map((d) => d ?? '?').join(', ')}], found [${have.join(', ')}]`);
    });
  } else {
    if (model.inputs.length !== 1) throw fault('data', `evaluate ${t.name}: the model in ${dir} takes ${model.inputs.length} inputs (${model.inputNames.join(', ')}); give them by name, examples(x: {${model.inputNames.join(': ..., ')}: ...}, y: ...)`);
    const wrong = misfit(signature, data.x.sampleShape);
    if (wrong) throw fault('data', `evaluate ${t.name}: ${wrong}`);
  }
  if (data.y instanceof NamedColumns) {
    data.y = data.y.ordered(model.outputNames);
    const names = data.y.parts.map((p) => p.name);
    if (names.join() !== model.outputNames.join()) throw fault('data', `evaluate ${t.name}: the data give the targets ${names.join(', ')} but the model in ${dir} has the outputs ${model.outputNames.join(', ')}`);
  } else if (model.outputs.length !== 1) throw fault('data', `evaluate ${t.name}: the model in ${dir} has ${model.outputs.length} outputs (${model.outputNames.join(', ')}); give the targets by name, examples(x, y: {${model.outputNames.join(': ..., ')}: ...})`);
  // Weighted as trained (Keras's evaluate reports the compiled loss weights' total).
  const { names, unweighted } = compileFor(model, loss, f.metrics, 'sgd', signature.lossWeights);
  const values = unweighted(await evaluate(model, data, f.batchSize));
  const figures = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
  model.dispose();
  return { status: 'done', message: `evaluate ${t.name} on ${data.x.n} samples (${dir}): ${fmt(figures)}`, figures };
}
