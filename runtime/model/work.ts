// How much arithmetic one sample costs a model, roughly: enough to tell a model worth several
// threads from one whose ops are too small to share (runtime/backend.ts fitWasmThreads).
import type * as tf from '@tensorflow/tfjs';

const inner = (shape: (number | null)[]) => shape.slice(1, -1).reduce<number>((p, d) => p * (d ?? 1), 1);

/** Multiply-adds of one sample's forward pass, estimated per layer as its weights times the
 *  positions they slide over: the inner dims of its input or output, whichever are more (a
 *  dense layer 1, a convolution its output pixels, a recurrent layer its time steps). */
export function forwardMultiplyAdds(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const params = layer.countParams();
    if (!params) continue;
    const inputs = [layer.input].flat().map((t) => t.shape);
    const outputs = Array.isArray(layer.outputShape[0]) ? (layer.outputShape as tf.Shape[]) : [layer.outputShape as tf.Shape];
    const positions = Math.max(...[...inputs, ...outputs].map(inner));
    total += params * positions;
  }
  return total;
}
