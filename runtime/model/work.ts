// How much arithmetic one sample costs a model, roughly: enough to tell a model worth several
// threads from one whose ops are too small to share (runtime/backend.ts fitWasmThreads).
import type * as tf from '@tensorflow/tfjs';

const inner = (shape: (number | null)[]) => shape.slice(1, -1).reduce<number>((p, d) => p * (d ?? 1), 1);

/** Multiply-adds of one sample's forward pass, estimated per layer as its weights times the
 *  positions they slide over: the inner dims of its input or output, whichever are more (a
 *  dense layer 1, a convolution its output pixels, a recurrent layer its time steps). Nested
 *  models (a `.nn` model used as a layer) count their own layers, once per call. */
export function forwardMultiplyAdds(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    // A layer called several times (a nested model, a shared layer) has one inbound node per
    // call, and no single `input`: its first call's shapes stand for all.
    const calls = Math.max(1, layer.inboundNodes.length);
    if ('layers' in layer) {
      total += forwardMultiplyAdds(layer as tf.LayersModel) * (calls - 1 || 1);
      continue;
    }
    const params = layer.countParams();
    if (!params) continue;
    const shapes = [layer.getInputAt(0), layer.getOutputAt(0)].flat().map((t) => t.shape);
    total += params * Math.max(...shapes.map(inner)) * calls;
  }
  return total;
}
