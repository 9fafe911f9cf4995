// `nnc predict MODEL --input PATH [-o FILE]`: a trained model (a train task's output folder)
// on new data. The input is checked against the model's saved signature before anything is
// predicted; predictions go to FILE (written atomically) or stdout. tfjs is imported only
// here, on demand, as in run.ts.
import { existsSync } from 'node:fs';
import { fault } from '../runtime/errors.js';

interface Out { out: (s: string) => void; err: (s: string) => void }

/** `input`: one path, or for a model of several inputs NAME=PATH once per input (or one .npz). */
export interface PredictOptions { input: string[]; output?: string; backend?: string; batchSize: string }

export async function predictCommand(model: string, opts: PredictOptions, io: Out): Promise<number> {
  const batchSize = Number(opts.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw fault('flag', `--batch-size must be a positive integer, not ${opts.batchSize}`);
  for (const spec of opts.input) {
    const path = /^[A-Za-z_]\w*=/.test(spec) && !existsSync(spec) ? spec.slice(spec.indexOf('=') + 1) : spec;
    if (!existsSync(path)) throw fault('file', `cannot read ${path}: no such file or folder`);
  }
  const { selectBackend } = await import('../runtime/backend.js');
  const { loadTrainedModel } = await import('../runtime/io/signature.js');
  const { readPredictInput, severalInputs } = await import('../runtime/io/predict-input.js');
  const { predictColumn, predictionsCsv } = await import('../runtime/io/predictions.js');
  const { writeFileAtomic } = await import('../runtime/io/atomic.js');
  const { NamedColumns } = await import('../runtime/data/column.js');
  await selectBackend(opts.backend);
  const { model: net, signature } = await loadTrainedModel(model, { severalInputs: true, severalOutputs: true });
  if (!signature.inputs && opts.input.length > 1) throw fault('flag', `the model takes one input; give --input once (found ${opts.input.length})`);
  const input = signature.inputs ? severalInputs(opts.input, signature) : readPredictInput(opts.input[0]!, signature);
  const values = await predictColumn(net, input.x instanceof NamedColumns ? input.x.ordered(net.inputNames) : input.x, batchSize);
  net.dispose();
  const csv = predictionsCsv(signature, values, input.x.n, 'ids' in input ? input.ids : undefined);
  if (opts.output) {
    writeFileAtomic(opts.output, csv);
    io.err(`${input.x.n} prediction${input.x.n === 1 ? '' : 's'} written to ${opts.output}\n`);
  } else io.out(csv);
  return 0;
}
