// Checked IR → tfjs LayersModel through the functional API. Layers are made from the layer
// table's tfjs configs, named as in the source (so checkpoints and errors use the user's
// names); nodes with one layerId share one layer. Every output shape is compared with the
// checker's static shape, so a disagreement between the two is caught where it happens.
import * as tf from '@tensorflow/tfjs';
import type { IRNode, ModelIR } from '../../compiler/ir.js';
import { layerConfigs } from '../../compiler/layers/config.js';
import type { LayerConfig } from '../../compiler/layers/types.js';
import type { Dim } from '../../compiler/shapes/dim.js';
import { formatShape, type Shape } from '../../compiler/shapes/shape.js';
import { nestedBindings } from '../../compiler/shapes/nested.js';
import { substituteShape, type LayerInstance } from '../../compiler/ir.js';
import { nncLayers } from '../model/custom.js';
import { fault } from '../errors.js';
import { tfjsLayerFactory, type LayerFactory } from '../kernels/tfjs-internals.js';

export type Bindings = ReadonlyMap<string, Dim>;

/** Instantiates a layer-table config; wrappers get their inner layer built first. */
function makeLayer(cfg: LayerConfig, name: string, inner?: tf.layers.Layer): tf.layers.Layer {
  const factory = cfg.runtime ? (nncLayers as Record<string, LayerFactory | undefined>)[cfg.fn] : tfjsLayerFactory(cfg.fn);
  if (!factory) throw fault('build', `no tfjs layer '${cfg.fn}' for ${name}`);
  const config: Record<string, unknown> = { ...cfg.config, name };
  if (config['layer'] === 'layer') config['layer'] = inner;
  for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
  return factory(config);
}

function tableLayer(instance: LayerInstance, inputShapes: Shape[], name: string, b: Bindings): tf.layers.Layer {
  const { config, inner } = layerConfigs(instance, inputShapes, name, b);
  return makeLayer(config, name, inner && makeLayer(inner.config, inner.name));
}

const runtimeShape = (t: tf.SymbolicTensor) => `[${t.shape.map((d) => d ?? '?').join(', ')}]`;

function assertShape(node: IRNode, t: tf.SymbolicTensor, b: Bindings, model: string) {
  const want = substituteShape(node.shape, b).dims;
  const ok = want.length === t.shape.length && want.every((d, i) => d.value === undefined || t.shape[i] === null || d.value === t.shape[i]);
  if (!ok) throw fault('build', `${model}.${node.name}: the checker says ${formatShape(substituteShape(node.shape, b))} but tfjs made ${runtimeShape(t)}`);
}

/** Builds `model` with named dims bound by `bindings` (e.g. vocab → 57). */
export function buildModel(model: ModelIR, bindings: Bindings = new Map(), name = model.name): tf.LayersModel {
  const tensors = new Map<number, tf.SymbolicTensor>();
  const shared = new Map<number, tf.layers.Layer | tf.LayersModel>();
  for (const node of model.nodes) {
    if (node.op === 'input') {
      const dims = substituteShape(node.shape, bindings).dims.slice(1).map((d) => d.value ?? null);
      tensors.set(node.id, tf.input({ shape: dims, name: node.name, dtype: node.shape.dtype }));
      continue;
    }
    const inputs = node.inputs.map((i) => tensors.get(i)!);
    let layer = node.layerId === undefined ? undefined : shared.get(node.layerId);
    if (!layer) {
      const instance: LayerInstance = { id: node.layerId ?? -1, layer: node.layer!, isModel: !!node.model, args: node.args ?? new Map(), span: node.span, model: node.model };
      layer = node.model
        ? buildModel(node.model, nestedBindings(model, node, node.model, bindings), node.name)
        : tableLayer(instance, node.inputs.map((i) => model.nodes[i]!.shape), node.name, bindings);
      if (node.layerId !== undefined) shared.set(node.layerId, layer);
    }
    const out = layer.apply(inputs.length === 1 ? inputs[0]! : inputs) as tf.SymbolicTensor | tf.SymbolicTensor[];
    const first = Array.isArray(out) ? out[0]! : out;
    assertShape(node, first, bindings, model.name);
    tensors.set(node.id, first);
  }
  return tf.model({
    name,
    inputs: model.inputs.map((i) => tensors.get(i.node)!),
    outputs: model.outputs.map((o) => tensors.get(o.node)!),
  });
}
