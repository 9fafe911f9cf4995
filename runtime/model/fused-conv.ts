// A Conv2D layer that trains through one fused convolution: tfjs-layers' Conv2D asks for a
// fused conv + bias + activation, but tfjs-core unfuses it whenever a gradient is being
// taken (its fused kernels have no gradient for activations), so every training step ran a
// convolution, a bias add and a relu as three passes over the output, and their gradients as
// four more (0.6 + 0.5 ms forward and 1.5 ms backward for MNIST's first layer). Here the
// forward pass is the backend's FusedConv2D kernel (XNNPACK adds the bias and clamps in its
// output loop) and the gradient is written out: dz = dy where the output is positive (relu),
// then the input and filter gradient kernels and the bias sum. Same class name, config and
// weights as the stock class (registered under its name, like the fused recurrent layers);
// other activations, dilations and channels-first data run the stock code.
import * as tf from '@tensorflow/tfjs';
import { fusedBackend } from '../kernels/memory.js';
import { reluGrad } from '../kernels/wasm-loops.js';
import { registerAsStock } from './stock.js';

type Config = Record<string, unknown>;
type ConvClass = new (config: Config) => tf.layers.Layer;

/** The parts of tfjs-layers' Conv2D the fused path reads (public fields at run time). */
interface ConvView {
  kernel: { read(): tf.Tensor }; bias: { read(): tf.Tensor } | null;
  strides: number[]; padding: 'valid' | 'same'; dataFormat: string; dilationRate: number[];
  activation: { getClassName(): string };
}

const Stock = tf.layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as ConvClass;

/** The activations the fused kernel applies, by tfjs-layers' class names. */
const FUSABLE: Record<string, 'relu' | 'linear'> = { relu: 'relu', linear: 'linear' };

/** The backend's FusedConv2D under a name of ours, so that it can carry a gradient: written
 *  out, and lazy per input (the engine only asks for the gradients on the path to the
 *  variables: never the input image's). */
const KERNEL = 'NncFusedConv2D';
/** relu's gradient by its output (wasm-loops.ts reluGrad, on wasm). */
const RELU_GRAD = 'NncReluGrad';

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['wasm', 'cpu']) {
    tf.registerKernel({ kernelName: KERNEL, backendName, kernelFunc: (args) => tf.getKernel('FusedConv2D', backendName)!.kernelFunc(args) });
  }
  tf.registerKernel({ kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGrad as tf.KernelFunc });
  tf.registerGradient({
    kernelName: KERNEL,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const { strides, pad, activation } = attrs as unknown as { strides: number[]; pad: 'valid' | 'same'; activation: 'relu' | 'linear' };
      // The gradient at the pre-activation, once, here: the engine runs each closure in a
      // tidy of its own, which would dispose a value they shared.
      const g = dy as tf.Tensor4D;
      const dz = activation !== 'relu' ? g : tf.getBackend() === 'wasm' ? tf.engine().runKernel(RELU_GRAD, { dy: g, y }) as tf.Tensor4D : tf.mul(g, tf.step(y));
      const conv = { strides, pad, dataFormat: 'NHWC' };
      return {
        x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter }, { ...conv, inputShape: x.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
        filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dz }, { ...conv, filterShape: filter.shape } as unknown as tf.NamedAttrMap) as tf.Tensor,
        bias: () => tf.sum(dz, [0, 1, 2]),
      };
    },
  });
}

function fusedConv(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor | undefined, strides: number[], pad: 'valid' | 'same', activation: 'relu' | 'linear'): tf.Tensor4D {
  register();
  const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1], activation } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel(KERNEL, { x, filter, ...(bias && { bias }) } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor4D;
}

export class FusedConv2D extends Stock {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Config): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as ConvView;
    const activation = FUSABLE[self.activation.getClassName()];
    if (!fusedBackend() || !activation || self.dataFormat !== 'channelsLast' || self.dilationRate.some((d) => d !== 1)) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor4D;
      return fusedConv(x, self.kernel.read() as tf.Tensor4D, self.bias?.read(), self.strides, self.padding, activation);
    });
  }
}
registerAsStock(FusedConv2D, Stock);
