// Writing Keras 2 HDF5 files in tests (h5wasm), as model.save_weights / model.save do.
import type * as tf from '@tensorflow/tfjs';

/** Writes `layers` (name → weights, Keras weight names) as Keras 2 writes save_weights, or
 *  as model.save when `whole` is the model config (weights under /model_weights). */
export async function writeKerasH5(path: string, layers: [string, [string, tf.Tensor][]][], whole: false | object = false): Promise<void> {
  const h5 = (await import('h5wasm/node')).default;
  await h5.ready;
  const f = new h5.File(path, 'w');
  const root = whole ? f.create_group('model_weights') : f;
  if (whole) f.create_attribute('model_config', JSON.stringify(whole));
  root.create_attribute('layer_names', layers.map(([n]) => n));
  for (const [layer, weights] of layers) {
    const g = root.create_group(layer);
    g.create_attribute('weight_names', weights.map(([n]) => n));
    for (const [name, t] of weights) {
      // h5wasm does not make intermediate groups ("bidirectional_1/forward_lstm_1/kernel:0").
      const parts = name.split('/');
      let at: typeof g = g;
      for (const part of parts.slice(0, -1)) at = (at.keys().includes(part) ? at.get(part) : at.create_group(part)) as typeof g;
      at.create_dataset({ name: parts[parts.length - 1]!, data: t.dataSync() as Float32Array, shape: t.shape });
    }
  }
  f.close();
}


/** A tfjs model as Keras' model.save("m.h5") writes it: topology and every layer's weights. */
export async function writeKerasModel(path: string, model: tf.LayersModel): Promise<void> {
  const topology = model.toJSON(null, false) as object;
  await writeKerasH5(path, model.layers.map((l) => [l.name, l.weights.map((w, i) => [`${l.name}/${w.originalName.split('/').pop()}:0`, l.getWeights()[i]!] as [string, tf.Tensor])]), topology);
}
