// `predict M on D { save: "preds.csv" }`: a trained model's predictions for every sample of
// D, written as a CSV (runtime/tasks/predict.ts): class names and probabilities for a
// classifier, the values for a regression. D needs only inputs (x, or an array of samples),
// checked against M's input; the weights come from a checkpoint like evaluate's.
import { defineTaskKind } from '../kind.js';
import { defaultCheckpoint } from '../fit.js';
import { field, numField } from '../lower.js';
import { TRAINED_CHECKPOINT_DOC, modelFolderSpec, saveSpec } from '../paths.js';

export const predict = defineTaskKind({
  kind: 'predict', module: 'core', subjectIsModel: true, subjectData: 'inputs', needsData: true,
  doc: 'Writes a trained model\'s predictions for every sample of the data as a CSV, one row per sample: the predicted class and each class\'s probability (named by the training data\'s class names), or the predicted values. The weights come from `checkpoint`.',
  fields: [
    modelFolderSpec('checkpoint', TRAINED_CHECKPOINT_DOC),
    saveSpec('The CSV file to write, relative to the .nn file (with --out, its name in that folder). Default: out/MODEL-predictions.csv.'),
    { name: 'batch_size', type: { kind: 'int', min: 1 }, doc: 'Samples per forward pass.', default: { kind: 'int', value: 256 } },
  ],
  fit: (c) => {
    defaultCheckpoint(c);
    return true;
  },
  lower: (task) => ({
    checkpoint: field(task, 'checkpoint', 'string')!.value, // filled by fit when not given
    save: field(task, 'save', 'string')?.value ?? `out/${task.name.toLowerCase()}-predictions.csv`,
    batchSize: numField(task, 'batch_size'),
  }),
  runtime: { module: 'predict', procedure: 'runPredictTask' },
  inputs: {},
});
