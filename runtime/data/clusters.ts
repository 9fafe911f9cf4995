// `clusters(data, k)`: labels each sample by its k-means cluster, so a conditional gan can
// draw one compact kind of image at a time from unlabelled images (a self-conditioned GAN;
// on MNIST fewer samples fall between two digits than with an unconditional generator).
import * as tf from '@tensorflow/tfjs';
import { DenseColumn, type Column, type RuntimeData } from './column.js';
import { fault } from '../errors.js';
import { mulberry32 } from '../random.js';

/** Squared distances [n, k] from each row of `x` to each centre, by |x|² − 2x·c + |c|². */
const distances = (x: tf.Tensor2D, squares: tf.Tensor2D, centres: tf.Tensor2D): tf.Tensor2D =>
  tf.tidy(() => tf.relu(squares.add(centres.square().sum(1).expandDims(0)).sub(x.matMul(centres, false, true).mul(2))) as tf.Tensor2D);

/** k-means++ seeding (each next centre drawn with probability ∝ its squared distance to the
 *  nearest chosen one), then Lloyd's iterations until no sample changes cluster. Returns
 *  each row's cluster. Deterministic on one backend: its own seeded generator, not the run's. */
export function kMeans(x: tf.Tensor2D, k: number, iterations: number): Int32Array {
  const n = x.shape[0], random = mulberry32(1);
  const squares = tf.tidy(() => x.square().sum(1).expandDims(1) as tf.Tensor2D);
  const rowsOf = (ids: number[]) => tf.gather(x, ids) as tf.Tensor2D;
  const tooFew = () => fault('data', `clusters: the data has fewer than ${k} distinct samples; use a smaller k`);
  const chosen = [Math.floor(random() * n)];
  // Each sample's squared distance to the nearest chosen centre, updated with the newest one.
  let nearest = tf.tidy(() => distances(x, squares, rowsOf(chosen)).reshape([n]));
  while (chosen.length < k) {
    const d = nearest.dataSync() as Float32Array;
    const total = d.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw tooFew();
    let r = random() * total, i = 0;
    while (i < n - 1 && (r -= d[i]!) > 0) i++;
    chosen.push(i);
    const closer = tf.tidy(() => tf.minimum(nearest, distances(x, squares, rowsOf([i])).reshape([n])));
    nearest.dispose();
    nearest = closer;
  }
  nearest.dispose();
  let centres = rowsOf(chosen);
  let assigned = new Int32Array(n).fill(-1);
  for (let it = 0; it < iterations; it++) {
    const [ids, gaps] = tf.tidy(() => { const d = distances(x, squares, centres); return [d.argMin(1), d.min(1)]; });
    const next = Int32Array.from(ids.dataSync()), gap = Float32Array.from(gaps.dataSync());
    tf.dispose([ids, gaps]);
    fillEmptyClusters(next, gap, k, tooFew);
    if (next.every((c, i) => c === assigned[i])) break;
    assigned = next;
    const moved = tf.tidy(() => {
      const members = tf.oneHot(tf.tensor1d(assigned, 'int32'), k).toFloat();
      return members.transpose().matMul(x).div(members.sum(0).expandDims(1)) as tf.Tensor2D;
    });
    centres.dispose();
    centres = moved;
  }
  tf.dispose([centres, squares]);
  return assigned;
}

/** Gives each cluster no sample chose the sample farthest from its own centre, taken from a
 *  cluster of several (Lloyd's iterations would leave an emptied cluster empty for good). */
function fillEmptyClusters(assigned: Int32Array, gap: Float32Array, k: number, tooFew: () => Error): void {
  const counts = new Int32Array(k);
  assigned.forEach((c) => counts[c]!++);
  for (let j = 0; j < k; j++) {
    if (counts[j]! > 0) continue;
    let far = -1;
    gap.forEach((g, i) => { if (counts[assigned[i]!]! > 1 && g > 0 && (far < 0 || g > gap[far]!)) far = i; });
    if (far < 0) throw tooFew();
    counts[assigned[far]!]!--;
    assigned[far] = j;
    counts[j] = 1;
    gap[far] = 0;
  }
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
