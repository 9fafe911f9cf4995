import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resizeImage } from '../../runtime/io/image.js';

describe('resizeImage', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it("equals tf.image.resizeBilinear with half-pixel centres, clipped, to a float32 ulp", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 1.2 - 0.1;
    for (const [h, w, oh, ow] of [[7, 9, 3, 4], [5, 5, 11, 13], [82, 102, 41, 51], [10, 3, 10, 7], [1, 1, 4, 4], [2, 9, 1, 1]] as const) {
      const data = Float32Array.from({ length: h * w * 3 }, random);
      const ours = resizeImage({ data, height: h, width: w }, oh, ow);
      const theirs = tf.tidy(() => tf.image.resizeBilinear(tf.tensor3d(data, [h, w, 3]), [oh, ow], false, true).clipByValue(0, 1).dataSync());
      expect(ours.length).toBe(theirs.length);
      for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i]! - theirs[i]!), `${h}x${w} → ${oh}x${ow} at ${i}`).toBeLessThan(2e-7);
    }
  });

  it('returns the pixels themselves at the same size', () => {
    const data = Float32Array.of(0.1, 0.2, 0.3);
    expect(resizeImage({ data, height: 1, width: 1 }, 1, 1)).toBe(data);
  });
});
