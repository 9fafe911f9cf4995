// Reading tensors back to host memory, always asynchronously: the webgpu backend cannot read
// synchronously under Node (tfjs-backend-webgpu's readSync draws through an OffscreenCanvas,
// which Node lacks), and on wasm and cpu an awaited read costs a microtask.
import * as tf from '@tensorflow/tfjs';

/** The first value of each tensor, then disposes them. */
export async function scalarsOf(tensors: readonly tf.Tensor[]): Promise<number[]> {
  try {
    return (await Promise.all(tensors.map((t) => t.data()))).map((v) => v[0]!);
  } finally {
    tf.dispose([...tensors]);
  }
}

/** The first value of a tensor, then disposes it. */
export const scalarOf = async (t: tf.Tensor): Promise<number> => (await scalarsOf([t]))[0]!;

/** The values of a tensor, then disposes it. */
async function valuesOf(t: tf.Tensor): Promise<tf.TypedArray> {
  try {
    return (await t.data()) as tf.TypedArray;
  } finally {
    t.dispose();
  }
}

/** The values of a float32 tensor, then disposes it. */
export const floatsOf = async (t: tf.Tensor): Promise<Float32Array> => (await valuesOf(t)) as Float32Array;

/** The values of an int32 tensor, then disposes it. */
export const intsOf = async (t: tf.Tensor): Promise<Int32Array> => (await valuesOf(t)) as Int32Array;
