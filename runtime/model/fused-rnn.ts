// LSTM, GRU and SimpleRNN layers that run on the fused recurrent kernels: subclasses of the
// tfjs-layers classes with the same weights, config and class name, so checkpoints stay
// plain tfjs models (tf.loadLayersModel reads them anywhere) and, registered under the
// stock names, every model nnc deserialises (checkpoints, Bidirectional's two copies) gets
// the fused layers too. Dropout is tfjs-layers': while training, one mask per batch on the
// inputs and one on the recurrent state, the same at every step (from the cell's dropoutFunc
// when it has one, as the stock cell does). Where the kernels do not apply (another backend,
// sequence masks, initial or returned states, stateful layers, other activations) the stock
// implementation runs.
import * as tf from '@tensorflow/tfjs';
import { denseProduct } from '../kernels/dense.js';
import { fusedBackend } from '../kernels/memory.js';
import { lastStep, recurrentSequence, type CellActivation, type CellKind, type GateActivation } from '../kernels/recurrent.js';
import { rnnCellInternals, type RnnCellInternals } from '../kernels/tfjs-internals.js';
import { registerAsStock } from './stock.js';

type Config = Record<string, unknown>;
type Kwargs = Record<string, unknown>;
type RnnClass = new (config: Config) => tf.RNN;

/** The stock classes (not exported by name; their factories give them). */
const STOCK: Record<CellKind, RnnClass> = {
  lstm: tf.layers.lstm({ units: 1 }).constructor as RnnClass,
  gru: tf.layers.gru({ units: 1 }).constructor as RnnClass,
  simple_rnn: tf.layers.simpleRNN({ units: 1 }).constructor as RnnClass,
};

const CELL_ACTIVATIONS: Record<string, CellActivation> = { tanh: 'tanh', relu: 'relu', linear: 'linear', sigmoid: 'sigmoid' };
const GATE_ACTIVATIONS: Record<string, GateActivation> = { sigmoid: 'sigmoid', hardSigmoid: 'hard_sigmoid' };

/** A dropout mask of `shape` while training at `rate` (kept units scaled by 1/(1 − rate)),
 *  as tfjs-layers' generateDropoutMask makes it; null when there is none. */
function dropoutMask(cell: RnnCellInternals, shape: number[], rate: number, training: boolean): tf.Tensor | null {
  if (!training || !(rate > 0 && rate < 1)) return null;
  return cell.dropoutFunc ? cell.dropoutFunc(tf.ones(shape), rate) : tf.dropout(tf.ones(shape), rate);
}

function fusedClass(kind: CellKind): RnnClass {
  const Base = STOCK[kind];
  class Fused extends Base {
    private kernelActivations?: { act: CellActivation; ra: GateActivation } | null;

    /** The kernels' names for this layer's activations, or null if they have none (read
     *  once: getConfig serialises the whole layer). */
    private activations(): { act: CellActivation; ra: GateActivation } | null {
      if (this.kernelActivations === undefined) {
        const c = this.getConfig() as { activation?: string; recurrentActivation?: string };
        const act = CELL_ACTIVATIONS[c.activation ?? 'tanh'];
        const ra = kind === 'simple_rnn' ? 'sigmoid' : GATE_ACTIVATIONS[c.recurrentActivation ?? 'hardSigmoid'];
        this.kernelActivations = act && ra ? { act, ra } : null;
      }
      return this.kernelActivations;
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
      const cell = rnnCellInternals(this);
      const acts = this.activations();
      const training = kwargs['training'] === true;
      const usable = fusedBackend() && acts && kwargs['mask'] == null && kwargs['initialState'] == null
        && !this.stateful && !this.returnState && !(Array.isArray(inputs) && inputs.length > 1);
      if (!usable) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        let x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
        if (this.goBackwards) x = tf.reverse(x, 1);
        const [B, , F] = x.shape;
        const U = cell.units;
        const inputMask = dropoutMask(cell, [B, F], cell.dropout, training);
        if (inputMask) x = tf.mul(x, tf.reshape(inputMask, [B, 1, F]));
        const stateMask = dropoutMask(cell, [B, U], cell.recurrentDropout, training) as tf.Tensor2D | null;
        // The input projection of every step in one kernel (bias fused), batch-major.
        const bias = cell.useBias && cell.bias ? cell.bias.read() : undefined;
        const steps = denseProduct(x, cell.kernel.read(), bias) as tf.Tensor3D;
        // From a zero state; the state inputs only carry recurrent dropout's mask.
        const zeros = stateMask ? tf.zeros([B, U]) as tf.Tensor2D : undefined;
        const state = stateMask && zeros ? { h0: zeros, c0: zeros, hmask: stateMask } : undefined;
        const hs = recurrentSequence(kind, steps, cell.recurrentKernel.read() as tf.Tensor2D, state, acts.act, acts.ra)[0]!;
        return this.returnSequences ? tf.transpose(hs, [1, 0, 2]) : lastStep(hs as tf.Tensor3D);
      });
    }
  }
  registerAsStock(Fused, Base);
  return Fused;
}

export const FusedLSTM = fusedClass('lstm');
export const FusedGRU = fusedClass('gru');
export const FusedSimpleRNN = fusedClass('simple_rnn');
