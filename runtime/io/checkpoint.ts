// Checkpoints in the tfjs layers format: `model.json` (topology, training config, weights
// manifest, our training state in userDefinedMetadata) and one weights file per save, named
// by epoch. The weights are written first and model.json is renamed over the old one last,
// so at every instant model.json names a complete weights file; then old weights go. A train
// checkpoint with best/ is one unit whose commit point is the main model.json (see
// saveTrainCheckpoint).
// The folder loads in plain tfjs: tf.loadLayersModel(...) on model.json.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { removeFile, removeLeftoverTemps, writeFileAtomic } from './atomic.js';
import { fault } from '../errors.js';

export const MODEL_JSON = 'model.json';

interface ModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: tf.io.TrainingConfig;
  userDefinedMetadata?: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

function joinWeights(data: tf.io.WeightData | undefined): Uint8Array {
  if (!data) return new Uint8Array();
  return new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
}

/** The artifacts tfjs saves for `model`, optimizer state included. */
async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  // A scope of its own: the optimizer's getWeights makes a scalar of its step count that
  // tfjs never disposes (one tensor lost per checkpoint otherwise). Nothing else runs
  // meanwhile, as the training loops await the save.
  tf.engine().startScope();
  try {
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }), { includeOptimizer: true });
  } finally {
    tf.engine().endScope();
  }
  return artifacts!;
}

function modelJson(a: tf.io.ModelArtifacts, weightsFile: string, state: Record<string, unknown>): string {
  const json: ModelJson = {
    modelTopology: a.modelTopology as object, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy,
    trainingConfig: a.trainingConfig, userDefinedMetadata: { nnc: state },
    weightsManifest: [{ paths: [weightsFile], weights: a.weightSpecs ?? [] }],
  };
  return JSON.stringify(json);
}

/** Deletes the weights files in `dir` other than `keep`. */
function removeOtherWeights(dir: string, keep: string | undefined): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) if (/^weights-.*\.bin$/.test(f) && f !== keep) removeFile(join(dir, f));
}

/** Saves `model` (with optimizer state) and `state` into `dir` as described above. */
export async function saveCheckpoint(model: tf.LayersModel, dir: string, tag: string, state: Record<string, unknown>): Promise<void> {
  const weightsFile = `weights-${tag}.bin`;
  const a = await artifactsOf(model);
  writeFileAtomic(join(dir, weightsFile), joinWeights(a.weightData));
  writeFileAtomic(join(dir, MODEL_JSON), modelJson(a, weightsFile, state));
  removeOtherWeights(dir, weightsFile);
}

/** The subfolder of a train checkpoint that holds the best epoch's model. */
export const BEST = 'best';
/** The field of the main model.json's nnc state naming best/'s weights file. */
const BEST_WEIGHTS = 'bestWeights';

/** Saves a train checkpoint: the model in `dir` and, when `best` is 'new', also in `dir/best/`
 *  ('keep': best/ stays as the last save named it; 'none': no best is tracked),
 *  as one unit. The main model.json is the commit point and names best/'s weights file
 *  (`bestWeights` in its nnc state): both weights files are written before it, best/'s
 *  model.json after it, and old weights are deleted last. A kill at any point leaves the
 *  main model.json naming complete files; best/model.json can then lag one save behind,
 *  which repairCheckpoint (at the next start) and loadBest (always) resolve from the main. */
export async function saveTrainCheckpoint(model: tf.LayersModel, dir: string, tag: string, state: Record<string, unknown>, best: 'new' | 'keep' | 'none'): Promise<void> {
  const weightsFile = `weights-${tag}.bin`;
  const a = await artifactsOf(model);
  const bytes = joinWeights(a.weightData);
  const bestWeights = best === 'new' ? weightsFile : best === 'keep' ? committedBestWeights(dir) : undefined;
  if (best === 'new') writeFileAtomic(join(dir, BEST, weightsFile), bytes);
  writeFileAtomic(join(dir, weightsFile), bytes);
  const full = { ...state, ...(bestWeights ? { [BEST_WEIGHTS]: bestWeights } : {}) };
  writeFileAtomic(join(dir, MODEL_JSON), modelJson(a, weightsFile, full));
  if (best === 'new') writeFileAtomic(join(dir, BEST, MODEL_JSON), modelJson(a, weightsFile, full));
  removeOtherWeights(dir, weightsFile);
  if (best !== 'none') removeOtherWeights(join(dir, BEST), bestWeights);
}

/** The main model.json of `dir` as JSON, if it parses. */
function mainJson(dir: string): ModelJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8')) as ModelJson;
  } catch {
    return undefined;
  }
}

/** best/'s weights file as the committed main model.json names it. */
function committedBestWeights(dir: string): string | undefined {
  const v = (mainJson(dir)?.userDefinedMetadata?.['nnc'] as Record<string, unknown> | undefined)?.[BEST_WEIGHTS];
  return typeof v === 'string' && /^weights-[^/\\]*\.bin$/.test(v) ? v : undefined;
}

/** Makes a train checkpoint folder whole after a kill: temporary files go, best/model.json
 *  is rewritten when it does not name the weights the main model.json names, and weights
 *  files no model.json names are deleted. */
export function repairCheckpoint(dir: string): void {
  removeLeftoverTemps(dir);
  const main = mainJson(dir);
  if (!main) return;
  const named = main.weightsManifest?.[0]?.paths?.[0];
  if (typeof named === 'string') removeOtherWeights(dir, named);
  const bestWeights = committedBestWeights(dir);
  const bestDir = join(dir, BEST);
  if (!bestWeights || !existsSync(join(bestDir, bestWeights))) return;
  let bestNames: unknown;
  try {
    bestNames = (JSON.parse(readFileSync(join(bestDir, MODEL_JSON), 'utf8')) as ModelJson).weightsManifest[0]?.paths[0];
  } catch { /* missing or torn: rewritten below */ }
  if (bestNames !== bestWeights) writeFileAtomic(join(bestDir, MODEL_JSON), JSON.stringify({ ...main, weightsManifest: [{ paths: [bestWeights], weights: main.weightsManifest[0]?.weights ?? [] }] }));
  removeOtherWeights(bestDir, bestWeights);
}

/** The best epoch's model of a train checkpoint, as the main model.json names it. */
export async function loadBest(dir: string): Promise<LoadedCheckpoint | undefined> {
  repairCheckpoint(dir);
  return committedBestWeights(dir) ? loadCheckpoint(join(dir, BEST)) : undefined;
}

export interface LoadedCheckpoint { model: tf.LayersModel; state: Record<string, unknown> }

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Bytes a manifest entry takes in the weights file (quantised entries store the smaller type). */
const entryBytes = (s: tf.io.WeightsManifestEntry) => s.shape.reduce((a, b) => a * b, 1) * (BYTES[s.quantization?.dtype ?? s.dtype] ?? 4);

/** Reads a tfjs layers model.json and the weight files it names into artifacts for
 *  tf.io.fromMemory; every way they can be broken is a one-line checkpoint fault. */
export function readModelArtifacts(path: string, o: { topologyOnly?: boolean } = {}): tf.io.ModelArtifacts {
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as ModelJson;
    if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error('not a tfjs layers model');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw fault('checkpoint', `${path} is not a readable model: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  if (o.topologyOnly) return { modelTopology: json.modelTopology };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers: Uint8Array[] = [];
  for (const f of json.weightsManifest.flatMap((g) => g.paths)) {
    // Weights lie beside model.json: a path that leaves its folder is refused, not read.
    if (typeof f !== 'string' || isAbsolute(f) || f.split(/[\\/]/).includes('..')) throw fault('checkpoint', `${path} names weights file ${String(f)} outside its folder; refusing to read it`);
    try {
      buffers.push(readFileSync(join(dirname(path), f)));
    } catch {
      throw fault('checkpoint', `${path} names weights file ${f}, which cannot be read`);
    }
  }
  const data = Buffer.concat(buffers);
  const want = specs.reduce((n, s) => n + entryBytes(s), 0);
  if (data.length !== want) throw fault('checkpoint', `${dirname(path)}: the weights are ${data.length} bytes but ${basename(path)} describes ${want}; the files are corrupt`);
  return {
    modelTopology: json.modelTopology, trainingConfig: json.trainingConfig, weightSpecs: specs,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts["userDefinedMetadata"],
  };
}

/** Reads a checkpoint folder; every way it can be broken is a one-line checkpoint fault. */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint | undefined> {
  const path = join(dir, MODEL_JSON);
  if (!existsSync(path)) return undefined;
  const artifacts = readModelArtifacts(path);
  try {
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const json = artifacts as { userDefinedMetadata?: Record<string, unknown> };
    return { model, state: (json.userDefinedMetadata?.['nnc'] as Record<string, unknown> | undefined) ?? {} };
  } catch (err) {
    throw fault('checkpoint', `${path} cannot be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
}
