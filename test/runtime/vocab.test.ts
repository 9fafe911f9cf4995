// The runtime's loss, optimizer and pixel-range tables cover the checker's vocabularies
// exactly; the fused batch losses compute what the composed ones do.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LOSSES, OPTIMIZERS } from '../../compiler/tasks/vocab.js';
import { PIXEL_RANGES } from '../../compiler/pretrained/topology.js';
import { PIXEL_PREPROCESS } from '../../runtime/features/extract.js';
import { FUSED_BATCH_LOSSES, TFJS_LOSSES, TFJS_OPTIMIZERS } from '../../runtime/tasks/vocab.js';

describe('task vocabularies', () => {
  it('every loss has a runtime meaning, and no other', () => {
    expect(Object.keys(TFJS_LOSSES).sort()).toEqual([...LOSSES].sort());
  });
  it('every optimizer has a runtime meaning, and no other', () => {
    expect(Object.keys(TFJS_OPTIMIZERS).sort()).toEqual([...OPTIMIZERS.keys()].sort());
  });
  it('every pixel range has a runtime meaning, and no other', () => {
    expect(Object.keys(PIXEL_PREPROCESS).sort()).toEqual([...PIXEL_RANGES].sort());
  });
});

describe('fused batch losses', () => {
  it('categorical cross-entropy equals tfjs-layers\' (value and gradient) where rows do not sum to 1, on sequences, and where probabilities clip', () => {
    // Rows of [2, 3, 4]: unnormalised, one with a zero where its target is (clipped to ε:
    // no gradient through the clip) and one with a single nonzero (q = 1 clipped to 1 − ε).
    const p = tf.tensor([0.2, 0.5, 0.1, 0.4, 0, 0.3, 0.6, 0.1, 0.25, 0.25, 0.25, 0.25, 0.9, 0.05, 0.03, 0.02, 0, 0, 2, 0, 0.1, 0.7, 0.1, 0.1], [2, 3, 4]);
    const y = tf.oneHot(tf.tensor2d([[2, 1, 3], [0, 2, 1]], [2, 3], 'int32'), 4).toFloat();
    const theirs = (q: tf.Tensor) => tf.mean(tf.metrics.categoricalCrossentropy(y, q)) as tf.Scalar;
    const ours = (q: tf.Tensor) => FUSED_BATCH_LOSSES.categorical_crossentropy!(y, q);
    expect(ours(p).dataSync()[0]).toBeCloseTo(theirs(p).dataSync()[0]!, 5);
    const [ga, gb] = [tf.grad(ours)(p).dataSync(), tf.grad(theirs)(p).dataSync()];
    ga.forEach((v, i) => expect(v).toBeCloseTo(gb[i]!, 4));
  });
});
