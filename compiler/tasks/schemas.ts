// Task kinds, their field schemas, and the optimizer/loss/metric vocabularies.
import type { ParamSpec } from '../values.js';

export const LOSSES = ['mse', 'mae', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'huber'] as const;
export const METRICS = ['mae', 'mse', 'accuracy'] as const;

const f = (name: string, lr: number, extra: ParamSpec[] = []) => ({
  name,
  params: [{ name: 'lr', type: { kind: 'float', min: 0, minExclusive: true }, doc: 'Learning rate.', default: { kind: 'float', value: lr }, positional: true } as ParamSpec, ...extra],
});
const fl = (name: string, doc: string, def: number): ParamSpec => ({ name, type: { kind: 'float', min: 0 }, doc, default: { kind: 'float', value: def } });

export interface CallableDef { name: string; params: readonly ParamSpec[] }

export const OPTIMIZERS: ReadonlyMap<string, CallableDef> = new Map([
  f('adam', 0.001, [fl('beta1', 'Decay of the first moment.', 0.9), fl('beta2', 'Decay of the second moment.', 0.999), fl('epsilon', 'Numerical stabiliser.', 1e-7)]),
  f('rmsprop', 0.001, [fl('rho', 'Decay of the squared-gradient average.', 0.9), fl('momentum', 'Momentum.', 0), fl('epsilon', 'Numerical stabiliser.', 1e-7)]),
  f('sgd', 0.01, [fl('momentum', 'Momentum (0 for plain SGD).', 0)]),
].map((o) => [o.name, o]));

export interface TaskSchema {
  kind: string;
  module: 'core' | string;
  doc: string;
  /** Whether the subject names a model to act on (train) or only the task. */
  subjectIsModel: boolean;
  needsData: boolean;
  fields: readonly ParamSpec[];
}

export const TASKS: ReadonlyMap<string, TaskSchema> = new Map([
  {
    kind: 'train', module: 'core', subjectIsModel: true, needsData: true,
    doc: 'Fits a model to data with a loss and an optimizer; writes checkpoints, metrics and a loss curve.',
    fields: [
      { name: 'loss', type: { kind: 'enum', values: LOSSES }, doc: 'Loss to minimise.' },
      { name: 'optimizer', type: { kind: 'call', table: 'optimizer' }, doc: 'adam(lr: ...), rmsprop(...) or sgd(...).', default: { kind: 'call', table: 'optimizer', name: 'adam', args: new Map() } },
      { name: 'epochs', type: { kind: 'int', min: 1 }, doc: 'Passes over the training data.', default: { kind: 'int', value: 10 } },
      { name: 'batch_size', type: { kind: 'int', min: 1 }, doc: 'Samples per gradient step.', default: { kind: 'int', value: 32 } },
      { name: 'validation_split', type: { kind: 'float', min: 0, max: 1, maxExclusive: true }, doc: 'Fraction of the data (the last part) held out for validation.', default: { kind: 'float', value: 0 } },
      { name: 'validation_data', type: { kind: 'data' }, doc: 'Separate validation data, instead of validation_split.', default: { kind: 'null' } },
      { name: 'metrics', type: { kind: 'list', of: { kind: 'enum', values: METRICS } }, doc: 'Metrics reported each epoch.', default: { kind: 'list', items: [] } },
      {
        name: 'early_stopping', doc: 'Stop when the monitored loss has not improved for `patience` epochs.', default: { kind: 'null' },
        type: { kind: 'map', fields: [
          { name: 'patience', type: { kind: 'int', min: 1 }, doc: 'Epochs without improvement.', default: { kind: 'int', value: 3 } },
          { name: 'monitor', type: { kind: 'enum', values: ['val_loss', 'loss'] }, doc: 'What to watch.', default: { kind: 'enum', name: 'val_loss' } },
        ] },
      },
      { name: 'restore_best', type: { kind: 'bool' }, doc: 'End with the weights of the epoch with the lowest monitored loss (val_loss when there is validation data), as Keras\' ModelCheckpoint(save_best_only) recipe does; they are also saved in `best/` of the output folder.', default: { kind: 'bool', value: true } },
      { name: 'seed', type: { kind: 'int', min: 0 }, doc: 'Random seed for weights, shuffling and dropout.', default: { kind: 'null' } },
      { name: 'shuffle', type: { kind: 'bool' }, doc: 'Shuffle the training samples each epoch.', default: { kind: 'bool', value: true } },
      { name: 'save', type: { kind: 'string' }, doc: 'Output folder for checkpoints, metrics and plots.', default: { kind: 'null' } },
    ],
  },
].map((t) => [t.kind, t as TaskSchema]));
