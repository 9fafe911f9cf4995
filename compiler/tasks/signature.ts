// What the checker knows about a trained model that prediction needs and the runtime cannot
// see: the input's and output's shapes with their symbolic dims (`[batch, 4]`), how the
// labels encode classes, and the data transforms the samples went through. train lowers it
// into its fields; the train procedure completes it with the data's sizes and vocabularies
// and saves it beside the weights (runtime/io/signature.ts). The pipeline lists the data's
// sources and transforms, outermost first (`normalize`, `windows`, `csv`).
import type { DataValue, TaskIR, Value } from '../ir.js';
import { inShape, outShape } from './fit.js';
import type { Shape } from '../shapes/shape.js';

/** The sources of a data value, outermost first, following data-valued arguments. */
function pipeline(d: DataValue | undefined): string[] {
  if (!d) return [];
  const inner = [...d.args.values()].find((v): v is Extract<Value, { kind: 'data' }> => v.kind === 'data');
  return [d.source, ...pipeline(inner?.data)];
}

/** The fields the train procedure's `signature` takes (runtime/io/signature.ts's StaticSignature). */
export function staticSignature(task: TaskIR) {
  const m = task.model!;
  const input = inShape(m), output = outShape(m);
  const t = task.data?.type;
  const dtype = (s: Shape) => (s.dtype === 'int32' ? 'int32' as const : 'float32' as const);
  // A model of several inputs: each input's data by name (examples(x: {name: data})), for its own pipeline.
  const xs = task.data?.source === 'examples' ? task.data.args.get('x') : undefined;
  const inputData = (name: string) => { const v = xs?.kind === 'map' ? xs.entries.get(name) : undefined; return v?.kind === 'data' ? v.data : undefined; };
  return {
    ...(m.inputs.length > 1 ? { inputs: m.inputs.map((o, i) => ({ name: o.name ?? '', dims: inShape(m, i).dims.map(String), dtype: dtype(inShape(m, i)), pipeline: pipeline(inputData(o.name ?? '')) })) } : {}),
    input: input.dims.map(String), dtype: input.dtype === 'int32' ? 'int32' as const : 'float32' as const, output: output.dims.map(String),
    ...(t?.kind === 'dataset' && t.labels ? { labels: t.labels } : {}),
    ...(task.model!.outputs.length > 1 ? { outputs: task.model!.outputs.map((o, i) => ({ name: o.name ?? '', dims: outShape(task.model!, i).dims.map(String) })) } : {}),
    pipeline: pipeline(task.data),
  };
}
