// What `--resume` takes from a checkpoint and what it takes from the .nn file. The file is
// the truth: the optimizer it names is the one used (the saved state is carried over when
// only its settings changed, dropped when its kind changed); the model and the data must be
// the ones the checkpoint was made with, or the run is refused naming what changed. The
// saved training state is checked field by field, so a hand-edited model.json is one line.
import type * as tf from '@tensorflow/tfjs';
import { fault } from '../errors.js';

/** How a resumed run's optimizer was chosen; `note` is the one line to print, if any. */
export interface ResumedOptimizer { optimizer: tf.Optimizer; note?: string }

const describeConfig = (c: Record<string, unknown>) => Object.entries(c).map(([k, v]) => `${k} ${String(v)}`).join(', ');

/** The optimizer of the file (`fresh`), with the checkpoint's state (`saved`) when both are
 *  of one kind. Says in `note` what changed. `saved` is disposed when it is not kept. */
export async function resumeOptimizer(fresh: tf.Optimizer, saved: tf.Optimizer | undefined): Promise<ResumedOptimizer> {
  if (!saved) return { optimizer: fresh };
  const [was, now] = [saved.getClassName(), fresh.getClassName()];
  if (was !== now) {
    saved.dispose();
    return { optimizer: fresh, note: `the optimizer changed from ${was} to ${now} (${describeConfig(fresh.getConfig())}); its state starts afresh` };
  }
  const before = saved.getConfig(), after = fresh.getConfig();
  const changed = Object.keys(after).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  await fresh.setWeights(await saved.getWeights());
  saved.dispose();
  return {
    optimizer: fresh,
    note: changed.length ? `the optimizer ${now} now has ${changed.map((k) => `${k} ${String(after[k])} (was ${String(before[k])})`).join(', ')}; its state is kept` : undefined,
  };
}

/** Variable names get numeric suffixes per process; a model is compared by its inputs and
 *  its layers' weight names and shapes. Throws naming the first difference. */
export function refuseChangedModel(model: tf.LayersModel, saved: tf.LayersModel, name: string, dir: string): void {
  const shape = (s: readonly (number | null)[]) => `[${s.slice(1).map((d) => d ?? '?').join(', ')}]`;
  const refuse = (what: string) => fault('checkpoint', `the checkpoint in ${dir} does not fit ${name}: ${what}; delete it or run without --resume`);
  const inNow = model.inputs.map((i) => shape(i.shape)), inWas = saved.inputs.map((i) => shape(i.shape));
  if (inNow.join() !== inWas.join()) throw refuse(`the samples are ${inNow.join(', ')} now but were ${inWas.join(', ')} (the data or the model's input changed)`);
  const weights = (m: tf.LayersModel) => m.layers.flatMap((l) => l.weights.map((w) => ({ layer: l.name, shape: `[${w.shape.join(', ')}]` })));
  const now = weights(model), was = weights(saved);
  for (let i = 0; i < Math.max(now.length, was.length); i++) {
    const a = now[i], b = was[i];
    if (a && b && a.layer === b.layer && a.shape === b.shape) continue;
    if (!b) throw refuse(`${name} has more weights than the checkpoint (from layer ${a!.layer} on)`);
    if (!a) throw refuse(`the checkpoint has weights ${name} lacks (layer ${b.layer})`);
    throw refuse(a.layer === b.layer ? `layer ${a.layer} has weights of ${a.shape} now but ${b.shape} in the checkpoint` : `layer ${a.layer} ${a.shape} now stands where the checkpoint has layer ${b.layer} ${b.shape}`);
  }
}

/** The training state train() saves with each checkpoint. */
export interface SavedState { epoch: number; history: (Record<string, number> & { epoch: number })[]; best: number; bestEpoch: number; wait: number }

/** The saved state of `raw` (a model.json's userDefinedMetadata.nnc), every field checked;
 *  a missing field takes its default (older checkpoints), a wrong one is a checkpoint fault. */
export function savedState(raw: unknown, path: string): SavedState {
  const bad = (what: string) => fault('checkpoint', `${path}: the nnc training state is malformed (${what}); delete the folder or run without --resume`);
  if (raw === undefined) return { epoch: 0, history: [], best: Infinity, bestEpoch: 0, wait: 0 };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('not an object');
  const r = raw as Record<string, unknown>;
  const count = (k: string): number => {
    const v = r[k] ?? 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw bad(`${k} is not a count`);
    return v;
  };
  const epoch = count('epoch'), bestEpoch = count('bestEpoch'), wait = count('wait');
  // JSON has no Infinity: a run that never improved saved best as null.
  const best = r['best'] ?? Infinity;
  if (typeof best !== 'number') throw bad('best is not a number');
  const history = r['history'] ?? [];
  if (!Array.isArray(history)) throw bad('history is not a list');
  history.forEach((h: unknown, i) => {
    if (typeof h !== 'object' || h === null || Array.isArray(h) || !Object.values(h).every((v) => typeof v === 'number')) throw bad(`history entry ${i + 1} is not a record of numbers`);
    if ((h as { epoch?: unknown }).epoch !== i + 1) throw bad(`history entry ${i + 1} is not epoch ${i + 1}`);
  });
  if (history.length !== epoch) throw bad(`epoch ${epoch} but ${history.length} epochs of history`);
  if (bestEpoch > epoch) throw bad(`best epoch ${bestEpoch} after epoch ${epoch}`);
  return { epoch, history: history as SavedState['history'], best, bestEpoch, wait };
}
