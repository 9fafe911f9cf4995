// `evaluate M on D`: the loss and metrics of a trained model on labelled data, without
// training (runtime/tasks/evaluate.ts). The weights come from a checkpoint, by default the
// one this file's train task writes; the data are checked against M like train's.
import { defineTaskKind } from '../kind.js';
import { defaultCheckpoint, trainTaskOfSubject, type FitCtx } from '../fit.js';
import { enumOrMapField, field, numField } from '../lower.js';
import { LOSS_TYPE, LOSSES, METRICS } from '../vocab.js';
import { TRAINED_CHECKPOINT_DOC, modelFolderSpec } from '../paths.js';

export const evaluate = defineTaskKind({
  kind: 'evaluate', module: 'core', subjectIsModel: true, needsData: true,
  doc: 'Reports the loss and metrics of a trained model on labelled data (Keras\' model.evaluate). The weights come from `checkpoint`; nothing is trained or written.',
  fields: [
    modelFolderSpec('checkpoint', TRAINED_CHECKPOINT_DOC),
    { name: 'loss', type: LOSS_TYPE, doc: 'Loss to report (one per output name for a model of several). Default: the loss of this file\'s train task for the model, else the one the model was trained with.', default: { kind: 'null' } },
    { name: 'metrics', type: { kind: 'list', of: { kind: 'enum', values: METRICS } }, doc: 'Metrics to report. Default: those of this file\'s train task for the model.', default: { kind: 'null' } },
    { name: 'batch_size', type: { kind: 'int', min: 1 }, doc: 'Samples per forward pass.', default: { kind: 'int', value: 256 } },
  ],
  fit: fitFromTraining,
  lower: (task) => {
    return {
      checkpoint: field(task, 'checkpoint', 'string')!.value, // filled by fitFromTraining when not given
      loss: task.fields.get('loss')?.kind === 'null' ? null : enumOrMapField(task, 'loss', LOSSES),
      metrics: (field(task, 'metrics', 'list')?.items ?? []).map((m) => (m.kind === 'enum' ? m.name : '')),
      batchSize: numField(task, 'batch_size'),
    };
  },
  runtime: { module: 'evaluate', procedure: 'runEvaluateTask' },
  inputs: {},
});

/** The checkpoint, loss and metrics default to the file's train task for the same model. */
function fitFromTraining(c: FitCtx): boolean {
  defaultCheckpoint(c);
  const train = trainTaskOfSubject(c);
  for (const name of ['loss', 'metrics']) {
    const given = train?.fields.find((f) => f.name.name === name)?.value;
    if (c.fields.get(name)?.kind !== 'null' || !given) continue;
    if (given.kind === 'name') c.fields.set(name, { kind: 'enum', name: given.name });
    else if (given.kind === 'map' && name === 'loss') c.fields.set(name, { kind: 'map', entries: new Map(given.entries.flatMap((e) => (e.value.kind === 'name' ? [[e.name.name, { kind: 'enum' as const, name: e.value.name }]] : []))) });
    else if (given.kind === 'list') c.fields.set(name, { kind: 'list', items: given.items.flatMap((i) => (i.kind === 'name' && (METRICS as readonly string[]).includes(i.name) ? [{ kind: 'enum' as const, name: i.name }] : [])) });
  }
  return true;
}
