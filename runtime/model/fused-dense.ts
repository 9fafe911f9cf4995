// A Dense layer whose x·W + b is one kernel with a written-out gradient (kernels/dense.ts)
// instead of tf.fused.matMul's reshapes around the kernel. The activation is the layer's own,
// applied after, as tfjs-layers does whenever a gradient is taken. Same class name, config
// and weights as the stock class (registered under its name, like the fused recurrent and
// conv layers); another backend runs the stock code.
import * as tf from '@tensorflow/tfjs';
import { denseProduct } from '../kernels/dense.js';
import { fusedBackend } from '../kernels/memory.js';
import { denseInternals } from '../kernels/tfjs-internals.js';
import { registerAsStock } from './stock.js';

type Config = Record<string, unknown>;
type LayerClass = new (config: Config) => tf.layers.Layer;

const Stock = tf.layers.dense({ units: 1 }).constructor as LayerClass;

export class FusedDense extends Stock {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Config): tf.Tensor | tf.Tensor[] {
    if (!fusedBackend()) return super.call(inputs, kwargs);
    const self = denseInternals(this);
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      return self.activation.apply(denseProduct(x, self.kernel.read(), self.bias?.read()));
    });
  }
}
registerAsStock(FusedDense, Stock);
