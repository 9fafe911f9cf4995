// A Conv2D layer that trains through one fused convolution: tfjs-layers' Conv2D asks for a
// fused conv + bias + activation, but tfjs-core unfuses it whenever a gradient is being
// taken (its fused kernels have no gradient for activations), so every training step ran a
// convolution, a bias add and a relu as three passes over the output, and their gradients as
// four more (0.6 + 0.5 ms forward and 1.5 ms backward for MNIST's first layer). Here the
// forward pass is the backend's FusedConv2D kernel (XNNPACK adds the bias and clamps in its
// output loop) and the gradient is written out: dz = dy where the output is positive (relu),
// then the input and filter gradient kernels and the bias sum. Same class name, config and
// weights as the stock class (registered under its name, like the fused recurrent layers);
// other activations, dilations and channels-first data run the stock code. Conv1D gets the
// same: tfjs-layers runs it as a 2-D convolution between recorded reshapes, with the bias
// and relu as separate ops (a small sequence convnet's step was some 100 kernels).
import * as tf from '@tensorflow/tfjs';
import { fusedBackend, withShape } from '../kernels/memory.js';
import { convInternals, kernelAttrs, runKernel } from '../kernels/tfjs-internals.js';
import { reluGrad } from '../kernels/wasm-loops.js';
import { registerAsStock } from './stock.js';

type Config = Record<string, unknown>;
type ConvClass = new (config: Config) => tf.layers.Layer;

const Stock2D = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as ConvClass;
const Stock1D = tf.layers.conv1d({ filters: 1, kernelSize: 1 }).constructor as ConvClass;

/** The activations the fused kernel applies, by tfjs-layers' class names. */
const FUSABLE: Record<string, 'relu' | 'linear'> = { relu: 'relu', linear: 'linear' };

/** The backend's FusedConv2D under a name of ours, so that it can carry a gradient: written
 *  out, and lazy per input (the engine only asks for the gradients on the path to the
 *  variables: never the input image's). A 1-D convolution ([b, t, c] by [k, c, f]) runs as
 *  the 2-D one over a height of 1: the kernel sees its tensors with that shape, so no
 *  reshape is recorded. */
const KERNEL = 'NncFusedConv2D';
/** relu's gradient by its output (wasm-loops.ts reluGrad, on wasm). */
const RELU_GRAD = 'NncReluGrad';

/** A [b, t, c] sequence or [k, c, f] filter as the 2-D convolution's [b, 1, t, c], [1, k, c, f]. */
const flat = (shape: number[]): number[] => (shape.length === 3 ? [shape[0]!, 1, shape[1]!, shape[2]!] : shape);
const over1D = (shape: number[]): number[] => [1, ...shape];

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['wasm', 'cpu']) {
    tf.registerKernel({
      kernelName: KERNEL, backendName, kernelFunc: (args) => {
        // Looked up per call: the wasm backend replaces its kernel when it starts (wasm.ts).
        const conv = tf.getKernel('FusedConv2D', backendName)!.kernelFunc;
        const { x, filter, bias } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias?: tf.TensorInfo };
        if (x.shape.length === 4) return conv(args);
        const out = conv({ ...args, inputs: { x: withShape(x, flat(x.shape)), filter: withShape(filter, over1D(filter.shape)), ...(bias && { bias }) } }) as tf.TensorInfo;
        return withShape(out, [out.shape[0]!, out.shape[2]!, out.shape[3]!]);
      },
    });
  }
  tf.registerKernel({ kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGrad as tf.KernelFunc });
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const { strides, pad, activation } = kernelAttrs<{ strides: number[]; pad: 'valid' | 'same'; activation: 'relu' | 'linear' }>(attrs);
      // The gradient at the pre-activation, once, here: the engine runs each closure in a
      // tidy of its own, which would dispose a value they shared.
      const g = dy as tf.Tensor;
      const dz = activation !== 'relu' ? g : tf.getBackend() === 'wasm' ? runKernel<tf.Tensor>(RELU_GRAD, { dy: g, y }) : tf.mul(g, tf.step(y));
      const conv = { strides, pad, dataFormat: 'NHWC' };
      // A 1-D convolution's gradients are the 2-D ones over a height of 1 (unrecorded
      // reshapes: the backward pass records nothing).
      const oneD = x.rank === 3;
      const dz4 = oneD ? dz.reshape(flat(dz.shape)) : dz;
      const filterShape = oneD ? over1D(filter.shape) : filter.shape;
      return {
        x: () => runKernel<tf.Tensor>('Conv2DBackpropInput', { dy: dz4, filter: oneD ? filter.reshape(filterShape) : filter }, { ...conv, inputShape: flat(x.shape) }).reshape(x.shape),
        filter: () => runKernel<tf.Tensor>('Conv2DBackpropFilter', { x: oneD ? x.reshape(flat(x.shape)) : x, dy: dz4 }, { ...conv, filterShape }).reshape(filter.shape),
        bias: () => tf.sum(dz, dz.shape.slice(0, -1).map((_, i) => i)),
      };
    },
  });
}

function fusedConv(x: tf.Tensor, filter: tf.Tensor, bias: tf.Tensor | undefined, strides: number[], pad: 'valid' | 'same', activation: 'relu' | 'linear'): tf.Tensor {
  register();
  return runKernel<tf.Tensor>(KERNEL, { x, filter, ...(bias && { bias }) }, { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation });
}

/** The fused path where it applies (wasm or cpu, relu or linear, channels last, no
 *  dilation, valid or same padding); undefined where the stock code must run. */
function fusedCall(layer: tf.layers.Layer, inputs: tf.Tensor | tf.Tensor[]): tf.Tensor | undefined {
  const self = convInternals(layer);
  const activation = FUSABLE[self.activation.getClassName()];
  const padding = self.padding === 'valid' || self.padding === 'same' ? self.padding : undefined;
  if (!fusedBackend() || !activation || !padding || self.dataFormat !== 'channelsLast' || self.dilationRate.some((d) => d !== 1)) return undefined;
  return tf.tidy(() => {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const strides = x.rank === 3 ? [1, self.strides[0]!] : self.strides;
    return fusedConv(x, self.kernel.read(), self.bias?.read(), strides, padding, activation);
  });
}

export class FusedConv2D extends Stock2D {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Config): tf.Tensor | tf.Tensor[] {
    return fusedCall(this, inputs) ?? super.call(inputs, kwargs);
  }
}
registerAsStock(FusedConv2D, Stock2D);

export class FusedConv1D extends Stock1D {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Config): tf.Tensor | tf.Tensor[] {
    return fusedCall(this, inputs) ?? super.call(inputs, kwargs);
  }
}
registerAsStock(FusedConv1D, Stock1D);
