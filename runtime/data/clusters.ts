// `clusters(data, k)`: labels each sample by its k-means cluster, so a conditional gan can
// draw one compact kind of image at a time from unlabelled images (a self-conditioned GAN:
// fewer samples fall between kinds than with an unconditional generator).
import * as tf from '@tensorflow/tfjs';
import { DenseColumn, type Column, type RuntimeData } from './column.js';
import { fault } from '../errors.js';
import { mulberry32 } from '../random.js';

/** Squared distances [n, k] from each row of `x` to each centre, by |x|² − 2x·c + |c|². */
const distances = (x: tf.Tensor2D, squares: tf.Tensor2D, centres: tf.Tensor2D): tf.Tensor2D =>
  tf.tidy(() => tf.relu(squares.add(centres.square().sum(1).expandDims(0)).sub(x.matMul(centres, false, true).mul(2))) as tf.Tensor2D);

/** k-means++ seeding (each next centre drawn with probability ∝ its squared distance to the
 *  nearest chosen one), then Lloyd's iterations until no sample changes cluster. Returns
 *  each row's cluster. Deterministic: its own seeded generator, not the run's seed. */
export function kMeans(x: tf.Tensor2D, k: number, iterations: number): Int32Array {
  const n = x.shape[0], random = mulberry32(1);
  const squares = tf.tidy(() => x.square().sum(1).expandDims(1) as tf.Tensor2D);
  const rowsOf = (ids: number[]) => tf.gather(x, ids) as tf.Tensor2D;
  const chosen = [Math.floor(random() * n)];
  while (chosen.length < k) {
    const nearest = tf.tidy(() => distances(x, squares, rowsOf(chosen)).min(1));
    const d = nearest.dataSync() as Float32Array;
    nearest.dispose();
    let r = random() * d.reduce((a, b) => a + b, 0), i = 0;
    while (i < n - 1 && (r -= d[i]!) > 0) i++;
    chosen.push(i);
  }
  let centres = rowsOf(chosen);
  let assigned = new Int32Array(n).fill(-1);
  for (let it = 0; it < iterations; it++) {
    const nearest = tf.tidy(() => distances(x, squares, centres).argMin(1));
    const next = Int32Array.from(nearest.dataSync());
    nearest.dispose();
    if (next.every((c, i) => c === assigned[i])) break;
    assigned = next;
    const moved = tf.tidy(() => {
      const members = tf.oneHot(tf.tensor1d(assigned, 'int32'), k).toFloat();
      const counts = members.sum(0).expandDims(1);
      // An emptied cluster keeps its centre.
      const means = members.transpose().matMul(x).div(counts.maximum(1));
      const kept = counts.greater(0).toFloat();
      return means.mul(kept).add(centres.mul(tf.sub(1, kept))) as tf.Tensor2D;
    });
    centres.dispose();
    centres = moved;
  }
  tf.dispose([centres, squares]);
  return assigned;
}

/** The samples a clustering reads: an array's, or a dataset's x. */
function samplesOf(d: RuntimeData): Column {
  if (d.kind === 'array') return d.column;
  if (d.kind === 'dataset' && !d.inputs) return d.x;
  throw fault('data', `clusters needs images or other numeric samples, not ${d.kind === 'dataset' ? 'a dataset of several inputs' : 'text'}`);
}

export function clusters({ data, k, iterations }: { data: RuntimeData; k: number; iterations: number }, _ctx?: unknown): RuntimeData {
  const x = samplesOf(data);
  if (k > x.n) throw fault('data', `clusters: k is ${k}, but the data has only ${x.n} samples; use a k of at most ${x.n}`);
  const rows = Int32Array.from({ length: x.n }, (_, i) => i);
  const flat = tf.tidy(() => x.gather(rows).toFloat().reshape([x.n, -1]) as tf.Tensor2D);
  const assigned = kMeans(flat, k, iterations);
  flat.dispose();
  const y = new Float32Array(x.n * k);
  assigned.forEach((c, i) => { y[i * k + c] = 1; });
  // The clusters replace any labels, and their names.
  const { classNames: _, ...info } = data.kind === 'dataset' ? data.info : {};
  return { kind: 'dataset', x, y: new DenseColumn(y, [k]), info };
}
