// What the image tasks (dream, style_transfer) share: the agreement rules (the network must
// see RGB images, its named layers must exist, the data and the style must be images) and
// the lowering of the `network` field to what the runtime loads.
import type { Span } from '../../grammar/ast.js';
import { didYouMean } from '../diagnostics.js';
import type { DataValue, TaskIR } from '../ir.js';
import { formatShape, shape, type Shape } from '../shapes/shape.js';
import { unifyShapes } from '../shapes/unify.js';
import { fieldSpan, inShape, type FitCtx } from './fit.js';
import { field, modelIn } from './lower.js';

/** What a dream or style task needs to know of its feature model, pretrained or the file's. */
interface FeatureModelView { name: string; input: Shape; layers: string[]; declared?: { span: Span; file: string } }

export function featureModel(c: FitCtx): FeatureModelView | undefined {
  const v = c.fields.get('network');
  if (v?.kind === 'pretrained') {
    const p = v.pretrained;
    return { name: p.label, input: shape(p.input.map((d, i) => d ?? (['batch', 'height', 'width', 'channels'][i] ?? `d${i}`))), layers: p.layers.map((l) => l.name) };
  }
  const m = modelIn(c.fields, 'network');
  if (!m) return undefined;
  return { name: m.name, input: inShape(m), layers: m.nodes.filter((n) => n.op === 'layer').map((n) => n.name), declared: { span: m.span, file: m.file } };
}

/** The model must take one image [b, h, w, 3]; a model of the file also needs its trained
 *  weights. `hint` picks E0412's help: why the kind needs images, where inception_v3() comes from. */
export function checkImageModel(c: FitCtx, m: FeatureModelView, hint: 'dream' | 'style'): boolean {
  const kind = c.decl.taskKind.name;
  const dims = m.input.dims;
  if (dims.length !== 4 || dims[3]!.value !== 3) {
    c.sink.report('E0412', c.file, fieldSpan(c, 'network'), { kind, model: m.name, shape: formatShape(m.input), hint }, m.declared ? [m.declared] : []);
    return false;
  }
  if (!m.declared && c.fields.get('weights')?.kind === 'string') {
    c.sink.report('E0433', c.file, fieldSpan(c, 'weights'), { model: m.name });
    return false;
  }
  if (m.declared && c.fields.get('weights')?.kind === 'null') {
    c.sink.report('E0403', c.file, fieldSpan(c, 'network'), { kind, name: 'weights', model: m.name, hint: 'trainedWeights' });
    return false;
  }
  return true;
}

/** An image (or images) [n, h, w, 3] in data; reports at `span` otherwise, as what `source` needs. */
export function imageData(c: FitCtx, t: DataValue['type'], span: Span, source: string): Shape | undefined {
  const s = t.kind === 'dataset' ? t.x : t.kind === 'array' ? t.shape : undefined;
  if (s && s.dims.length === 4 && s.dims[3]!.value === 3) return s;
  c.sink.report('E0414', c.file, span, { source, expected: 'RGB images [n, height, width, 3]', found: s ? formatShape(s) : 'text', example: 'image("photo.jpg", height: 300, width: 400)' });
  return undefined;
}

/** Each named layer must exist in the model (with a guess for a typo). */
export function checkLayerNames(c: FitCtx, m: FeatureModelView, names: { name: string; span: Span }[]): boolean {
  let ok = true;
  for (const { name, span } of names) {
    if (m.layers.includes(name)) continue;
    const guess = didYouMean(name, m.layers);
    c.sink.report('E0413', c.file, span, { model: m.name, name, guess, layers: m.layers.slice(-5).join(', ') });
    ok = false;
  }
  return ok;
}

/** For a model of the file, the image must fit its input (sizes may be symbolic). */
export function imageFits(c: FitCtx, m: FeatureModelView, image: Shape, span: Span): boolean {
  if (!m.declared) return true; // pretrained convnets take any size their pooling allows
  const flexible = new Set<string>();
  for (const d of m.input.dims) d.symbols(flexible);
  const drop = (s: Shape): Shape => ({ dtype: s.dtype, dims: s.dims.slice(1) });
  if (!unifyShapes(drop(m.input), drop(image), new Map(), flexible)) return true;
  c.sink.report('E0404', c.file, span, { data: 'the image', part: 'input', model: m.name, expected: formatShape(m.input), found: formatShape(image) }, m.declared ? [m.declared] : []);
  return false;
}

/** Where a dream or style task's network comes from, as the runtime loads it (runtime/features/
 *  network.ts's NetworkSpec): a pretrained model (packaged or a model.json) or the checkpoint
 *  folder of a model of the file. */
export function networkOf(task: TaskIR) {
  const v = task.fields.get('network');
  if (v?.kind === 'pretrained') {
    const { location, pixels } = v.pretrained;
    return location.kind === 'package'
      ? { kind: 'package' as const, npm: location.npm, folder: location.folder, label: v.pretrained.label, pixels }
      : { kind: 'file' as const, path: location.path, weights: location.weights, pixels };
  }
  // A model of the file: the checker required `weights`, the folder its train task saved.
  return { kind: 'checkpoint' as const, folder: field(task, 'weights', 'string')!.value, pixels: 'unit' as const };
}
