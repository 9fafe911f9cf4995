// `generate_text Model on char_sequences(...)` (std.text): samples text from a trained character
// model (runtime/tasks/generate.ts).
import { defineTaskKind } from '../kind.js';
import { defaultCheckpoint, fieldSpan, type FitCtx } from '../fit.js';
import { field, num, numField, saveField, seedField } from '../lower.js';
import { modelFolderSpec, saveSpec } from '../paths.js';

export const generateText = defineTaskKind({
  kind: 'generate_text', module: 'std.text', subjectIsModel: true, needsData: true,
  doc: 'Samples text from a trained character model (`train` it on `char_sequences` first): starting from a seed window of the corpus (or `seed_text`), it predicts the next character, reweights the distribution by each temperature (p^(1/T), renormalised), draws one, slides the window, and repeats. Each sample goes to the console and to `sample-T.txt` in the output folder. The model and its vocabulary come from the checkpoint, so this runs without training again.',
  fields: [
    modelFolderSpec('checkpoint', 'Folder of the trained model (model.json + weights, with the vocabulary), relative to the .nn file. Default: the `save` of this file\'s train task for the same model.'),
    { name: 'temperatures', type: { kind: 'list', of: { kind: 'float', min: 0, minExclusive: true } }, doc: 'One sample per temperature: low is safe and repetitive, high is surprising and misspelled.', default: { kind: 'list', items: [0.2, 0.5, 1.0, 1.2].map((value) => ({ kind: 'float', value })) } },
    { name: 'length', type: { kind: 'int', min: 1 }, doc: 'Characters to generate per temperature.', default: { kind: 'int', value: 400 } },
    { name: 'seed_text', type: { kind: 'string' }, doc: 'Text to start from (its last `maxlen` characters; every character must be in the vocabulary). Default: a window of the corpus chosen by the seed.', default: { kind: 'null' } },
    { name: 'seed', type: { kind: 'int', min: 0 }, doc: 'Random seed for the seed window and the draws.', default: { kind: 'null' } },
    saveSpec('Output folder for sample-T.txt and samples.json.'),
  ],
  fit: fitGenerate,
  lower: (task) => ({
    checkpoint: field(task, 'checkpoint', 'string')!.value, // filled by fitGenerate when not given
    temperatures: (field(task, 'temperatures', 'list')?.items ?? []).map((t) => num(t, 'temperatures')),
    length: numField(task, 'length'),
    seedText: field(task, 'seed_text', 'string')?.value ?? null,
    seed: seedField(task),
    save: saveField(task, `${task.name}_text`),
  }),
  runtime: { module: 'generate', procedure: 'runGenerateTask' },
  inputs: {},
});

/** generate_text: the data must be char_sequences (the model's vocabulary and seed windows),
 *  and the checkpoint defaults to the `save` of the file's train task for the same model. */
function fitGenerate(c: FitCtx): boolean {
  if (c.data.source !== 'char_sequences') {
    c.sink.report('E0414', c.file, c.decl.on!.span, { source: 'generate_text', expected: 'char_sequences(...), the data its character model was trained on', found: `${c.data.source}(...)`, example: 'char_sequences(moby_dick(), maxlen: 40)' });
    return false;
  }
  // The model's window is the data's: a shorter seed_text cannot start it.
  const seedText = c.fields.get('seed_text'), maxlen = c.data.args.get('maxlen');
  if (seedText?.kind === 'string' && maxlen?.kind === 'int' && [...seedText.value].length < maxlen.value) {
    c.sink.report('E0210', c.file, fieldSpan(c, 'seed_text'), { name: 'seed_text', expected: `at least ${maxlen.value} characters, the model's window (maxlen of the data)`, found: `${[...seedText.value].length} characters`, hint: 'seedText' });
    return false;
  }
  defaultCheckpoint(c);
  return true;
}
