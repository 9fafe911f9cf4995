// Layers the table needs that tfjs-layers 4.22 lacks or gets wrong, registered for
// (de)serialisation so saved models load with tf.loadLayersModel once this module is imported.
import * as tf from '@tensorflow/tfjs';
import { FusedConv1D, FusedConv2D } from './fused-conv.js';
import { FusedDense } from './fused-dense.js';
import { FusedGRU, FusedLSTM, FusedSimpleRNN } from './fused-rnn.js';
import { convInternals, registerClass } from '../kernels/tfjs-internals.js';

type Config = Record<string, unknown>;

/** VAE reparameterisation: z = mean + exp(log_var / 2) · ε, ε ~ N(0, 1). */
/** The reparameterisation trick: z = mean + exp(logVar / 2) * eps, eps ~ N(0, 1); shared by
 *  the `sampling` layer and the `vae` task. */
export function sampleLatent(mean: tf.Tensor, logVar: tf.Tensor, eps: tf.Tensor = tf.randomNormal(mean.shape)): tf.Tensor {
  return tf.tidy(() => mean.add(tf.exp(logVar.mul(0.5)).mul(eps)));
}

export class Sampling extends tf.layers.Layer {
  static className = 'NncSampling';
  override computeOutputShape(inputShape: tf.Shape[]): tf.Shape {
    return inputShape[0]!;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [mean, logVar] = inputs as tf.Tensor[];
    return sampleLatent(mean!, logVar!);
  }
}

/** x - y (tfjs-layers has add, multiply and average but no subtract). */
export class Subtract extends tf.layers.Layer {
  static className = 'NncSubtract';
  override computeOutputShape(inputShape: tf.Shape[]): tf.Shape {
    return inputShape[0]!;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [x, y] = inputs as tf.Tensor[];
    return tf.sub(x!, y!);
  }
}

type ConvClass = new (config: Config) => tf.layers.Layer;
const firstInt = (v: unknown, def: number): number => (Array.isArray(v) ? (v[0] as number) : (v as number | undefined) ?? def);

/** conv1d/conv2d for what tfjs-layers 4.22 cannot train: causal padding (declared, but
 *  NotImplemented at run time) and dilation > 1 (tfjs-core has no gradient for dilated
 *  convolutions on any backend). The input is padded here, and a dilated kernel runs as a
 *  sum over its taps of shifted slices times the tap's [in, out] matrix, whose gradients every
 *  backend has. Weights keep the Conv1D/Conv2D layout, so checkpoints stay interchangeable. */
function tapsConv(rank: 1 | 2, className: string): ConvClass {
  const factory = rank === 1 ? tf.layers.conv1d : tf.layers.conv2d;
  // The Conv1D/Conv2D classes are not exported by name; their factories give them to us.
  const Base = factory({ filters: 1, kernelSize: 1 }).constructor as ConvClass;
  return class TapsConv extends Base {
    static className = className;
    private readonly mode: string;
    private readonly kernelSize: number[];
    private readonly dilation: number;
    constructor(config: Config) {
      super({ ...config, padding: 'valid', dilationRate: 1 });
      this.mode = (config['padding'] as string | undefined) ?? 'valid';
      this.kernelSize = Array.isArray(config['kernelSize']) ? config['kernelSize'] as number[] : Array(rank).fill(config['kernelSize']);
      this.dilation = firstInt(config['dilationRate'], 1);
    }
    /** [before, after] padding per spatial axis. */
    private pads(): [number, number][] {
      return this.kernelSize.map((k) => {
        const total = (k - 1) * this.dilation;
        if (this.mode === 'causal') return [total, 0];
        if (this.mode === 'same') return [Math.floor(total / 2), total - Math.floor(total / 2)];
        return [0, 0];
      });
    }
    override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
      const s = inputShape as tf.Shape;
      const pads = this.pads();
      const spatial = s.slice(1, 1 + rank).map((d, i) => (d === null ? null : d + pads[i]![0] + pads[i]![1] - (this.kernelSize[i]! - 1) * (this.dilation - 1)));
      return super.computeOutputShape([s[0]!, ...spatial, s[1 + rank]!]);
    }
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Config): tf.Tensor | tf.Tensor[] {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const padded = tf.pad(x, [[0, 0], ...this.pads(), [0, 0]]);
      if (this.dilation === 1) return super.call(padded, kwargs);
      return tf.tidy(() => {
        const self = convInternals(this);
        const kernel = self.kernel.read();
        const cin = x.shape[rank + 1]!;
        const out = padded.shape.slice(1, 1 + rank).map((d, i) => d! - (this.kernelSize[i]! - 1) * this.dilation);
        const rows = x.shape[0]! * out.reduce((a, b) => a * b, 1);
        const filters = kernel.shape[rank + 1]!;
        let y: tf.Tensor | undefined;
        const taps = rank === 1 ? this.kernelSize[0]! : this.kernelSize[0]! * this.kernelSize[1]!;
        for (let t = 0; t < taps; t++) {
          const offset = rank === 1 ? [t] : [Math.floor(t / this.kernelSize[1]!), t % this.kernelSize[1]!];
          const slice = tf.slice(padded, [0, ...offset.map((o) => o * this.dilation), 0], [-1, ...out, -1]).reshape([rows, cin]);
          const w = tf.slice(kernel, [...offset, 0, 0], [...offset.map(() => 1), cin, filters]).reshape([cin, filters]);
          const term = tf.matMul(slice, w);
          y = y ? tf.add(y, term) : term;
        }
        let result = y!.reshape([x.shape[0]!, ...out, filters]);
        if (self.bias) result = tf.add(result, self.bias.read());
        return self.activation.apply(result);
      });
    }
    override getConfig(): tf.serialization.ConfigDict {
      return { ...super.getConfig(), padding: this.mode, dilationRate: this.dilation };
    }
  };
}

export const TapsConv1D = tapsConv(1, 'NncTapsConv1D');
export const TapsConv2D = tapsConv(2, 'NncTapsConv2D');

for (const cls of [Sampling, Subtract, TapsConv1D, TapsConv2D]) registerClass(cls);

/** The runtime's layers by the table's `fn` names (LayerConfig.runtime); emitted code calls
 *  them as `nncLayers.tapsConv1d({...})`. */
export const nncLayers = {
  sampling: (config: Config): tf.layers.Layer => new Sampling(config as { name?: string }),
  subtract: (config: Config): tf.layers.Layer => new Subtract(config as { name?: string }),
  tapsConv1d: (config: Config): tf.layers.Layer => new TapsConv1D(config),
  tapsConv2d: (config: Config): tf.layers.Layer => new TapsConv2D(config),
  conv1d: (config: Config): tf.layers.Layer => new FusedConv1D(config),
  conv2d: (config: Config): tf.layers.Layer => new FusedConv2D(config),
  dense: (config: Config): tf.layers.Layer => new FusedDense(config),
  lstm: (config: Config): tf.RNN => new FusedLSTM(config),
  gru: (config: Config): tf.RNN => new FusedGRU(config),
  simpleRNN: (config: Config): tf.RNN => new FusedSimpleRNN(config),
};
