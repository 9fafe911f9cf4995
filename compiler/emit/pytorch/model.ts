// One checked model → one torch.nn.Module class: the source's layer names as attribute
// names, its `///` doc as the docstring, each forward line's shape as a comment. Tensors
// stay channels-last as in the source (nnc_keras.py permutes inside convolutions).
import type { Span } from '../../../grammar/ast.js';
import { substituteArgs, substituteShape, type IRNode, type LayerInstance, type ModelIR } from '../../ir.js';
import { layerCtx } from '../../layers/ctx.js';
import { LAYERS } from '../../layers/index.js';
import type { Dim } from '../../shapes/dim.js';
import { nestedBindings } from '../../shapes/nested.js';
import { formatShape, shape, type Shape } from '../../shapes/shape.js';
import { TORCH_LAYERS, wrapped, type TorchCtx } from './layers.js';
import { pyComment, pyDoc, pyIdents, pyStr } from './python.js';

/** A node the PyTorch back end cannot emit, and why. */
export interface Refusal {
  model: string; node: string; reason: string; span: Span; file: string;
  /** Only for want of data: named dims that the data of a train task would bind. */
  unbound?: true;
}

const UNBOUND = 'no train task\'s data bind the named dims it needs';

/** Dims without the batch axis; a named dim no data bound is NaN, which only the layers
 *  that size weights or reshape by it need (checked on the text they make). */
const concrete = (s: Shape): number[] => s.dims.slice(1).map((d) => d.value ?? NaN);
const unbound = (text: string) => /\bNaN\b/.test(text);

/** The TorchCtx of a table layer applied to `inputs` (dims already bound). */
function torchCtx(instance: LayerInstance, inputs: readonly Shape[], out: Shape, b: ReadonlyMap<string, Dim>): TorchCtx | string {
  const args = substituteArgs(instance.args, b);
  const layer = layerCtx(instance.layer, args, inputs);
  const ctx: TorchCtx = { layer, in: inputs.map(concrete), out: concrete(out) };
  const inner = wrapped(args);
  if (inner) {
    const x = inputs[0]!;
    const innerIn = instance.layer === 'time_distributed' ? shape([x.dims[0]!, ...x.dims.slice(2)]) : x;
    const innerCtx = layerCtx(inner.layer, inner.args, [innerIn]);
    const innerOut = LAYERS.get(inner.layer)!.outputShape(innerCtx);
    const ic = torchCtx(inner, [innerIn], innerOut, b);
    if (typeof ic === 'string') return ic;
    const entry = TORCH_LAYERS[inner.layer];
    if (!entry) return `${instance.layer} wraps ${inner.layer}, which has no PyTorch mapping`;
    const why = entry.refuse?.(ic);
    if (why) return why;
    // One step of the wrapped layer over `x` with its module as `layer`, when it does more
    // than call the module (an activation after a dense layer).
    const step = entry.call(ic, ['x'], 'layer');
    ctx.inner = (backwards = false) => ({
      module: backwards && entry.backward ? entry.backward(ic) : entry.module?.(ic) ?? `K.Lambda(lambda x: ${entry.call(ic, ['x'], '')})`,
      weights: typeof entry.weights === 'function' ? entry.weights(ic) : entry.weights,
      ...(entry.module && step !== 'layer(x)' && { step }),
    });
  }
  return ctx;
}

/** Where a model used as a layer gets its class (emitted once per instantiation). */
export type NestedClass = (model: ModelIR, b: ReadonlyMap<string, Dim>) => { name: string } | { refusals: Refusal[] };

/** The class for `model` with named dims bound by `b`, or the refusals that stop it. */
export function emitModelClass(model: ModelIR, className: string, b: ReadonlyMap<string, Dim>, nested: NestedClass): { text: string } | { refusals: Refusal[] } {
  const refusals: Refusal[] = [];
  const refuse = (n: IRNode, reason: string, unbound = false) =>
    refusals.push({ model: model.name, node: n.name, reason, span: n.span, file: model.file, ...(unbound && { unbound: true as const }) });
  // Attributes: one per layer (shared applications share it); variables: one per node.
  const layerNodes = model.nodes.filter((n, i) => n.op === 'layer' && (n.layerId === undefined || model.nodes.findIndex((m) => m.layerId === n.layerId) === i));
  const attrs = new Map<number, string>();
  pyIdents(layerNodes.map((n) => n.name)).forEach((id, i) => attrs.set(layerNodes[i]!.layerId ?? -1 - layerNodes[i]!.id, id));
  const attrOf = (n: IRNode) => attrs.get(n.layerId ?? -1 - n.id)!;
  const vars = new Map<number, string>();
  pyIdents(model.nodes.map((n) => n.name), ['self', 'torch', 'nn', 'F', 'K', 'R']).forEach((id, i) => vars.set(model.nodes[i]!.id, id));

  const init: string[] = [], forward: string[] = [], tfjs: string[] = [];
  const made = new Set<string>();
  for (const n of model.nodes) {
    if (n.op === 'input') continue;
    if (n.model) {
      const inner = nested(n.model, nestedBindings(model, n, n.model, b));
      if ('refusals' in inner) { refusals.push(...inner.refusals); continue; }
      const attr = attrOf(n);
      if (!made.has(attr)) {
        made.add(attr);
        init.push(`        self.${attr} = ${inner.name}()`);
        tfjs.push(`        ${pyStr(attr)}: ("model", ${pyStr(n.name)}),`);
      }
      // tfjs applies a nested model as a layer with its first output.
      const first = n.model.outputs.length > 1 ? '[0]' : '';
      forward.push(`        ${vars.get(n.id)} = self.${attr}(${n.inputs.map((i) => vars.get(i)!).join(', ')})${first}  # ${pyComment(formatShape(substituteShape(n.shape, b)))}`);
      continue;
    }
    const entry = TORCH_LAYERS[n.layer!];
    if (!entry) { refuse(n, `${n.layer} has no PyTorch mapping`); continue; }
    const bound = (s: Shape) => substituteShape(s, b);
    const instance: LayerInstance = { id: n.layerId ?? -1, layer: n.layer!, isModel: false, args: n.args ?? new Map(), span: n.span };
    const c = torchCtx(instance, n.inputs.map((i) => bound(model.nodes[i]!.shape)), bound(n.shape), b);
    if (typeof c === 'string') { refuse(n, c, c.startsWith(UNBOUND)); continue; }
    const why = entry.refuse?.(c);
    if (why) { refuse(n, why); continue; }
    const attr = attrOf(n);
    const module = entry.module?.(c);
    const expr = entry.call(c, n.inputs.map((i) => vars.get(i)!), `self.${attr}`);
    if (unbound(`${module} ${expr}`)) { refuse(n, `${UNBOUND} (${formatShape(bound(n.shape))})`, true); continue; }
    if (module && !made.has(attr)) {
      made.add(attr);
      init.push(`        self.${attr} = ${module}`);
      const weights = typeof entry.weights === 'function' ? entry.weights(c) : entry.weights;
      if (weights) tfjs.push(`        ${pyStr(attr)}: (${pyStr(weights)}, ${pyStr(n.name)}),`);
    }
    forward.push(`        ${vars.get(n.id)} = ${expr}  # ${pyComment(formatShape(bound(n.shape)))}`);
  }
  if (refusals.length) return { refusals };

  const inputs = model.inputs.map((i) => vars.get(i.node)!);
  const outputs = model.outputs.map((o) => vars.get(o.node)!);
  const inputShapes = model.inputs.map((i) => `${inputs[model.inputs.indexOf(i)]}: ${pyComment(formatShape(substituteShape(model.nodes[i.node]!.shape, b)))}`);
  const lines = [
    `class ${className}(nn.Module):`,
    pyDoc(model.doc ?? `The model ${model.name} of ${model.file}.`, '    '),
    '',
    '    # Each attribute\'s weight layout and tfjs layer name (nnc_weights.py converts by them).',
    '    TFJS_LAYERS = {',
    ...tfjs,
    '    }',
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...(init.length ? init : ['        pass']),
    '',
    `    def forward(self, ${inputs.join(', ')}):`,
    ...inputShapes.map((s) => `        # ${s}`),
    ...forward,
    `        return ${outputs.join(', ')}`,
  ];
  return { text: lines.join('\n') + '\n' };
}
