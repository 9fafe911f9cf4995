// Checkpoints in the tfjs layers format: `model.json` (topology, training config, weights
// manifest, our training state in userDefinedMetadata) and one weights file per save, named
// by epoch. The weights are written first and model.json is renamed over the old one last,
// so at every instant model.json names a complete weights file; then old weights go.
// The folder loads in plain tfjs: tf.loadLayersModel(...) on model.json.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
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

/** Saves `model` (with optimizer state) and `state` into `dir` as described above. */
export async function saveCheckpoint(model: tf.LayersModel, dir: string, tag: string, state: Record<string, unknown>): Promise<void> {
  const weightsFile = `weights-${tag}.bin`;
  await model.save(tf.io.withSaveHandler(async (a) => {
    writeFileAtomic(join(dir, weightsFile), joinWeights(a.weightData));
    const json: ModelJson = {
      modelTopology: a.modelTopology as object, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy,
      trainingConfig: a.trainingConfig, userDefinedMetadata: { nnc: state },
      weightsManifest: [{ paths: [weightsFile], weights: a.weightSpecs ?? [] }],
    };
    writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(json));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }), { includeOptimizer: true });
  for (const f of readdirSync(dir)) if (/^weights-.*\.bin$/.test(f) && f !== weightsFile) rmSync(join(dir, f), { force: true });
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
