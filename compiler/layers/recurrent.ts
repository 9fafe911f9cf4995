// Recurrent layers and the wrappers around them.
import { Dim } from '../shapes/dim.js';
import { shape } from '../shapes/shape.js';
import { RuleError } from '../diagnostics.js';
import { activationParam, P, tfjsActivation, type LayerCtx, type LayerDef } from './types.js';

/** Weight matrices per recurrent cell: SimpleRNN 1, GRU 3 (tfjs has no reset_after), LSTM 4. */
const GATES: Record<string, number> = { simple_rnn: 1, gru: 3, lstm: 4 };
const TFJS_FN: Record<string, string> = { simple_rnn: 'simpleRNN', gru: 'gru', lstm: 'lstm' };

function rnnLayer(name: 'simple_rnn' | 'lstm' | 'gru', doc: string): LayerDef {
  const gated = name !== 'simple_rnn';
  return {
    name, category: 'recurrent', arity: 1, recurrent: true, sequence: true, doc,
    shapeDoc: '[b, t, f] → [b, units], or [b, t, units] with return_sequences',
    params: [
      P.units('Size of the hidden state.'),
      { ...activationParam(false, 'tanh'), doc: 'Activation of the candidate state.' },
      ...(gated ? [P.enum('recurrent_activation', ['sigmoid', 'hard_sigmoid'], 'Activation of the gates.', 'sigmoid')] : []),
      P.bool('return_sequences', 'Return the output of every time step, not only the last.', false),
      P.float('dropout', 'Dropout rate on the inputs, in [0, 1).', { default: { kind: 'float', value: 0 }, min: 0, max: 1, maxExclusive: true }),
      P.float('recurrent_dropout', 'Dropout rate on the recurrent state, in [0, 1).', { default: { kind: 'float', value: 0 }, min: 0, max: 1, maxExclusive: true }),
      P.bool('go_backwards', 'Process the sequence in reverse.', false),
    ],
    outputShape(ctx) {
      const x = ctx.input(3);
      ctx.known(x.dims[2]!, `${name} sizes its kernel by the feature axis`);
      const u = ctx.dim('units');
      return ctx.bool('return_sequences') ? shape([x.dims[0]!, x.dims[1]!, u]) : shape([x.dims[0]!, u]);
    },
    paramCount(ctx) {
      const f = ctx.inputs[0]!.dims[2]!, u = ctx.dim('units');
      return f.add(u).mul(u).add(u).mul(Dim.const(GATES[name]!));
    },
    tfjs(ctx) {
      const config: Record<string, unknown> = {
        units: ctx.int('units'), activation: tfjsActivation(ctx.enum('activation')), returnSequences: ctx.bool('return_sequences'),
        dropout: ctx.float('dropout'), recurrentDropout: ctx.float('recurrent_dropout'), goBackwards: ctx.bool('go_backwards'),
      };
      if (gated) config.recurrentActivation = tfjsActivation(ctx.enum('recurrent_activation'));
      // The runtime's fused layers (same weights and class names as tfjs-layers').
      return { fn: TFJS_FN[name]!, config, runtime: true };
    },
  };
}

function requireRecurrent(ctx: LayerCtx, wrapper: string) {
  const inner = ctx.layer('layer');
  if (!(inner.layer in GATES)) {
    throw RuleError.of('E0222', { wrapper, found: inner.layer, expected: 'a recurrent layer (simple_rnn, lstm or gru)' }, { at: 'layer' });
  }
  return inner;
}

export const recurrentLayers: LayerDef[] = [
  rnnLayer('simple_rnn', 'Fully connected recurrent layer: `h_t = activation(x_t · W + h_{t-1} · U + b)`.'),
  rnnLayer('lstm', 'Long short-term memory: input, forget and output gates around a cell state carry information across long sequences.'),
  rnnLayer('gru', 'Gated recurrent unit: update and reset gates; cheaper than an LSTM with similar accuracy.'),
  {
    name: 'bidirectional', category: 'recurrent', arity: 1, sequence: true,
    doc: 'Runs a recurrent layer forwards and backwards over the sequence and merges both outputs.',
    shapeDoc: '[b, t, f] → [b, 2*units] (merge: concat)',
    params: [P.layer('layer', 'The recurrent layer to run both ways.'),
      P.enum('merge', ['concat', 'sum', 'mul', 'ave'], 'How to merge the two directions.', 'concat')],
    outputShape(ctx) {
      const inner = requireRecurrent(ctx, 'bidirectional');
      const out = ctx.apply(inner, ctx.input(3)).shape;
      if (ctx.enum('merge') !== 'concat') return out;
      return { ...out, dims: [...out.dims.slice(0, -1), out.dims[out.dims.length - 1]!.mul(Dim.const(2))] };
    },
    paramCount: (ctx) => ctx.apply(ctx.layer('layer'), ctx.inputs[0]!).params.mul(Dim.const(2)),
    tfjs: (ctx) => ({ fn: 'bidirectional', config: { layer: 'layer', mergeMode: ctx.enum('merge') } }),
  },
  {
    name: 'time_distributed', category: 'recurrent', arity: 1,
    doc: 'Applies a layer to every time step independently (the same weights at each step).',
    shapeDoc: '[b, t, ...] → [b, t, ...layer output]',
    params: [P.layer('layer', 'The layer to apply at each step.')],
    outputShape(ctx) {
      const x = ctx.input({ min: 3 });
      const stepShape = shape([x.dims[0]!, ...x.dims.slice(2)]);
      const out = ctx.apply(ctx.layer('layer'), stepShape).shape;
      return shape([out.dims[0]!, x.dims[1]!, ...out.dims.slice(1)]);
    },
    paramCount(ctx) {
      const x = ctx.inputs[0]!;
      return ctx.apply(ctx.layer('layer'), shape([x.dims[0]!, ...x.dims.slice(2)])).params;
    },
    tfjs: () => ({ fn: 'timeDistributed', config: { layer: 'layer' } }),
  },
];

