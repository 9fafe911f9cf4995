// The tfjs internals nnc relies on, typed in one place: backend methods its kernels use,
// the wasm backend's Emscripten module, fields of tfjs-layers classes that the typings leave
// out, and kernel calls whose inputs and attributes tfjs types loosely. The rest of the
// runtime reaches them through these functions and never casts its way into tfjs; a tfjs
// upgrade that moves one of them is checked here (tfjs 4.22).
import * as tf from '@tensorflow/tfjs';
import type { WasmMemory } from './native/team.js';

// ---- backends ------------------------------------------------------------------------------

/** tfjs-backend-wasm's Emscripten module: the threaded build exposes its memory as
 *  `wasmMemory`, the single-threaded one as the export `asm.memory`; `tfjs` holds the
 *  functions the backend exports, among them XNNPACK's thread pool. */
export interface WasmModule {
  wasmMemory?: WasmMemory;
  asm?: { memory?: WasmMemory };
  tfjs: { getThreadsCount(): number; initWithThreadsCount(n: number): void };
}

/** The wasm backend's methods over its heap, which our kernels call directly. */
export interface WasmBackend {
  wasm: WasmModule;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view of a tensor's bytes on the heap; the caller names the array its dtype gives. */
  typedArrayFromHeap<A extends Float32Array | Int32Array | Uint8Array = Float32Array>(t: tf.TensorInfo): A;
  incRef(dataId: tf.DataId): void;
  disposeData(dataId: tf.DataId): void;
}

/** The cpu backend's methods our kernels call directly (float32 buffers only). */
export interface CpuBackend {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
  readSync(dataId: tf.DataId): Float32Array;
  disposeData(dataId: tf.DataId): void;
}

/** The backend a kernel is handed (the engine types it `{}`), or tf.backend(), as wasm's. */
export const wasmBackend = (backend: unknown = tf.backend()): WasmBackend => backend as WasmBackend;
/** The backend a kernel is handed, as the cpu backend's. */
export const cpuBackend = (backend: unknown): CpuBackend => backend as CpuBackend;

// ---- kernels -------------------------------------------------------------------------------

/** A kernel's attributes as the kernel declares them: tfjs types attributes as a map of
 *  attribute values, which structured ones (padding objects, our kernels' options) don't fit. */
export const kernelAttrs = <A>(attrs: tf.NamedAttrMap | undefined): A => attrs as unknown as A;

/** Structured attributes as tfjs types attributes, to hand on to a kernel. */
export const asAttrs = (attrs: object): tf.NamedAttrMap => attrs as unknown as tf.NamedAttrMap;

/** tf.engine().runKernel with the inputs and attributes as the kernel takes them (leave an
 *  absent optional input out; don't pass it as undefined); `R` is what the kernel returns. */
export function runKernel<R extends tf.Tensor | tf.Tensor[]>(name: string, inputs: { [name: string]: tf.Tensor }, attrs?: object): R {
  return tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs && asAttrs(attrs)) as R;
}

/** A kernel function written over its own argument type (a backend typed `unknown`, inputs
 *  by name), as tfjs registers it. */
export const asKernelFunc = <A>(f: (args: A) => tf.TensorInfo | tf.TensorInfo[]): tf.KernelFunc => f as unknown as tf.KernelFunc;

// ---- tfjs-layers ---------------------------------------------------------------------------

/** A tfjs-layers factory, `tf.layers[fn]`, by the layer table's `fn` name (tf.layers is a
 *  namespace of factories, not typed as a record). */
export type LayerFactory = (config: Record<string, unknown>) => tf.layers.Layer;
export const tfjsLayerFactory = (fn: string): LayerFactory | undefined => (tf.layers as unknown as Record<string, LayerFactory | undefined>)[fn];

/** A layer's weight: a LayerVariable (its `read()` is the current value). */
interface Weight { read(): tf.Tensor }

/** Fields of tfjs-layers' Dense, Conv1D and Conv2D (public at run time, not in the typings). */
export interface DenseInternals {
  kernel: Weight;
  bias: Weight | null;
  activation: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
}
export interface ConvInternals extends DenseInternals {
  strides: number[]; padding: string; dataFormat: string; dilationRate: number[];
}
export const denseInternals = (layer: tf.layers.Layer): DenseInternals => layer as unknown as DenseInternals;
export const convInternals = (layer: tf.layers.Layer): ConvInternals => layer as unknown as ConvInternals;

/** Fields of tfjs-layers' LSTMCell, GRUCell and SimpleRNNCell. */
export interface RnnCellInternals {
  kernel: tf.LayerVariable; recurrentKernel: tf.LayerVariable; bias: tf.LayerVariable | null; useBias: boolean;
  units: number; dropout: number; recurrentDropout: number;
  /** A replacement for tf.dropout (tfjs-layers' hook for tests). */
  dropoutFunc?: (x: tf.Tensor, rate: number) => tf.Tensor;
}
export const rnnCellInternals = (layer: tf.RNN): RnnCellInternals => layer.cell as unknown as RnnCellInternals;

/** The layers whose outputs a layer's first application takes (its first inbound node). */
export function inboundLayers(layer: tf.layers.Layer): tf.layers.Layer[] {
  const node = (layer as unknown as { inboundNodes: { inboundLayers: tf.layers.Layer[] }[] }).inboundNodes[0];
  return node?.inboundLayers ?? [];
}

export type LossOrMetric = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** Fields of a compiled LayersModel: its loss functions, one per output, and its metrics;
 *  `feedLossFns`, the losses its checks of the targets' shapes read (class ids [n, 1] pass
 *  where the loss is tfjs's own sparse categorical cross-entropy). */
export interface CompiledModel { lossFunctions?: LossOrMetric[]; metricsTensors: [LossOrMetric, number][]; feedLossFns?: LossOrMetric[] }

/** A compiled model's losses and metrics (a Sequential keeps them on the functional model
 *  it wraps, its `model` field). */
export function compiledModel(model: tf.LayersModel): CompiledModel {
  const inner = model instanceof tf.Sequential ? (model as unknown as { model: tf.LayersModel }).model : model;
  return inner as unknown as CompiledModel;
}

/** Metrics by output name, a list each: tfjs-layers' compile takes them (collectMetrics
 *  wraps a lone one in a list) where its typings allow one metric per output. */
export const metricsByOutput = (m: Record<string, (string | LossOrMetric)[]>): tf.ModelCompileArgs['metrics'] => m as unknown as tf.ModelCompileArgs['metrics'];

/** Losses by output, names and functions mixed (huber is ours): compile resolves each
 *  (losses.get passes a function through) where its typings want all of one kind. */
export const lossesByOutput = (l: (string | LossOrMetric)[]): tf.ModelCompileArgs['loss'] => l as unknown as tf.ModelCompileArgs['loss'];

/** What a saved model of several outputs records of its compile (tfjs-layers' training
 *  config, which tf.loadLayersModel compiles the loaded model with): each output's loss by
 *  tfjs name, a function loss (huber) as mean squared error, and no metrics (tfjs cannot
 *  name a list per output). nnc compiles a loaded model with its own losses before any use. */
export function savableCompile(model: tf.LayersModel, losses: readonly (string | LossOrMetric)[]): void {
  const m = model as unknown as { loss: unknown; metrics: unknown };
  m.loss = losses.map((l) => (typeof l === 'string' ? l : 'meanSquaredError'));
  m.metrics = [];
}

/** A class registered for (de)serialisation: tfjs types the constructor as taking no
 *  arguments, layers' and optimizers' constructors take their config. */
export function registerClass(cls: object): void {
  tf.serialization.registerClass(cls as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
}

// ---- optimizers ----------------------------------------------------------------------------

/** An optimizer's state variable for one weight, as tfjs creates and saves it. */
export interface OptimizerSlot { originalName: string; variable: tf.Variable }
/** Fields of tfjs' RMSPropOptimizer and AdamOptimizer (private in the typings). */
export interface RmspropState { learningRate: number; decay: number; momentum: number; epsilon: number; centered: boolean; accumulatedMeanSquares: OptimizerSlot[]; accumulatedMoments: OptimizerSlot[] }
export interface AdamState { learningRate: number; beta1: number; beta2: number; epsilon: number; accBeta1: tf.Variable; accBeta2: tf.Variable; accumulatedFirstMoment: OptimizerSlot[]; accumulatedSecondMoment: OptimizerSlot[] }
export const rmspropState = (o: tf.RMSPropOptimizer): RmspropState => o as unknown as RmspropState;
export const adamState = (o: tf.AdamOptimizer): AdamState => o as unknown as AdamState;

// ---- gradients -----------------------------------------------------------------------------

/** tf.customGrad of a function of one tensor: customGrad's typings take the inputs and the
 *  save function as one rest parameter. */
export function customGrad1<T extends tf.Tensor>(f: (x: tf.Tensor, save: tf.GradSaveFunc) => { value: T; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor }): (x: tf.Tensor) => T {
  const g = tf.customGrad(f as unknown as Parameters<typeof tf.customGrad<T>>[0]);
  return (x) => g(x);
}
