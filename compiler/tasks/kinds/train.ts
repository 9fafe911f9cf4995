// `train M on D`: fits a model to data with a loss and an optimizer (runtime/tasks/train-task.ts).
// The subject model against the data and the loss is checked for every kind with a subject
// (compiler/check/tasks.ts), so train has no rules of its own.
import { defineTaskKind } from '../kind.js';
import type { TaskIR } from '../../ir.js';
import { enumOrMapField, field, num, numField, oneOf, optimizerSpec, saveField, seedField } from '../lower.js';
import { staticSignature } from '../signature.js';
import { LOSS_TYPE, LOSSES, METRICS, optimizerParam } from '../vocab.js';
import { saveSpec } from '../paths.js';

const MONITORS = ['val_loss', 'loss'] as const;

/** `loss_weights`, where given, as numbers by output name. */
const lossWeights = (task: TaskIR) => {
  const m = field(task, 'loss_weights', 'map');
  return m ? { lossWeights: Object.fromEntries([...m.entries].map(([k, v]) => [k, num(v, `loss_weights.${k}`)])) } : {};
};

export const train = defineTaskKind({
  kind: 'train', module: 'core', subjectIsModel: true, needsData: true,
  doc: 'Fits a model to data with a loss and an optimizer; writes checkpoints, metrics and a loss curve.',
  fields: [
    { name: 'loss', type: LOSS_TYPE, doc: 'Loss to minimise; for a model of several outputs one for all, or one per output name (`loss: {price: mse, kind: categorical_crossentropy}`), summed.' },
    { name: 'loss_weights', type: { kind: 'dict', of: { kind: 'float', min: 0, minExclusive: true }, keys: 'output names' }, doc: 'A model of several outputs: the weight of each output\'s loss in the total, by output name (1 where not named), as Keras\'s `loss_weights`; each output\'s own loss is reported unweighted.', default: { kind: 'null' } },
    optimizerParam('optimizer', 'adam(lr: ...), rmsprop(...) or sgd(...).', 'adam'),
    { name: 'epochs', type: { kind: 'int', min: 1 }, doc: 'Passes over the training data.', default: { kind: 'int', value: 10 } },
    { name: 'batch_size', type: { kind: 'int', min: 1 }, doc: 'Samples per gradient step.', default: { kind: 'int', value: 32 } },
    { name: 'validation_split', type: { kind: 'float', min: 0, max: 1, maxExclusive: true }, doc: 'Fraction of the data (the last part) held out for validation.', default: { kind: 'float', value: 0 } },
    { name: 'validation_data', type: { kind: 'data' }, doc: 'Separate validation data, instead of validation_split.', default: { kind: 'null' } },
    { name: 'metrics', type: { kind: 'list', of: { kind: 'enum', values: METRICS } }, doc: 'Metrics reported each epoch.', default: { kind: 'list', items: [] } },
    {
      name: 'early_stopping', doc: 'Stop when the monitored loss has not improved for `patience` epochs.', default: { kind: 'null' },
      type: { kind: 'map', fields: [
        { name: 'patience', type: { kind: 'int', min: 1 }, doc: 'Epochs without improvement.', default: { kind: 'int', value: 3 } },
        { name: 'monitor', type: { kind: 'enum', values: MONITORS }, doc: 'What to watch.', default: { kind: 'enum', name: 'val_loss' } },
      ] },
    },
    { name: 'restore_best', type: { kind: 'bool' }, doc: 'End with the weights of the epoch with the lowest monitored loss (val_loss when there is validation data), as Keras\' ModelCheckpoint(save_best_only) recipe does; they are also saved in `best/` of the output folder.', default: { kind: 'bool', value: true } },
    { name: 'seed', type: { kind: 'int', min: 0 }, doc: 'Random seed for weights, shuffling and dropout.', default: { kind: 'null' } },
    { name: 'shuffle', type: { kind: 'bool' }, doc: 'Shuffle the training samples each epoch.', default: { kind: 'bool', value: true } },
    saveSpec('Output folder for checkpoints, metrics and plots.'),
  ],
  lower: (task) => {
    const es = field(task, 'early_stopping', 'map');
    return {
      loss: enumOrMapField(task, 'loss', LOSSES),
      ...lossWeights(task),
      optimizer: optimizerSpec(task, 'optimizer'),
      epochs: numField(task, 'epochs'),
      batchSize: numField(task, 'batch_size'),
      validationSplit: numField(task, 'validation_split'),
      metrics: (field(task, 'metrics', 'list')?.items ?? []).map((m) => (m.kind === 'enum' ? m.name : '')),
      earlyStopping: es ? { patience: num(es.entries.get('patience'), 'early_stopping.patience'), monitor: oneOf(es.entries.get('monitor'), 'early_stopping.monitor', MONITORS) } : undefined,
      restoreBest: field(task, 'restore_best', 'bool')?.value ?? true,
      seed: seedField(task),
      shuffle: field(task, 'shuffle', 'bool')?.value ?? true,
      save: saveField(task, task.model!.name),
      signature: staticSignature(task),
    };
  },
  runtime: { module: 'train-task', procedure: 'runTrainTask' },
  inputs: { validationData: { kind: 'data', field: 'validation_data', optional: true }, build: { kind: 'subject' } },
});

