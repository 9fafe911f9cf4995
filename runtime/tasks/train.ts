// The `train` task procedure: a plain function over tfjs, shared by `nnc run` and the code
// `nnc compile` emits. Mini-batches are made from host memory each step; a checkpoint is
// written after every good epoch; NaN/Inf stops training without touching it; an interrupt
// saves the weights and returns.
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { Column, DatasetInfo } from '../data/column.js';
import { NamedColumns } from '../data/column.js';
import { batchesOf, StreamColumn, type Batch, type RowCheck } from '../data/stream.js';
import { fitWasmThreads } from '../backend.js';
import { writeFileAtomic } from '../io/atomic.js';
import { loadBest, loadCheckpoint, repairCheckpoint, saveTrainCheckpoint } from '../io/checkpoint.js';
import { lossCurveSvg } from '../io/plot.js';
import { refuseChangedModel, resumeOptimizer, savedState, type SavedState } from '../io/resume.js';
import { forwardMultiplyAdds } from '../model/work.js';
import { fmt, type Reporter } from '../progress.js';
import { mulberry32, permutation } from '../random.js';
import { compiledModel, type LossOrMetric } from '../kernels/tfjs-internals.js';
import type { TaskOutcome } from './outcome.js';
import { baseline, outputBaselines } from './baselines.js';
import { FUSED_BATCH_LOSSES, type LossName, type Losses } from './vocab.js';
import { compileFor, type Compiled } from './compile.js';
import { fault } from '../errors.js';
import { fusedBackend } from '../kernels/memory.js';
import { scalarsOf } from '../readback.js';

/** x is one column, or for a model of several inputs one per input; y likewise for a model
 *  of several outputs (each in the model's order once train has built it). */
export interface TrainData { x: Column | NamedColumns; y: Column | NamedColumns; info: DatasetInfo }

export interface TrainOptions {
  name: string;
  /** A fresh, uncompiled model (also used to check a checkpoint against the source). */
  build: () => tf.LayersModel;
  data: TrainData;
  validationData?: TrainData;
  validationSplit: number;
  loss: Losses;
  /** A model of several outputs: weights of the outputs' losses in the total (1 where not named). */
  lossWeights?: Readonly<Record<string, number>>;
  optimizer: () => tf.Optimizer;
  metrics: string[];
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  earlyStopping?: { patience: number; monitor: 'loss' | 'val_loss' };
  /** End with the best epoch's weights (saved in best/) instead of the last epoch's. */
  restoreBest: boolean;
  seed: number;
  outDir: string;
  resume: boolean;
  reporter: Reporter;
  /** Set by the caller (Ctrl-C); checked between steps. */
  interrupt?: { requested: boolean };
  /** Saved with the checkpoint (e.g. a text vocabulary). */
  extraState?: Record<string, unknown>;
  /** Checks each target row of streamed data as it is read (in-memory data is checked before). */
  checkRow?: RowCheck;
}

export type EpochLog = Record<string, number> & { epoch: number };

export interface TrainResult extends TaskOutcome {
  history: EpochLog[];
  samplesPerSecond: number;
  model: tf.LayersModel;
}


/** One optimizer step on a batch, returning [loss, ...metrics]: what trainOnBatch computes
 *  (the compiled model's own loss and metric functions, its regularizer penalties, its
 *  trainable weights), without trainOnBatch's per-call input checks and async reads, which
 *  cost a fifth of a small recurrent model's step. `loss`, when it has a fused batch mean,
 *  replaces the composed one; metrics are computed after the gradient, off its tape. Models
 *  of several outputs keep trainOnBatch. */
export function trainStep(model: tf.LayersModel, loss?: LossName): (x: tf.Tensor | tf.Tensor[], y: tf.Tensor | tf.Tensor[]) => Promise<number[]> {
  const compiled = compiledModel(model);
  if (model.outputs.length !== 1 || compiled.lossFunctions?.length !== 1) {
    return async (x, y) => {
      const out = await model.trainOnBatch(x, y);
      return Array.isArray(out) ? out : [out];
    };
  }
  const [lossFn] = compiled.lossFunctions as [LossOrMetric];
  // The fused losses read the batch on the host: wasm and cpu only.
  const batchLoss = (loss && fusedBackend() && FUSED_BATCH_LOSSES[loss]) || ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.mean(lossFn(yTrue, yPred)) as tf.Scalar);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return async (x, ys) => {
    const y = Array.isArray(ys) ? ys[0]! : ys; // one output here
    let pred: tf.Tensor | undefined;
    const cost = model.optimizer.minimize(() => {
      pred = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
      return model.calculateLosses().reduce((total: tf.Scalar, penalty) => tf.add(total, penalty), batchLoss(y, pred));
    }, true, variables)!;
    const metrics = tf.tidy(() => compiled.metricsTensors.map(([metric]) => tf.mean(metric(y, pred!))));
    pred!.dispose();
    return scalarsOf([cost, ...metrics]);
  };
}

/** Weighted means of [loss, ...metrics] over `rows` of a split, in batches, no training. */
export async function evaluate(model: tf.LayersModel, d: TrainData, batchSize: number, check?: RowCheck): Promise<number[]> {
  const sums: number[] = [];
  // tfjs-layers' evaluate gives a model of k outputs' running sums of their losses first
  // (L1, L1 + L2, ...), then the metrics, whose first k are each output's loss: the total is
  // the k-th value.
  const k = model.outputs.length;
  for (const b of batchesOf(d.x, d.y, batchSize, { check })) {
    const values = await scalarsOf(tf.tidy(() => [model.evaluate(b.x, b.y!, { batchSize: b.size })].flat()));
    const out = k > 1 ? [values[k - 1]!, ...values.slice(k)] : values;
    tf.dispose([b.x, b.y!]);
    out.forEach((s, i) => { sums[i] = (sums[i] ?? 0) + s * b.size; });
  }
  return sums.map((s) => s / d.x.n);
}

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

function splitData(o: TrainOptions): { train: TrainData; val?: TrainData } {
  if (o.validationData) return { train: o.data, val: o.validationData };
  const n = o.data.x.n;
  const nVal = Math.floor(n * o.validationSplit);
  if (!nVal) return { train: o.data };
  const part = (a: number, b: number): TrainData => ({ x: o.data.x.slice(a, b), y: o.data.y.slice(a, b), info: o.data.info });
  return { train: part(0, n - nVal), val: part(n - nVal, n) };
}

async function resumeFrom(o: TrainOptions, model: tf.LayersModel): Promise<{ state: SavedState; optimizer: tf.Optimizer; note?: string } | undefined> {
  const ckpt = await loadCheckpoint(o.outDir);
  if (!ckpt) return undefined;
  refuseChangedModel(model, ckpt.model, o.name, o.outDir);
  const state = savedState(ckpt.state, join(o.outDir, 'model.json'));
  model.setWeights(ckpt.model.getWeights());
  // The .nn file's optimizer, with the saved state when it is of the same kind.
  return { state, ...(await resumeOptimizer(o.optimizer(), ckpt.model.optimizer)) };
}

/** How a run ended, before finish() writes it up. */
interface Ending { status: TrainResult['status']; message: string }

/** A training run under way: what its epochs share. */
interface Run {
  o: TrainOptions;
  model: tf.LayersModel;
  tr: TrainData;
  val?: TrainData;
  state: SavedState;
  /** loss, then the metrics: the order of a step's values. */
  names: string[];
  /** Each output's loss as Keras reports it, without its loss weight. */
  unweighted: Compiled['unweighted'];
  monitor: 'loss' | 'val_loss';
  step: (x: tf.Tensor | tf.Tensor[], y: tf.Tensor | tf.Tensor[]) => Promise<number[]>;
  /** Samples trained on and seconds spent, in finished epochs (or up to an interrupt). */
  seen: number;
  seconds: number;
  /** When the loop last yielded to the event loop. */
  yielded: number;
}

export async function train(o: TrainOptions): Promise<TrainResult> {
  const r = await start(o);
  const random = mulberry32(o.seed);
  for (let epoch = r.state.epoch; epoch < o.epochs; epoch++) {
    // Streamed data is shuffled through its buffer as it is read; in-memory data by a permutation.
    const streamed = r.tr.x instanceof StreamColumn;
    const order = streamed ? undefined : o.shuffle ? permutation(r.tr.x.n, random) : range(0, r.tr.x.n);
    const t0 = performance.now();
    const batches = batchesOf(r.tr.x, r.tr.y, o.batchSize, { order, random: streamed && o.shuffle ? random : undefined, check: o.checkRow });
    // An epoch cut short closes its file.
    const trained = await trainEpoch(r, epoch, batches, t0).finally(() => batches.return(undefined));
    if ('status' in trained) return finish(r, trained);
    const ending = await evaluateEpoch(r, epoch, trained.log, t0);
    if (ending) return finish(r, ending);
  }
  return finish(r, { status: 'done', message: `trained ${o.name} for ${r.state.epoch} epochs` });
}

/** The model built (and resumed from its checkpoint with --resume), compiled, and the data split. */
async function start(o: TrainOptions): Promise<Run> {
  const split = splitData(o);
  if (split.train.x.n < 1) throw fault('checkpoint', `${o.name}: no training samples left after the validation split`);
  const model = o.build();
  // Several inputs and outputs are fed in the model's order.
  const inOrder = (d: TrainData): TrainData => ({
    ...d, x: d.x instanceof NamedColumns ? d.x.ordered(model.inputNames) : d.x, y: d.y instanceof NamedColumns ? d.y.ordered(model.outputNames) : d.y,
  });
  const tr = inOrder(split.train), val = split.val && inOrder(split.val);
  repairCheckpoint(o.outDir);
  let state: SavedState = { epoch: 0, history: [], best: Infinity, bestEpoch: 0, wait: 0 };
  let optimizer: tf.Optimizer | undefined;
  if (o.resume) {
    const r = await resumeFrom(o, model);
    if (r) {
      ({ state, optimizer } = r);
      o.reporter.line(`resuming ${o.name} from ${o.outDir} after epoch ${state.epoch}`);
      if (r.note) o.reporter.line(r.note);
    } else o.reporter.line(`no checkpoint in ${o.outDir}; starting ${o.name} from scratch`);
  }
  const compiled = compileFor(model, o.loss, o.metrics, optimizer ?? o.optimizer(), o.lossWeights);
  const step = trainStep(model, typeof o.loss === 'string' ? o.loss : undefined);
  const threads = fitWasmThreads(forwardMultiplyAdds(model) * o.batchSize);
  if (threads) o.reporter.line(threads);
  const monitor = o.earlyStopping?.monitor === 'loss' || !val ? 'loss' : 'val_loss';
  return {
    o, model, tr, val, state, names: compiled.names, unweighted: compiled.unweighted, monitor,
    step: async (x, y) => compiled.unweighted(await step(x, y)), seen: 0, seconds: 0, yielded: performance.now(),
  };
}

/** The epoch's checkpoint; best/ is replaced when the epoch `improved` (restore_best only). */
const save = (r: Run, tag: string, improved = false) => saveTrainCheckpoint(r.model, r.o.outDir, tag, { ...r.state, ...r.o.extraState },
  !r.o.restoreBest ? 'none' : improved ? 'new' : r.state.bestEpoch ? 'keep' : 'none');

/** The steps of one epoch over its batches: the epoch's mean loss and metrics, or how the run
 *  ended (a NaN, an interrupt). */
async function trainEpoch(r: Run, epoch: number, batches: Iterator<Batch<tf.Tensor | tf.Tensor[], tf.Tensor | tf.Tensor[]>>, t0: number): Promise<Ending | { log: EpochLog }> {
  const { o, tr, names } = r;
  const steps = Math.ceil(tr.x.n / o.batchSize);
  const sums = names.map(() => 0);
  let count = 0;
  o.reporter.epochStart(epoch + 1, o.epochs, steps);
  for (let s = 0; s < steps; s++) {
    const next = batches.next();
    if (next.done) break;
    const { x: xb, y: yb, size } = next.value;
    const values = await r.step(xb, yb!);
    tf.dispose([xb, yb!]);
    if (!values.every(Number.isFinite)) {
      o.reporter.epochEnd();
      const kept = r.state.epoch ? `the last good checkpoint (epoch ${r.state.epoch}) is in ${o.outDir}` : 'no epoch finished, so there is no checkpoint';
      return { status: 'nan', message: `training ${o.name} stopped: the loss became ${values[0]} at epoch ${epoch + 1}, step ${s + 1}; ${kept}. Try a smaller learning rate.` };
    }
    values.forEach((v, i) => { sums[i]! += v * size; });
    count += size;
    o.reporter.step(s + 1, Object.fromEntries(names.map((n, i) => [n, sums[i]! / count])));
    // A step settles in microtasks only; yield to the event loop (every 20 ms: a yield
    // costs tens of µs, a small model's step 1 ms) so that signal handlers (Ctrl-C) and the
    // progress bar's timers get to run.
    if (performance.now() - r.yielded > 20) {
      await new Promise((done) => setImmediate(done));
      r.yielded = performance.now();
    }
    if (o.interrupt?.requested) {
      o.reporter.epochEnd();
      await save(r, `e${epoch + 1}-interrupted`);
      r.seen += count;
      r.seconds += (performance.now() - t0) / 1000;
      return { status: 'interrupted', message: `interrupted in epoch ${epoch + 1}; the weights so far are saved in ${o.outDir} (nnc run --resume repeats epoch ${epoch + 1})` };
    }
  }
  o.reporter.epochEnd();
  r.seconds += (performance.now() - t0) / 1000;
  r.seen += count;
  return { log: { epoch: epoch + 1, ...Object.fromEntries(names.map((n, i) => [n, sums[i]! / count])) } as EpochLog };
}

/** After an epoch's steps: its validation figures, the best epoch so far, the checkpoints and
 *  the epoch's line; how the run ended if it did (a NaN in validation, early stopping). */
async function evaluateEpoch(r: Run, epoch: number, log: EpochLog, t0: number): Promise<Ending | undefined> {
  const { o, state, monitor } = r;
  if (r.val) r.unweighted(await evaluate(r.model, r.val, Math.max(o.batchSize, 256), o.checkRow)).forEach((v, i) => { log[`val_${r.names[i]}`] = v; });
  if (!Object.values(log).every(Number.isFinite)) {
    const kept = state.epoch ? `the last good checkpoint (epoch ${state.epoch}) is in ${o.outDir}` : 'no epoch finished, so there is no checkpoint';
    return { status: 'nan', message: `training ${o.name} stopped: validation loss became ${log['val_loss']} at epoch ${epoch + 1}; ${kept}` };
  }
  state.history.push(log);
  state.epoch = epoch + 1;
  const improved = log[monitor]! < state.best;
  if (improved) {
    state.best = log[monitor]!;
    state.bestEpoch = epoch + 1;
    state.wait = 0;
  } else state.wait++;
  await save(r, `e${epoch + 1}`, improved);
  o.reporter.line(`epoch ${epoch + 1}/${o.epochs}  ${fmt(Object.fromEntries(Object.entries(log).filter(([k]) => k !== 'epoch')))}  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (o.earlyStopping && state.wait >= o.earlyStopping.patience) {
    return { status: 'early_stopped', message: `early stopping: ${monitor} has not improved for ${state.wait} epochs` };
  }
  return undefined;
}

/** The end of a run: the best epoch's weights restored (restore_best), the loss curve, the
 *  baseline and metrics.json written. */
async function finish(r: Run, { status, message }: Ending): Promise<TrainResult> {
  const { o, model, val, state } = r;
  // The figures of the epoch whose weights the model ends with (the last, or the best).
  let kept = state.history[state.history.length - 1];
  if (o.restoreBest && status !== 'interrupted' && state.bestEpoch && state.bestEpoch !== state.epoch) {
    const best = await loadBest(o.outDir);
    if (best) {
      model.setWeights(best.model.getWeights());
      message += `; kept the weights of epoch ${state.bestEpoch}, the best by ${r.monitor}`;
      kept = state.history.find((h) => h.epoch === state.bestEpoch) ?? kept;
    }
  }
  writeFileAtomic(join(o.outDir, 'loss.svg'), lossCurveSvg(`${o.name}: loss per epoch`, [
    { name: 'loss', color: '#1f77b4', values: state.history.map((h) => h['loss']!) },
    ...(val ? [{ name: 'val_loss', color: '#ff7f0e', values: state.history.map((h) => h['val_loss']!) }] : []),
  ]));
  const base = kept ? await baseline(model, o, val, kept) : undefined;
  const baselines = await outputBaselines(o, r.tr, val, kept);
  const samplesPerSecond = r.seconds > 0 ? r.seen / r.seconds : 0;
  writeFileAtomic(join(o.outDir, 'metrics.json'), JSON.stringify({
    task: o.name, status, message, epochs: state.epoch, best_epoch: state.bestEpoch || null, final: state.history[state.history.length - 1] ?? null,
    baseline: base ?? null, ...(baselines.length ? { baselines } : {}), samplesPerSecond, history: state.history,
  }, null, 2) + '\n');
  return { status, message, history: state.history, baseline: base, ...(baselines.length ? { baselines } : {}), samplesPerSecond, model };
}
