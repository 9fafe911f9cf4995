// Where a model is used inside another, its own input dims are bound by the tensor it is
// applied to. The interpreter and the emitter both build nested models with these dims.
import type { IRNode, ModelIR } from '../ir.js';
import { substituteShape } from '../ir.js';
import type { Dim } from './dim.js';
import { unifyShapes } from './unify.js';

/** The dims of a nested model, bound where it is applied: its input `[batch, time,
 *  features]` meets the outer tensor `[batch, 24, 1]` (time → 24, features → 1). Outer
 *  bindings stay visible for dims passed in as arguments (`Block(units: vocab)`). */
export function nestedBindings(outer: ModelIR, node: IRNode, inner: ModelIR, bindings: ReadonlyMap<string, Dim>): Map<string, Dim> {
  const own = new Set<string>();
  for (const i of inner.inputs) for (const d of inner.nodes[i.node]!.shape.dims) d.symbols(own);
  const out = new Map([...bindings].filter(([k]) => !own.has(k)));
  inner.inputs.forEach((i, k) => {
    const actual = substituteShape(outer.nodes[node.inputs[k]!]!.shape, bindings);
    unifyShapes(inner.nodes[i.node]!.shape, actual, out, own);
  });
  return out;
}

