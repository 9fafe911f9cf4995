// One layer instance of a checked model → the tfjs factory calls that make it, with named
// dims bound. The interpreter (runtime/interpret/build.ts) calls the factories, the emitter
// (compiler/emit/emit.ts) prints them; both read this one mapping.
import type { Dim } from '../shapes/dim.js';
import type { Shape } from '../shapes/shape.js';
import { substituteArgs, substituteShape, type LayerInstance } from '../ir.js';
import { layerCtx } from './ctx.js';
import { LAYERS } from './index.js';
import type { LayerConfig } from './types.js';

export interface LayerConfigs {
  /** The layer's own factory call; a wrapper's config has `layer: 'layer'` where the
   *  wrapped layer goes. */
  config: LayerConfig;
  /** A wrapper's wrapped layer (bidirectional, time_distributed), with the name it gets. */
  inner?: { config: LayerConfig; name: string };
}

/** The factory calls for `instance` (a layer-table layer, not a nested model) applied to
 *  inputs of `inputShapes`, named `name`, with named dims bound by `b`. */
export function layerConfigs(instance: LayerInstance, inputShapes: readonly Shape[], name: string, b: ReadonlyMap<string, Dim>): LayerConfigs {
  const def = LAYERS.get(instance.layer)!;
  const args = substituteArgs(instance.args, b);
  const ctx = layerCtx(instance.layer, args, inputShapes.map((s) => substituteShape(s, b)));
  const wrapped = args.get('layer');
  const inner = wrapped?.kind === 'layer'
    ? { config: LAYERS.get(wrapped.layer.layer)!.tfjs(layerCtx(wrapped.layer.layer, wrapped.layer.args, [])), name: `${name}_${wrapped.layer.layer}` }
    : undefined;
  return { config: def.tfjs(ctx), ...(inner && { inner }) };
}
