// Keras HDF5 weights (h5wasm): `model.save_weights("w.h5")` or a whole `model.save("m.h5")`
// (weights under /model_weights). Keras 2 lists the layers in the `layer_names` attribute
// and each layer's weights in its group's `weight_names` ("dense_1/kernel:0", nested for
// wrappers: "bidirectional_1/forward_lstm_1/kernel:0"); layers without weights have none.
// They are matched to the tfjs model by layer name, and each layer's weights in order (the
// order Keras and tfjs both create them), every shape checked.
import * as tf from '@tensorflow/tfjs';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { CheckpointError } from '../io/checkpoint.js';

// h5wasm's node build is an ES module that must finish loading its wasm before use.
type H5 = typeof import('h5wasm/node')['default'];
type Group = InstanceType<H5['Group']>;
let h5: H5 | undefined;
async function h5wasm(): Promise<H5> {
  if (!h5) {
    const mod = (await import('h5wasm/node')).default;
    await mod.ready;
    h5 = mod;
  }
  return h5;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** HDF5's format signature, at byte 0 (or 512, 1024, ... after a user block). */
function hasHdf5Signature(path: string): boolean {
  const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(8);
    for (let at = 0; at <= 8192; at = at ? at * 2 : 512) {
      if (readSync(fd, head, 0, 8, at) < 8) return false;
      if (head.equals(SIGNATURE)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

/** The object at a relative path, walking names that exist (libhdf5 prints a trace for a
 *  lookup that fails). */
function child(group: Group, path: string): unknown {
  let at: unknown = group;
  for (const part of path.split('/')) {
    const g = at as Group;
    if (typeof g?.keys !== 'function' || !g.keys().includes(part)) return undefined;
    at = g.get(part);
  }
  return at ?? undefined;
}

export interface KerasWeight { name: string; shape: number[]; values: Float32Array }

/** Every layer's weights in the file, by layer name, in Keras order. */
export async function readKerasWeights(path: string): Promise<Map<string, KerasWeight[]>> {
  if (!existsSync(path)) throw new CheckpointError(`cannot read ${path}: no such file`);
  // Checked first: libhdf5 prints a diagnostic trace to stderr for a file it cannot open.
  if (!hasHdf5Signature(path)) throw new CheckpointError(`${path} is not an HDF5 file`);
  const lib = await h5wasm();
  let file: InstanceType<H5['File']>;
  try {
    file = new lib.File(path, 'r');
  } catch (err) {
    throw new CheckpointError(`${path} is not a readable HDF5 file: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    const root = (file.keys().includes('model_weights') ? file.get('model_weights') : file) as Group;
    const layerNames = strings(root?.attrs['layer_names']?.json_value);
    if (!layerNames.length) {
      const hint = file.keys().includes('layers') ? ' (a Keras 3 `.weights.h5` file: save with Keras 2 / tf.keras `save_weights(..., save_format="h5")`)' : '';
      throw new CheckpointError(`${path} holds no Keras weights: it has no layer_names attribute${hint}`);
    }
    const out = new Map<string, KerasWeight[]>();
    for (const layer of layerNames) {
      const group = child(root, layer) as Group | undefined;
      const names = strings(group?.attrs['weight_names']?.json_value);
      const weights: KerasWeight[] = [];
      for (const name of names) {
        // The dataset is at group/name; some writers drop the ":0".
        const ds = (child(group!, name) ?? child(group!, name.replace(/:0$/, ''))) as InstanceType<H5['Dataset']> | undefined;
        if (!ds || !ds.shape) throw new CheckpointError(`${path}: layer ${layer} lists weight ${name}, which is missing`);
        const v = ds.value;
        if (!ArrayBuffer.isView(v) || v instanceof BigInt64Array || v instanceof BigUint64Array) throw new CheckpointError(`${path}: weight ${name} of layer ${layer} is not numeric`);
        weights.push({ name, shape: ds.shape, values: Float32Array.from(v as unknown as ArrayLike<number>) });
      }
      out.set(layer, weights);
    }
    return out;
  } finally {
    file.close();
  }
}

/** Sets the model's weights from the file, layer by layer; a missing layer or a shape that
 *  differs is a one-line error, layers of the model without weights are skipped. */
export async function loadKerasWeights(model: tf.LayersModel, path: string): Promise<void> {
  const byLayer = await readKerasWeights(path);
  for (const layer of model.layers) {
    if (!layer.weights.length) continue;
    const stored = byLayer.get(layer.name);
    if (!stored) throw new CheckpointError(`${path} has no weights for layer ${layer.name}`);
    if (stored.length !== layer.weights.length) throw new CheckpointError(`${path}: layer ${layer.name} has ${stored.length} weights in the file but ${layer.weights.length} in the model`);
    const values = stored.map((w, i) => {
      const want = layer.weights[i]!.shape;
      if (w.shape.join(',') !== want.join(',')) throw new CheckpointError(`${path}: weight ${w.name} of layer ${layer.name} is [${w.shape}] but the model wants [${want}]`);
      return tf.tensor(w.values, w.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}
