// `nnc predict MODEL --input PATH [-o FILE]`: a trained model (a train task's output folder)
// on new data. The input is checked against the model's saved signature before anything is
// predicted; predictions go to FILE (written atomically) or stdout. tfjs is imported only
// here, on demand, as in run.ts.
import { existsSync } from 'node:fs';
import { fault } from '../runtime/errors.js';

interface Out { out: (s: string) => void; err: (s: string) => void }

export interface PredictOptions { input: string; output?: string; backend?: string; batchSize: string }

export async function predictCommand(model: string, opts: PredictOptions, io: Out): Promise<number> {
  const batchSize = Number(opts.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw fault('flag', `--batch-size must be a positive integer, not ${opts.batchSize}`);
  if (!existsSync(opts.input)) throw fault('file', `cannot read ${opts.input}: no such file or folder`);
  const { selectBackend } = await import('../runtime/backend.js');
  const { loadTrainedModel } = await import('../runtime/io/signature.js');
  const { readPredictInput } = await import('../runtime/io/predict-input.js');
  const { predictColumn, predictionsCsv } = await import('../runtime/io/predictions.js');
  const { writeFileAtomic } = await import('../runtime/io/atomic.js');
  await selectBackend(opts.backend);
  const { model: net, signature } = await loadTrainedModel(model, { severalOutputs: true });
  const input = readPredictInput(opts.input, signature);
  const values = await predictColumn(net, input.x, batchSize);
  net.dispose();
  const csv = predictionsCsv(signature, values, input.x.n, input.ids);
  if (opts.output) {
    writeFileAtomic(opts.output, csv);
    io.err(`${input.x.n} prediction${input.x.n === 1 ? '' : 's'} written to ${opts.output}\n`);
  } else io.out(csv);
  return 0;
}
