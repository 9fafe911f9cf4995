// The `predict` task: a trained model's predictions for every sample of the data, written
// atomically as a CSV (runtime/io/predictions.ts). The model and its signature come from a
// checkpoint; data whose samples do not fit it are refused before any work.
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { Column, RuntimeData } from '../data/column.js';
import { writeFileAtomic } from '../io/atomic.js';
import { predictColumn, predictionsCsv } from '../io/predictions.js';
import { loadTrainedModel, misfit } from '../io/signature.js';
import type { Session } from '../session.js';
import type { TaskOutcome } from './outcome.js';
import { checkpointFolder } from './setup.js';
import { fault } from '../errors.js';

export interface PredictFields {
  /** Folder of the trained model, relative to the .nn file's folder. */
  checkpoint: string;
  /** The CSV to write, relative to the .nn file's folder. */
  save: string;
  batchSize: number;
}

export interface PredictTask { name: string; baseDir: string; data: RuntimeData; fields: PredictFields }

export interface PredictResult extends TaskOutcome { path: string; rows: number }

/** The samples a model is fed: a dataset's x, or an array's rows. */
function samplesOf(d: RuntimeData, what: string): Column {
  if (d.kind === 'dataset') return d.x;
  if (d.kind === 'array') return d.column;
  throw fault('data', `${what} needs samples (an array or x of a dataset), found ${d.kind}`);
}

export async function runPredictTask(t: PredictTask, s: Session): Promise<PredictResult> {
  const f = t.fields;
  const at = (p: string) => (isAbsolute(p) ? p : resolve(t.baseDir, p));
  const dir = checkpointFolder(s, t.baseDir, f.checkpoint);
  // --out names a folder for every task's outputs: the CSV goes there under its own name.
  const path = s.flags.out ? join(s.flags.out, basename(f.save)) : at(f.save);
  const x = samplesOf(t.data, `predict ${t.name}`);
  const { model, signature } = await loadTrainedModel(dir, { severalOutputs: true });
  const wrong = misfit(signature, x.sampleShape);
  if (wrong) throw fault('data', `predict ${t.name}: ${wrong}`);
  const values = await predictColumn(model, x, f.batchSize);
  model.dispose();
  writeFileAtomic(path, predictionsCsv(signature, values, x.n));
  return { status: 'done', message: `predict ${t.name}: ${x.n} predictions from ${dir} written to ${path}`, path, rows: x.n };
}
