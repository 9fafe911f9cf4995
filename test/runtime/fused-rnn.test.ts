// The fused recurrent kernels (runtime/kernels/recurrent.ts) against the same recurrences
// written with plain tf ops and differentiated by tfjs, on random shapes, on both backends;
// the fused layers against tfjs-layers' (outputs, weight and input gradients; fixed cases
// with dropout, and a property over random shapes, go_backwards, return_sequences and
// bidirectional); the fused optimizer updates against tfjs's.
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend.js';
import { GATE_COUNT, recurrentSequence, type CellKind, type GateActivation } from '../../runtime/kernels/recurrent.js';
import { nncLayers } from '../../runtime/model/custom.js';
import { FusedAdam, FusedRMSProp } from '../../runtime/kernels/optimizer.js';
import { close } from '../twins.js';


const gate = (ra: GateActivation, x: tf.Tensor) => (ra === 'sigmoid' ? tf.sigmoid(x) : tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1));

/** The recurrence with tf ops, as tfjs-layers' cells compute it: hs [T, B, U]. With
 *  recurrent dropout (`mask`), a step reads the previous state times the mask everywhere
 *  (tfjs-layers' GRU too, in its update). */
function reference(kind: CellKind, xw: tf.Tensor3D, u: tf.Tensor2D, h0: tf.Tensor2D, c0: tf.Tensor2D, ra: GateActivation, mask?: tf.Tensor): tf.Tensor {
  const [T, , GU] = xw.shape;
  const U = GU / GATE_COUNT[kind];
  let h: tf.Tensor = h0, c: tf.Tensor = c0;
  const out: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    const x = xw.slice([t, 0, 0], [1, -1, -1]).squeeze([0]);
    if (mask) h = tf.mul(h, mask);
    if (kind === 'simple_rnn') h = tf.tanh(tf.add(x, tf.matMul(h, u)));
    else if (kind === 'lstm') {
      const z = tf.add(x, tf.matMul(h, u));
      const [i, f, g, o] = tf.split(z, 4, 1);
      c = tf.add(tf.mul(gate(ra, f!), c), tf.mul(gate(ra, i!), tf.tanh(g!)));
      h = tf.mul(gate(ra, o!), tf.tanh(c));
    } else {
      const [xz, xr, xh] = tf.split(x, 3, 1);
      const inner = tf.matMul(h, u.slice([0, 0], [U, 2 * U]));
      const [rz, rr] = tf.split(inner, 2, 1);
      const z = gate(ra, tf.add(xz!, rz!)), r = gate(ra, tf.add(xr!, rr!));
      const hh = tf.tanh(tf.add(xh!, tf.matMul(tf.mul(r, h), u.slice([0, 2 * U], [U, U]))));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
    }
    out.push(h);
  }
  return tf.stack(out);
}

const CASES: [CellKind, GateActivation, number, number, number][] = [
  ['lstm', 'sigmoid', 5, 3, 4], ['lstm', 'hard_sigmoid', 7, 2, 6], ['lstm', 'sigmoid', 1, 4, 3],
  ['gru', 'sigmoid', 6, 3, 5], ['gru', 'hard_sigmoid', 4, 5, 2],
  ['simple_rnn', 'sigmoid', 8, 3, 7],
  // Large enough (tens of MB with the references) that the wasm heap grows inside the
  // kernels, which detaches every view taken before: they must be taken again.
  ['lstm', 'sigmoid', 40, 64, 96], ['gru', 'sigmoid', 40, 64, 96],
];

describe.each(['cpu', 'wasm'])('fused recurrent kernels on %s', (backend) => {
  it.each(CASES)('%s (%s gates), T=%i B=%i U=%i: states and gradients equal the tf-op recurrence', async (kind, ra, T, B, U) => {
    await selectBackend(backend);
    const G = GATE_COUNT[kind];
    const seed = T * 100 + B * 10 + U;
    const xw = tf.randomNormal([T, B, G * U], 0, 1, 'float32', seed) as tf.Tensor3D;
    // Recurrent weights of Glorot's scale, so the pre-activations stay in range at any U.
    const u = tf.randomNormal([U, G * U], 0, Math.min(0.5, 1 / Math.sqrt(U)), 'float32', seed + 1) as tf.Tensor2D;
    const h0 = tf.randomNormal([B, U], 0, 0.5, 'float32', seed + 2) as tf.Tensor2D;
    const c0 = kind === 'lstm' ? tf.randomNormal([B, U], 0, 0.5, 'float32', seed + 3) as tf.Tensor2D : tf.zeros([B, U]) as tf.Tensor2D;
    const weights = tf.randomNormal([T, B, U], 0, 1, 'float32', seed + 4);
    const loss = (hs: tf.Tensor) => tf.sum(tf.mul(hs, weights)) as tf.Scalar;
    // Recurrent dropout's mask (rate 0.5: zeros and twos) on every other case, ones on the rest.
    const masked = seed % 2 === 1;
    const mask = (masked ? tf.mul(tf.step(tf.randomUniform([B, U], -1, 1, 'float32', seed + 5)), 2) : tf.ones([B, U])) as tf.Tensor2D;
    // The kernel takes xw batch-major ([B, T, G·U]); the reference, time-major.
    const batchMajor = (v: tf.Tensor) => tf.transpose(v, [1, 0, 2]) as tf.Tensor3D;
    close(recurrentSequence(kind, batchMajor(xw), u, { h0, c0, hmask: mask }, 'tanh', ra)[0]!, reference(kind, xw, u, h0, c0, ra, masked ? mask : undefined));
    // Only an LSTM carries a cell state; the others' c0 is a placeholder.
    const wrt = kind === 'lstm' ? [xw, u, h0, c0] : [xw, u, h0];
    const ours = tf.grads((...v: tf.Tensor[]) => loss(recurrentSequence(kind, batchMajor(v[0]!), v[1] as tf.Tensor2D, { h0: v[2] as tf.Tensor2D, c0: (v[3] ?? c0) as tf.Tensor2D, hmask: mask }, 'tanh', ra)[0]!))(wrt);
    const theirs = tf.grads((...v: tf.Tensor[]) => loss(reference(kind, v[0] as tf.Tensor3D, v[1] as tf.Tensor2D, v[2] as tf.Tensor2D, (v[3] ?? c0) as tf.Tensor2D, ra, masked ? mask : undefined)))(wrt);
    ours.forEach((g, i) => close(g, theirs[i]!, 1e-4, `gradient ${i}`));
  });

  it.each(['lstm', 'gru', 'simple_rnn'] as CellKind[])('%s from a zero state (no state inputs): states and gradients equal the recurrence from zeros', async (kind) => {
    await selectBackend(backend);
    const [T, B, U, G] = [5, 3, 4, GATE_COUNT[kind]];
    const xw = tf.randomNormal([T, B, G * U], 0, 1, 'float32', 11) as tf.Tensor3D;
    const u = tf.randomNormal([U, G * U], 0, 0.5, 'float32', 12) as tf.Tensor2D;
    const zeros = tf.zeros([B, U]) as tf.Tensor2D;
    const weights = tf.randomNormal([T, B, U], 0, 1, 'float32', 13);
    const loss = (hs: tf.Tensor) => tf.sum(tf.mul(hs, weights)) as tf.Scalar;
    const batchMajor = (v: tf.Tensor) => tf.transpose(v, [1, 0, 2]) as tf.Tensor3D;
    close(recurrentSequence(kind, batchMajor(xw), u, undefined, 'tanh', 'sigmoid')[0]!, reference(kind, xw, u, zeros, zeros, 'sigmoid'));
    const ours = tf.grads((x: tf.Tensor, w: tf.Tensor) => loss(recurrentSequence(kind, batchMajor(x), w as tf.Tensor2D, undefined, 'tanh', 'sigmoid')[0]!))([xw, u]);
    const theirs = tf.grads((x: tf.Tensor, w: tf.Tensor) => loss(reference(kind, x as tf.Tensor3D, w as tf.Tensor2D, zeros, zeros, 'sigmoid')))([xw, u]);
    ours.forEach((g, i) => close(g, theirs[i]!, 1e-4, `gradient ${i}`));
  });
});

/** A model around one recurrent layer (or a Bidirectional of it), fused or stock, with the
 *  same weights. */
function wrapped(fused: boolean, kind: CellKind, config: Record<string, unknown>, bidirectional: boolean, shape: number[], weights?: tf.Tensor[]): tf.LayersModel {
  const fn = kind === 'simple_rnn' ? 'simpleRNN' : kind;
  const make = fused ? (nncLayers as unknown as Record<string, (c: object) => tf.layers.Layer>)[fn]! : (tf.layers as unknown as Record<string, (c: object) => tf.layers.Layer>)[fn]!;
  let layer = make({ ...config, kernelInitializer: 'glorotNormal', recurrentInitializer: 'glorotNormal', biasInitializer: 'randomNormal' });
  if (bidirectional) layer = tf.layers.bidirectional({ layer: layer as tf.RNN, mergeMode: 'concat' });
  const input = tf.input({ shape });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  if (weights) model.setWeights(weights);
  return model;
}

/** tf.dropout with a fixed seed: the same mask for the same shape, every call. */
function seededDropout(x: tf.Tensor, rate: number): tf.Tensor {
  return tf.dropout(x, rate, undefined, 7);
}

const LAYER_CASES: [CellKind, Record<string, unknown>, boolean][] = [
  ['lstm', { units: 5 }, false],
  ['lstm', { units: 4, returnSequences: true, goBackwards: true, recurrentActivation: 'sigmoid' }, false],
  ['lstm', { units: 3, returnSequences: true }, true],
  ['gru', { units: 6, recurrentActivation: 'sigmoid' }, false],
  ['gru', { units: 3, returnSequences: true, goBackwards: true }, true],
  ['simple_rnn', { units: 7, returnSequences: true }, false],
  ['simple_rnn', { units: 4, goBackwards: true, activation: 'relu' }, true],
  // Dropout while training, with the same seeded masks on both sides (tfjs-layers' hook; not
  // with bidirectional, whose backward copy is rebuilt from the config, without the hook).
  ['lstm', { units: 5, dropout: 0.3, recurrentDropout: 0.4, dropoutFunc: seededDropout }, false],
  ['gru', { units: 4, dropout: 0.5, recurrentDropout: 0.25, returnSequences: true, dropoutFunc: seededDropout }, false],
  ['simple_rnn', { units: 6, recurrentDropout: 0.5, goBackwards: true, dropoutFunc: seededDropout }, false],
];

/** The fused layer (or a Bidirectional of it) against tfjs-layers' with the same weights, on
 *  a batch of `batch` random sequences of `shape`: outputs, then weight and input gradients
 *  of a training-mode loss. */
function expectLayerTwins(kind: CellKind, config: Record<string, unknown>, bidirectional: boolean, shape: number[], batch: number, seed: number): void {
  tf.tidy(() => {
    const stock = wrapped(false, kind, config, bidirectional, shape);
    const fused = wrapped(true, kind, config, bidirectional, shape, stock.getWeights());
    if (bidirectional) expect((fused.layers[1] as unknown as { forwardLayer: object }).forwardLayer.constructor.name).toBe('Fused');
    const x = tf.randomNormal([batch, ...shape], 0, 1, 'float32', seed);
    close(fused.predict(x) as tf.Tensor, stock.predict(x) as tf.Tensor);
    const target = tf.randomNormal((stock.predict(x) as tf.Tensor).shape, 0, 1, 'float32', seed + 1);
    const loss = (m: tf.LayersModel, xIn: tf.Tensor) => tf.losses.meanSquaredError(target, m.apply(xIn, { training: true }) as tf.Tensor) as tf.Scalar;
    const gradsOf = (m: tf.LayersModel) => [
      ...Object.values(tf.variableGrads(() => loss(m, x), m.trainableWeights.map((w) => w.read() as tf.Variable)).grads),
      tf.grad((xIn: tf.Tensor) => loss(m, xIn))(x),
    ];
    const g1 = gradsOf(fused), g2 = gradsOf(stock);
    expect(g1.length).toBe(g2.length);
    g1.forEach((g, i) => close(g, g2[i]!, 1e-4));
  });
}

describe.each(['cpu', 'wasm'])('fused layers on %s', (backend) => {
  it.each(LAYER_CASES)('%s %o (bidirectional: %s): outputs, weight and input gradients equal tfjs-layers\'', async (kind, config, bidirectional) => {
    await selectBackend(backend);
    expectLayerTwins(kind, config, bidirectional, [6, 3], 4, 3);
  });

  it('outputs, weight and input gradients equal tfjs-layers\' on random shapes and options', async () => {
    await selectBackend(backend);
    const layerCase = fc.record({
      // At least 2 steps: over one, tfjs-layers' own input gradient fails (its Unpack gradient
      // stacks a missing one), which the fused layer does not share.
      kind: fc.constantFrom<CellKind>('lstm', 'gru', 'simple_rnn'), batch: fc.integer({ min: 1, max: 5 }), steps: fc.integer({ min: 2, max: 8 }),
      features: fc.integer({ min: 1, max: 6 }), units: fc.integer({ min: 1, max: 9 }), returnSequences: fc.boolean(), goBackwards: fc.boolean(),
      recurrentActivation: fc.constantFrom('sigmoid', 'hardSigmoid'), bidirectional: fc.boolean(), seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(fc.property(layerCase, (c) => {
      const config = { units: c.units, returnSequences: c.returnSequences, goBackwards: c.goBackwards, ...(c.kind !== 'simple_rnn' && { recurrentActivation: c.recurrentActivation }) };
      expectLayerTwins(c.kind, config, c.bidirectional, [c.steps, c.features], c.batch, c.seed);
    }), { numRuns: 20 });
  });

  it('falls back to tfjs-layers for sequence masks, and saves as the stock class', async () => {
    await selectBackend(backend);
    const input = tf.input({ shape: [5], dtype: 'int32' });
    const embedded = tf.layers.embedding({ inputDim: 6, outputDim: 3, maskZero: true }).apply(input);
    const stockOut = tf.layers.lstm({ units: 2 }).apply(embedded) as tf.SymbolicTensor;
    const stock = tf.model({ inputs: input, outputs: stockOut });
    const input2 = tf.input({ shape: [5], dtype: 'int32' });
    const emb2 = tf.layers.embedding({ inputDim: 6, outputDim: 3, maskZero: true }).apply(input2);
    const fused = tf.model({ inputs: input2, outputs: nncLayers.lstm({ units: 2 }).apply(emb2) as tf.SymbolicTensor });
    fused.setWeights(stock.getWeights());
    const ids = tf.tensor2d([[1, 2, 0, 0, 0], [3, 4, 5, 1, 0]], [2, 5], 'int32');
    close(fused.predict(ids) as tf.Tensor, stock.predict(ids) as tf.Tensor);
    const json = fused.toJSON(null, false) as { config: { layers: { class_name: string }[] } };
    expect(json.config.layers.map((l) => l.class_name)).toContain('LSTM');
  });
});

describe.each(['cpu', 'wasm'])('fused optimizer updates on %s', (backend) => {
  it.each([
    ['rmsprop', () => new FusedRMSProp(0.01, 0.9, 0.5, 1e-7), () => tf.train.rmsprop(0.01, 0.9, 0.5, 1e-7)],
    ['adam', () => new FusedAdam(0.01, 0.9, 0.999, 1e-7), () => tf.train.adam(0.01, 0.9, 0.999, 1e-7)],
  ] as const)('%s: five steps give tfjs\'s values and state, and the state saves under tfjs\'s names', async (_, fused, stock) => {
    await selectBackend(backend);
    const start = [tf.randomNormal([3, 4], 0, 1, 'float32', 1), tf.randomNormal([4], 0, 1, 'float32', 2)];
    const target = tf.randomNormal([5, 4], 0, 1, 'float32', 3), x = tf.randomNormal([5, 3], 0, 1, 'float32', 4);
    const run = async (opt: tf.Optimizer) => {
      const [w, b] = start.map((t) => tf.variable(t.clone()));
      for (let i = 0; i < 5; i++) opt.minimize(() => tf.losses.meanSquaredError(target, tf.add(tf.matMul(x, w!), b!)) as tf.Scalar);
      return { vars: [w!, b!], state: await opt.getWeights() };
    };
    const a = await run(fused()), b = await run(stock());
    a.vars.forEach((v, i) => close(v, b.vars[i]!, 1e-5));
    // Variables are auto-named (a counter); the state's suffixes must be tfjs's.
    const suffixes = (st: { name: string }[]) => st.map((s) => s.name.replace(/^\d+\//, ''));
    expect(suffixes(a.state)).toEqual(suffixes(b.state));
    a.state.forEach((s, i) => close(s.tensor, b.state[i]!.tensor, 1e-5));
  });
});

describe.each(['cpu', 'wasm'])('no leaks on %s', (backend) => {
  it.each(['lstm', 'gru', 'simpleRNN'])('%s with dropout in a bidirectional model trains for 20 steps with a constant tensor and buffer count', async (kind) => {
    await selectBackend(backend);
    const input = tf.input({ shape: [6, 3] });
    const layer = (nncLayers as unknown as Record<string, (c: object) => tf.RNN>)[kind]!({ units: 5, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2 });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(tf.layers.bidirectional({ layer }).apply(input)) as tf.SymbolicTensor });
    const x = tf.randomNormal([4, 6, 3]), y = tf.randomNormal([4, 6, 1]);
    const optimizer = new FusedAdam(1e-3, 0.9, 0.999, 1e-7);
    const step = () => tf.dispose(optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true) ?? []);
    step();
    const [tensors, buffers] = [tf.memory().numTensors, tf.backend().numDataIds()];
    for (let i = 0; i < 20; i++) step();
    // The kernels' own buffers (per-step matmul results, transposes) are freed as they go.
    expect([tf.memory().numTensors, tf.backend().numDataIds()]).toEqual([tensors, buffers]);
  });
});
