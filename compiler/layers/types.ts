// The shape of one entry in the layer table, and the context its rules run in.
import { RuleError } from '../diagnostics.js';
import { Dim } from '../shapes/dim.js';
import type { Shape } from '../shapes/shape.js';
import { formatShape } from '../shapes/shape.js';
import type { LayerInstance, ParamSpec, ParamType, Value } from '../ir.js';

/** A tfjs-layers factory call as plain data: `tf.layers[fn](config)`. Nested layers
 *  (wrappers) appear as another LayerConfig inside `config`. */
export interface LayerConfig {
  fn: string;
  config: Record<string, unknown>;
  /** Built by the runtime's own layer class (runtime/model/custom.ts), not tf.layers: tfjs
   *  4.22 lacks it (subtract, sampling) or cannot train it (causal or dilated convs). */
  runtime?: true;
}


export interface LayerCtx {
  readonly inputs: readonly Shape[];
  readonly args: ReadonlyMap<string, Value>;
  /** An Int argument that must be a concrete number. */
  int(name: string): number;
  /** An Int argument that may be a symbolic dim. */
  dim(name: string): Dim;
  /** An Int-or-list argument expanded to `n` ints (kernel_size: 3 → [3, 3]). */
  ints(name: string, n: number): number[];
  float(name: string): number;
  bool(name: string): boolean;
  enum(name: string): string;
  /** The wrapped layer of a wrapper (bidirectional, time_distributed). */
  layer(name: string): LayerInstance;
  /** Output shape and parameter count of a wrapped layer applied to `input`. */
  apply(inner: LayerInstance, input: Shape): { shape: Shape; params: Dim };
  /** The first input, checked to have a rank in [min, max]. */
  input(rank: number | { min: number; max?: number }, index?: number): Shape;
  /** A dim that must be a known number for this layer, with why. */
  known(d: Dim, what: string): number;
}

export interface LayerDef {
  readonly name: string;
  readonly category: 'core' | 'activation' | 'merge' | 'recurrent' | 'convolution' | 'pooling' | 'normalisation' | 'generative';
  readonly doc: string;
  /** Input and output shapes for the docs, e.g. "[b, t, f] → [b, u]". */
  readonly shapeDoc: string;
  readonly params: readonly ParamSpec[];
  /** How many tensors it takes: 1, or 'many' for merges (at least 2). */
  readonly arity: 1 | 2 | 'many';
  /** A recurrent cell layer (simple_rnn, lstm, gru): what bidirectional wraps, and what the
   *  LSP's quick fix makes return sequences. */
  readonly recurrent?: true;
  /** Takes a [batch, time, features] sequence: a rank error on it says so. */
  readonly sequence?: true;
  /** The activation function it applies to all it outputs (the activation layers): a gan's
   *  check reads the generator's pixel range from it. */
  readonly activation?: string;
  /** Moves values without changing them (flatten, reshape, permute): its output keeps the
   *  range of its input, the activation of the layer before. */
  readonly keepsValues?: true;
  outputShape(ctx: LayerCtx): Shape;
  /** Trainable plus non-trainable weights, as tfjs `countParams()` counts them. */
  paramCount(ctx: LayerCtx): Dim;
  /** The tfjs-layers factory call (ints concrete by now). */
  tfjs(ctx: LayerCtx): LayerConfig;
}

/** A shape rule's error: E0302 when the input has the wrong rank (`hint` picks the help). */
export function rankError(expected: string, found: Shape, layer: string, hint?: 'sequence' | 'flatten' | 'channels'): RuleError {
  return RuleError.of('E0302', { layer, expected, shape: formatShape(found), found: found.dims.length, hint }, { at: 'input' });
}

// Parameter spec helpers: one line per parameter in the tables.
type Opts = { default?: Value; positional?: boolean };
const spec = (name: string, type: ParamType, doc: string, o: Opts = {}): ParamSpec => ({ name, type, doc, ...o });
export const P = {
  units: (doc: string, name = 'units'): ParamSpec => spec(name, { kind: 'int', min: 1, symbolic: true }, doc, { positional: true }),
  int: (name: string, doc: string, o: Opts & { min?: number } = {}) => spec(name, { kind: 'int', min: o.min }, doc, o),
  float: (name: string, doc: string, o: Opts & { min?: number; max?: number; maxExclusive?: boolean } = {}) =>
    spec(name, { kind: 'float', min: o.min, max: o.max, maxExclusive: o.maxExclusive }, doc, o),
  bool: (name: string, doc: string, def: boolean) => spec(name, { kind: 'bool' }, doc, { default: { kind: 'bool', value: def } }),
  enum: (name: string, values: readonly string[], doc: string, def: string | null, positional = false) =>
    spec(name, { kind: 'enum', values, nullable: def === null }, doc, { default: def === null ? { kind: 'null' } : { kind: 'enum', name: def }, positional }),
  ints: (name: string, n: number, doc: string, o: Opts = {}) => spec(name, { kind: 'ints', length: n, min: 1 }, doc, o),
  layer: (name: string, doc: string): ParamSpec => spec(name, { kind: 'layer' }, doc, { positional: true }),
  rest: (name: string, doc: string): ParamSpec => ({ name, type: { kind: 'list', of: { kind: 'int', min: -1, symbolic: true } }, doc, positional: true, rest: true }),
};

export const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'swish', 'gelu'] as const;

/** tfjs spells activations in camelCase. */
export function tfjsActivation(name: string | undefined): string | undefined {
  if (name === undefined || name === 'null') return undefined;
  return name === 'hard_sigmoid' ? 'hardSigmoid' : name;
}

export const activationParam = (positional = false, def: string | null = null) =>
  P.enum('activation', ACTIVATIONS, 'Activation applied to the output; none (linear) by default.', def, positional);

export const ZERO = Dim.const(0);
