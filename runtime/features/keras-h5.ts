// Keras HDF5 weights (h5wasm): `model.save_weights("w.h5")` or a whole `model.save("m.h5")`
// (weights under /model_weights). Keras 2 lists the layers in the `layer_names` attribute
// and each layer's weights in its group's `weight_names` ("dense_1/kernel:0", nested for
// wrappers: "bidirectional_1/forward_lstm_1/kernel:0"); layers without weights have none.
// They are matched to the tfjs model by layer name, and each layer's weights in order (the
// order Keras and tfjs both create them), every shape checked.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { hasHdf5Signature } from '../io/hdf5.js';
import { fault } from '../errors.js';

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

/** Opens an HDF5 file for reading (signature checked first), or a one-line error. */
async function openHdf5(path: string): Promise<InstanceType<H5['File']>> {
  if (!existsSync(path)) throw fault('checkpoint', `cannot read ${path}: no such file`);
  // Checked first: libhdf5 prints a diagnostic trace to stderr for a file it cannot open.
  if (!hasHdf5Signature(path)) throw fault('checkpoint', `${path} is not an HDF5 file`);
  const lib = await h5wasm();
  try {
    return new lib.File(path, 'r');
  } catch (err) {
    throw fault('checkpoint', `${path} is not a readable HDF5 file: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** The model config (topology JSON) of a whole Keras model saved with model.save("m.h5"). */
export async function readKerasModelConfig(path: string): Promise<unknown> {
  const file = await openHdf5(path);
  try {
    const raw = file.attrs['model_config']?.json_value;
    if (typeof raw !== 'string') throw fault('checkpoint', `${path} holds no model_config: it has weights only (load("model.json", weights: "${path}"))`);
    return JSON.parse(raw);
  } finally {
    file.close();
  }
}

export interface KerasWeight { name: string; shape: number[]; values: Float32Array }

/** Every layer's weights in the file, by layer name, in Keras order. */
export async function readKerasWeights(path: string): Promise<Map<string, KerasWeight[]>> {
  const file = await openHdf5(path);
  try {
    const root = (file.keys().includes('model_weights') ? file.get('model_weights') : file) as Group;
    const layerNames = strings(root?.attrs['layer_names']?.json_value);
    if (!layerNames.length) {
      const hint = file.keys().includes('layers') ? ' (a Keras 3 `.weights.h5` file: save with Keras 2 / tf.keras `save_weights(..., save_format="h5")`)' : '';
      throw fault('checkpoint', `${path} holds no Keras weights: it has no layer_names attribute${hint}`);
    }
    const out = new Map<string, KerasWeight[]>();
    for (const layer of layerNames) {
      const group = child(root, layer) as Group | undefined;
      const names = strings(group?.attrs['weight_names']?.json_value);
      const weights: KerasWeight[] = [];
      for (const name of names) {
        // The dataset is at group/name; some writers drop the ":0".
        const ds = (child(group!, name) ?? child(group!, name.replace(/:0$/, ''))) as InstanceType<H5['Dataset']> | undefined;
        if (!ds || !ds.shape) throw fault('checkpoint', `${path}: layer ${layer} lists weight ${name}, which is missing`);
        const v = ds.value;
        if (!ArrayBuffer.isView(v) || v instanceof BigInt64Array || v instanceof BigUint64Array) throw fault('checkpoint', `${path}: weight ${name} of layer ${layer} is not numeric`);
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
    if (!stored) throw fault('checkpoint', `${path} has no weights for layer ${layer.name}`);
    if (stored.length !== layer.weights.length) throw fault('checkpoint', `${path}: layer ${layer.name} has ${stored.length} weights in the file but ${layer.weights.length} in the model`);
    const values = stored.map((w, i) => {
      const want = layer.weights[i]!.shape;
      if (w.shape.join(',') !== want.join(',')) throw fault('checkpoint', `${path}: weight ${w.name} of layer ${layer.name} is [${w.shape}] but the model wants [${want}]`);
      return tf.tensor(w.values, w.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}
