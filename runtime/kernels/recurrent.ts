// Fused recurrent kernels: a whole LSTM, GRU or SimpleRNN sequence is one kernel, and its
// gradient (backpropagation through time) is another. tfjs-layers runs some 25 small ops per
// time step and records each for the gradient; on small models that dispatch, not the
// arithmetic, is the cost (about 10 µs per op on wasm). Inside these kernels the recurrent
// matmul of each step is the backend's own BatchMatMul kernel function (XNNPACK on wasm),
// called directly, and the gate arithmetic is a loop over the backend's memory.
//
// Layout: `xw` [B, T, G·U] is the input projection x·W + b of every step (one big matmul
// outside, batch-major as the layer has it: no transposes either way), `u` [U, G·U] the
// recurrent kernel, gates in Keras order (LSTM i, f, c, o; GRU z, r, h); the states and
// what the gradient keeps are time-major ([T, B, ·]: a step's rows are contiguous). Forward
// outputs keep what the gradient needs. `hmask` [B, U] is recurrent dropout as tfjs-layers
// applies it: the previous state times the mask wherever a step reads it (all ones without
// dropout).
import * as tf from '@tensorflow/tfjs';
import { kernelAttrs, runKernel } from './tfjs-internals.js';
import { memoryOf, transposed, type KernelArgs, type Memory } from './memory.js';
import { lstmBackwardStep, scratch, sigmoidInPlace, tanhInPlace } from './native/activations.js';

export type GateActivation = 'sigmoid' | 'hard_sigmoid';
export type CellActivation = 'tanh' | 'relu' | 'linear' | 'sigmoid';
export type CellKind = 'lstm' | 'gru' | 'simple_rnn';

interface Attrs { kind: CellKind; activation: CellActivation; recurrentActivation: GateActivation }

/** An activation and its derivative written in terms of its output y (what is saved). */
const ACT: Record<CellActivation | GateActivation, { f: (x: number) => number; dy: (y: number) => number }> = {
  tanh: { f: Math.tanh, dy: (y) => 1 - y * y },
  sigmoid: { f: (x) => 1 / (1 + Math.exp(-x)), dy: (y) => y * (1 - y) },
  // K.hardSigmoid: clip(0.2·x + 0.5, 0, 1); its slope is 0.2 where it is not clipped.
  hard_sigmoid: { f: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)), dy: (y) => (y > 0 && y < 1 ? 0.2 : 0) },
  relu: { f: (x) => (x > 0 ? x : 0), dy: (y) => (y > 0 ? 1 : 0) },
  linear: { f: (x) => x, dy: () => 1 },
};

export const GATE_COUNT: Record<CellKind, number> = { lstm: 4, gru: 3, simple_rnn: 1 };


/** An activation in place over sc[from, from + n) of the SIMD module's scratch memory: in
 *  wasm SIMD for sigmoid and tanh, in JS for the others. */
function activate(kind: CellActivation | GateActivation, sc: Float32Array, from: number, n: number): void {
  if (kind === 'sigmoid') return sigmoidInPlace(from, n);
  if (kind === 'tanh') return tanhInPlace(from, n);
  const f = ACT[kind].f;
  for (let i = from; i < from + n; i++) sc[i] = f(sc[i]!);
}

/** Copies `n` floats from `src` at `from` into `dst` at `to`. */
const copy = (dst: Float32Array, to: number, src: Float32Array, from: number, n: number) => dst.set(src.subarray(from, from + n), to);

// ---- forward -------------------------------------------------------------------------------

/** Outputs: hs [T, B, U] (the state after each step), then per kind what the gradient needs:
 *  LSTM cs [T, B, U], gates [T, B, 4U] and act(cs) (kept: recomputing it is a tenth of the
 *  backward pass), GRU gates [T, B, 3U] (z, r, h̃), gates activated. */
function forward(args: KernelArgs, name: 'wasm' | 'cpu'): tf.TensorInfo[] {
  const { xw, u, h0, c0, hmask } = args.inputs as Record<string, tf.TensorInfo>;
  const a = kernelAttrs<Attrs>(args.attrs);
  const mem = memoryOf(args.backend, name);
  const [B, T, GU] = xw!.shape as [number, number, number];
  const mask = hmask ? Float32Array.from(mem.view(hmask)) : undefined;
  const G = GATE_COUNT[a.kind], U = GU / G, BU = B * U;
  const hs = mem.alloc([T, B, U]);
  const cs = a.kind === 'lstm' ? mem.alloc([T, B, U]) : undefined;
  const tcs = a.kind === 'lstm' ? mem.alloc([T, B, U]) : undefined;
  const gates = a.kind !== 'simple_rnn' ? mem.alloc([T, B, GU]) : undefined;
  const uh = a.kind === 'gru' ? columns(mem, u!, U, GU, 2 * U, 3 * U) : undefined;
  const hPrev = mem.alloc([B, U]);
  const rhPrev = a.kind === 'gru' ? mem.alloc([B, U]) : undefined;
  if (h0) mem.view(hPrev).set(mem.view(h0));
  else mem.view(hPrev).fill(0);
  const cPrev = new Float32Array(BU);
  if (a.kind === 'lstm' && c0) cPrev.set(mem.view(c0));
  // Pre-activations are written to the SIMD module's scratch memory and activated in place.
  const sc = scratch(B * GU + BU);
  const [act, ra] = [a.activation, a.recurrentActivation];
  for (let t = 0; t < T; t++) {
    if (mask) {
      const hp = mem.view(hPrev);
      for (let k = 0; k < BU; k++) hp[k]! *= mask[k]!;
    }
    const z = mem.matmul(hPrev, [B, U], u!, [U, GU], [B, GU]);
    const base = t * B * GU;
    if (a.kind === 'gru') {
      // z and r need h·U_zr first; the candidate needs (r ⊙ h)·U_h, a second matmul.
      const zv = mem.view(z), x = mem.view(xw!), g = mem.view(gates!), hp = mem.view(hPrev), rp = mem.view(rhPrev!);
      for (let i = 0; i < B; i++) for (let j = 0; j < 2 * U; j++) sc[i * 2 * U + j] = x[(i * T + t) * GU + j]! + zv[i * GU + j]!;
      activate(ra, sc, 0, 2 * BU);
      for (let i = 0; i < B; i++) {
        g.set(sc.subarray(i * 2 * U, (i + 1) * 2 * U), base + i * GU);
        for (let j = 0; j < U; j++) rp[i * U + j] = sc[i * 2 * U + U + j]! * hp[i * U + j]!;
      }
      const cand = mem.matmul(rhPrev!, [B, U], uh!, [U, U], [B, U]);
      const cv = mem.view(cand), xv = mem.view(xw!), gv = mem.view(gates!), hpv = mem.view(hPrev), hsv = mem.view(hs);
      for (let i = 0; i < B; i++) for (let j = 0; j < U; j++) sc[i * U + j] = xv[(i * T + t) * GU + 2 * U + j]! + cv[i * U + j]!;
      activate(act, sc, 0, BU);
      for (let i = 0; i < B; i++) {
        const o = base + i * GU;
        for (let j = 0; j < U; j++) {
          const hh = sc[i * U + j]!, zg = gv[o + j]!;
          gv[o + 2 * U + j] = hh;
          hsv[t * BU + i * U + j] = zg * hpv[i * U + j]! + (1 - zg) * hh;
        }
      }
      mem.free(cand);
    } else if (a.kind === 'simple_rnn') {
      const zv = mem.view(z), x = mem.view(xw!);
      for (let i = 0; i < B; i++) for (let j = 0; j < U; j++) sc[i * U + j] = x[(i * T + t) * U + j]! + zv[i * U + j]!;
      activate(act, sc, 0, BU);
      mem.view(hs).set(sc.subarray(0, BU), t * BU);
    } else {
      const zv = mem.view(z), x = mem.view(xw!), g = mem.view(gates!), hsv = mem.view(hs);
      const cells = B * GU;
      for (let i = 0; i < B; i++) for (let j = 0; j < GU; j++) sc[i * GU + j] = x[(i * T + t) * GU + j]! + zv[i * GU + j]!;
      for (let i = 0; i < B; i++) {
        activate(ra, sc, i * GU, 2 * U);
        activate(act, sc, i * GU + 2 * U, U);
        activate(ra, sc, i * GU + 3 * U, U);
      }
      g.set(sc.subarray(0, B * GU), base);
      for (let i = 0; i < B; i++) {
        for (let j = 0; j < U; j++) {
          const c = sc[i * GU + U + j]! * cPrev[i * U + j]! + sc[i * GU + j]! * sc[i * GU + 2 * U + j]!;
          cPrev[i * U + j] = c;
          sc[cells + i * U + j] = c;
        }
      }
      mem.view(cs!).set(sc.subarray(cells, cells + BU), t * BU);
      activate(act, sc, cells, BU);
      mem.view(tcs!).set(sc.subarray(cells, cells + BU), t * BU);
      for (let i = 0; i < B; i++) for (let j = 0; j < U; j++) hsv[t * BU + i * U + j] = sc[i * GU + 3 * U + j]! * sc[cells + i * U + j]!;
    }
    copy(mem.view(hPrev), 0, mem.view(hs), t * BU, BU);
    mem.free(z);
  }
  mem.free(hPrev);
  if (rhPrev) mem.free(rhPrev);
  if (uh) mem.free(uh);
  return a.kind === 'lstm' ? [hs, cs!, gates!, tcs!] : a.kind === 'gru' ? [hs, gates!] : [hs];
}

/** Columns [from, to) of a [rows, cols] buffer, as a new buffer. */
function columns(mem: Memory, m: tf.TensorInfo, rows: number, cols: number, from: number, to: number): tf.TensorInfo {
  const out = mem.alloc([rows, to - from]);
  const src = mem.view(m), dst = mem.view(out);
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * cols + from, r * cols + to), r * (to - from));
  return out;
}

// ---- backward ------------------------------------------------------------------------------

/** Inputs: dhs [T, B, U] (gradient of the loss by each step's output state), u, h0, c0 and
 *  the forward outputs. Outputs: dxw [B, T, G·U], du [U, G·U], dh0 [B, U], dc0 [B, U]. */
function backward(args: KernelArgs, name: 'wasm' | 'cpu'): tf.TensorInfo[] {
  const { dhs, u, h0, c0, hmask, hs, cs, gates, tcs } = args.inputs as Record<string, tf.TensorInfo>;
  const a = kernelAttrs<Attrs>(args.attrs);
  const mem = memoryOf(args.backend, name);
  const [T, B, U] = hs!.shape as [number, number, number];
  const G = GATE_COUNT[a.kind], GU = G * U, BU = B * U;
  const dact = ACT[a.activation].dy, dra = ACT[a.recurrentActivation].dy;
  const simdLstm = a.activation === 'tanh' && a.recurrentActivation === 'sigmoid';
  // The pre-activation gradients of every step, time-major (for du's one matmul); dxw is
  // the same, batch-major.
  const dzAll = mem.alloc([T, B, GU]);
  const dh0 = mem.alloc([B, U]);
  const dc0 = mem.alloc([B, U]);
  const dz = mem.alloc([B, GU]);
  const dhNext = new Float32Array(BU), dcNext = new Float32Array(BU);
  // c_{-1} when the sequence starts from zeros (no c0 input); read at step 0 only.
  const zeroState = new Float32Array(BU);
  // h_{t-1} ⊙ mask for every step (h0, then hs[0 .. T-2]): what each step read.
  const mask = hmask ? Float32Array.from(mem.view(hmask)) : undefined;
  const prev = mem.alloc([T, B, U]);
  {
    const pv = mem.view(prev);
    if (h0) pv.set(mem.view(h0), 0);
    else pv.fill(0, 0, BU);
    pv.set(mem.view(hs!).subarray(0, (T - 1) * BU), BU);
    if (mask) for (let k = 0; k < T * BU; k++) pv[k]! *= mask[k % BU]!;
  }
  const dCand = a.kind === 'gru' ? mem.alloc([B, U]) : undefined;
  const uT = transposed(mem, u!, U, GU);
  let gruUhT: tf.TensorInfo | undefined;
  if (a.kind === 'gru') {
    const uh = columns(mem, u!, U, GU, 2 * U, 3 * U);
    gruUhT = transposed(mem, uh, U, U);
    mem.free(uh);
  }
  // (r ⊙ h_prev) of every step, transposed [U, T·B], for dU_h in one matmul at the end.
  const rhT = a.kind === 'gru' ? new Float32Array(U * T * B) : undefined;
  for (let t = T - 1; t >= 0; t--) {
    const dhsv = mem.view(dhs!), hsv = mem.view(hs!), pv = mem.view(prev), dzv = mem.view(dz);
    if (a.kind === 'simple_rnn') {
      for (let k = 0; k < BU; k++) dzv[k] = (dhsv[t * BU + k]! + dhNext[k]!) * dact(hsv[t * BU + k]!);
    } else if (a.kind === 'lstm' && simdLstm) {
      // The loop below in wasm SIMD: its inputs are copied into the module's scratch memory.
      const g = mem.view(gates!), csv = mem.view(cs!), c0v = c0 ? mem.view(c0) : zeroState, tcv = mem.view(tcs!);
      const at = { g: 0, cp: 4 * BU, tc: 5 * BU, dhs: 6 * BU, dhn: 7 * BU, dcn: 8 * BU, dz: 9 * BU };
      const sc = scratch(13 * BU);
      sc.set(g.subarray(t * B * GU, (t + 1) * B * GU), at.g);
      sc.set(t > 0 ? csv.subarray((t - 1) * BU, t * BU) : c0v.subarray(0, BU), at.cp);
      sc.set(tcv.subarray(t * BU, (t + 1) * BU), at.tc);
      sc.set(dhsv.subarray(t * BU, (t + 1) * BU), at.dhs);
      sc.set(dhNext, at.dhn);
      sc.set(dcNext, at.dcn);
      lstmBackwardStep(at, B, U);
      dzv.set(sc.subarray(at.dz, at.dz + B * GU));
      dcNext.set(sc.subarray(at.dcn, at.dcn + BU));
    } else if (a.kind === 'lstm') {
      const g = mem.view(gates!), csv = mem.view(cs!), c0v = c0 ? mem.view(c0) : zeroState, tcv = mem.view(tcs!);
      for (let i = 0; i < B; i++) {
        const o = t * B * GU + i * GU;
        for (let j = 0; j < U; j++) {
          const k = i * U + j;
          const ig = g[o + j]!, fg = g[o + U + j]!, cc = g[o + 2 * U + j]!, og = g[o + 3 * U + j]!;
          const cp = t > 0 ? csv[(t - 1) * BU + k]! : c0v[k]!;
          const tc = tcv[t * BU + k]!;
          const dh = dhsv[t * BU + k]! + dhNext[k]!;
          const dc = dh * og * dact(tc) + dcNext[k]!;
          dzv[i * GU + j] = dc * cc * dra(ig);
          dzv[i * GU + U + j] = dc * cp * dra(fg);
          dzv[i * GU + 2 * U + j] = dc * ig * dact(cc);
          dzv[i * GU + 3 * U + j] = dh * tc * dra(og);
          dcNext[k] = dc * fg;
        }
      }
    } else {
      // GRU: h = z ⊙ h_prev + (1 − z) ⊙ h̃, h̃ = act(x_h + (r ⊙ h_prev)·U_h), z, r = ra(x + h_prev·U_zr).
      const g = mem.view(gates!), dcv = mem.view(dCand!);
      for (let i = 0; i < B; i++) {
        const o = t * B * GU + i * GU;
        for (let j = 0; j < U; j++) {
          const k = i * U + j;
          const zg = g[o + j]!, hh = g[o + 2 * U + j]!, hp = pv[t * BU + k]!;
          const dh = dhsv[t * BU + k]! + dhNext[k]!;
          const dhh = dh * (1 - zg) * dact(hh);
          dzv[i * GU + j] = dh * (hp - hh) * dra(zg);
          dzv[i * GU + 2 * U + j] = dhh;
          dcv[k] = dhh;
          dhNext[k] = dh * zg; // the direct path; the two matmul paths are added below
        }
      }
      // d(r ⊙ h_prev) = dh̃_pre · U_hᵀ.
      const drh = mem.matmul(dCand!, [B, U], gruUhT!, [U, U], [B, U]);
      const drhv = mem.view(drh), gv = mem.view(gates!), pv2 = mem.view(prev), dzv2 = mem.view(dz);
      for (let i = 0; i < B; i++) {
        const o = t * B * GU + i * GU;
        for (let j = 0; j < U; j++) {
          const k = i * U + j;
          const r = gv[o + U + j]!, hp = pv2[t * BU + k]!;
          dzv2[i * GU + U + j] = drhv[k]! * hp * dra(r);
          dhNext[k] = dhNext[k]! + drhv[k]! * r;
          rhT![j * T * B + t * B + i] = r * hp;
        }
      }
      mem.free(drh);
    }
    // dzAll[t] = dz (the candidate's slot of a GRU holds the pre-activation gradient too).
    const dzNow = mem.view(dz);
    mem.view(dzAll).set(dzNow.subarray(0, B * GU), t * B * GU);
    // Through the recurrent kernel: dh_prev += dz · Uᵀ (for a GRU, the z and r columns only:
    // the candidate's columns went through r ⊙ h_prev above).
    if (a.kind === 'gru') {
      const dzv3 = mem.view(dz);
      for (let i = 0; i < B; i++) for (let j = 2 * U; j < GU; j++) dzv3[i * GU + j] = 0;
    }
    const back = mem.matmul(dz, [B, GU], uT, [GU, U], [B, U]);
    const bv = mem.view(back);
    // All of it is the gradient by the masked state; the state's own is that times the mask.
    for (let k = 0; k < BU; k++) dhNext[k] = ((a.kind === 'gru' ? dhNext[k]! : 0) + bv[k]!) * (mask ? mask[k]! : 1);
    mem.free(back);
  }
  // du = Σ_t h_{t-1}ᵀ · dz_t, one matmul over all steps; for a GRU the candidate's columns
  // are Σ_t (r ⊙ h_prev)ᵀ · dh̃_pre, another.
  const prevT = transposed(mem, prev, T * B, U);
  const du = mem.matmul(prevT, [U, T * B], dzAll, [T * B, GU], [U, GU]);
  mem.free(prevT);
  if (a.kind === 'gru') {
    const rh = mem.alloc([U, T * B]);
    mem.view(rh).set(rhT!);
    const dCandAll = columns(mem, dzAll, T * B, GU, 2 * U, 3 * U);
    const dUh = mem.matmul(rh, [U, T * B], dCandAll, [T * B, U], [U, U]);
    const duv = mem.view(du), dUhv = mem.view(dUh);
    for (let p = 0; p < U; p++) duv.set(dUhv.subarray(p * U, (p + 1) * U), p * GU + 2 * U);
    [rh, dCandAll, dUh].forEach((x) => mem.free(x));
  }
  const dxw = mem.alloc([B, T, GU]);
  {
    const src = mem.view(dzAll), dst = mem.view(dxw);
    for (let t = 0; t < T; t++) for (let i = 0; i < B; i++) copy(dst, (i * T + t) * GU, src, (t * B + i) * GU, GU);
  }
  mem.free(dzAll);
  mem.view(dh0).set(dhNext);
  mem.view(dc0).set(dcNext);
  mem.free(dz);
  mem.free(prev);
  if (dCand) mem.free(dCand);
  mem.free(uT);
  if (gruUhT) mem.free(gruUhT);
  return [dxw, du, dh0, dc0];
}

// ---- registration --------------------------------------------------------------------------

export const FORWARD = 'NncRecurrentSequence';
/** The same kernel from a zero state without recurrent dropout: no h0, c0 or mask inputs,
 *  so no tensors made to fill them nor saved copies of them (5 engine ops of a ~50-op
 *  SimpleRNN step). */
export const FORWARD_FROM_ZERO = 'NncRecurrentSequenceFromZero';
export const BACKWARD = 'NncRecurrentSequenceGrad';
/** The last step [B, U] of a sequence hs [T, B, U], and its gradient: one copy each way,
 *  where slice + reshape forward and reshape + pad back were four recorded ops. */
const LAST_STEP = 'NncLastStep';
const LAST_STEP_GRAD = 'NncLastStepGrad';

function lastStepKernel({ inputs, backend }: KernelArgs, name: 'wasm' | 'cpu'): tf.TensorInfo {
  const { hs } = inputs as { hs: tf.TensorInfo };
  const [T, B, U] = hs.shape as [number, number, number];
  const mem = memoryOf(backend, name);
  const out = mem.alloc([B, U]);
  mem.view(out).set(mem.view(hs).subarray((T - 1) * B * U));
  return out;
}

function lastStepGradKernel({ inputs, attrs, backend }: KernelArgs, name: 'wasm' | 'cpu'): tf.TensorInfo {
  const { dy } = inputs as { dy: tf.TensorInfo };
  const [B, U] = dy.shape as [number, number];
  const T = (attrs as { steps: number }).steps;
  const mem = memoryOf(backend, name);
  const out = mem.alloc([T, B, U]);
  const v = mem.view(out);
  v.fill(0, 0, (T - 1) * B * U);
  v.set(mem.view(dy), (T - 1) * B * U);
  return out;
}

let registered = false;

/** The gradient of FORWARD (with its state inputs) or FORWARD_FROM_ZERO (without). */
function gradient(withState: boolean): tf.GradConfig['gradFunc'] {
  return (dys, saved, attrs) => {
    const [u, ...rest] = saved as tf.Tensor[];
    const [h0, c0, hmask] = withState ? rest.splice(0, 3) : [];
    const a = kernelAttrs<Attrs>(attrs);
    const names = a.kind === 'lstm' ? ['hs', 'cs', 'gates', 'tcs'] : a.kind === 'gru' ? ['hs', 'gates'] : ['hs'];
    // One output (SimpleRNN) comes as a tensor, several as a list.
    const dhs = Array.isArray(dys) ? dys[0]! : dys;
    const inputs: Record<string, tf.Tensor> = { dhs, u: u!, ...(withState && { h0: h0!, c0: c0!, hmask: hmask! }) };
    names.forEach((n, i) => { inputs[n] = rest[i]!; });
    // Run now, not in the closures: the engine calls each closure inside its own tidy,
    // which would dispose the gradients the other closures return.
    const [dxw, du, dh0, dc0] = runKernel<tf.Tensor[]>(BACKWARD, inputs, attrs);
    const grads: Record<string, () => tf.Tensor> = { xw: () => dxw!, u: () => du! };
    return withState ? { ...grads, h0: () => dh0!, c0: () => dc0!, hmask: () => tf.zerosLike(hmask!) } : grads;
  };
}

/** Registers the kernels for the wasm and cpu backends and the forward kernels' gradients. */
export function registerRecurrentKernels(): void {
  if (registered) return;
  registered = true;
  for (const name of ['wasm', 'cpu'] as const) {
    for (const kernelName of [FORWARD, FORWARD_FROM_ZERO]) tf.registerKernel({ kernelName, backendName: name, kernelFunc: (args) => forward(args, name) });
    tf.registerKernel({ kernelName: BACKWARD, backendName: name, kernelFunc: (args) => backward(args, name) });
    tf.registerKernel({ kernelName: LAST_STEP, backendName: name, kernelFunc: (args) => lastStepKernel(args, name) });
    tf.registerKernel({ kernelName: LAST_STEP_GRAD, backendName: name, kernelFunc: (args) => lastStepGradKernel(args, name) });
  }
  tf.registerGradient({
    kernelName: LAST_STEP,
    gradFunc: (dy, _saved, attrs) => ({ hs: () => tf.engine().runKernel(LAST_STEP_GRAD, { dy: dy as tf.Tensor }, attrs) as tf.Tensor }),
  });
  tf.registerGradient({ kernelName: FORWARD, inputsToSave: ['u', 'h0', 'c0', 'hmask'], outputsToSave: [true, true, true, true], gradFunc: gradient(true) });
  tf.registerGradient({ kernelName: FORWARD_FROM_ZERO, inputsToSave: ['u'], outputsToSave: [true, true, true, true], gradFunc: gradient(false) });
}

/** hs[T − 1] of a sequence hs [T, B, U] (a recurrent layer's output without
 *  return_sequences). */
export function lastStep(hs: tf.Tensor3D): tf.Tensor2D {
  registerRecurrentKernels();
  return runKernel<tf.Tensor2D>(LAST_STEP, { hs }, { steps: hs.shape[0] });
}

/** Runs a sequence: hs [T, B, U] (and for an LSTM the last cell state) from xw [B, T, G·U].
 *  `state`: the initial h0 and c0 [B, U] and the recurrent dropout mask `hmask` [B, U] (ones
 *  for none); without it the sequence starts from zeros, with no dropout. */
export function recurrentSequence(kind: CellKind, xw: tf.Tensor3D, u: tf.Tensor2D, state: { h0: tf.Tensor2D; c0: tf.Tensor2D; hmask: tf.Tensor2D } | undefined, activation: CellActivation, recurrentActivation: GateActivation): tf.Tensor[] {
  registerRecurrentKernels();
  return runKernel<tf.Tensor[]>(state ? FORWARD : FORWARD_FROM_ZERO, { xw, u, ...state }, { kind, activation, recurrentActivation });
}
