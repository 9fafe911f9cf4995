// The agreement rules of the image tasks (std.dream, std.style): the network must see RGB
// images, its named layers must exist, the data and the style must be images.
import type { Span } from '../../grammar/ast.js';
import { didYouMean } from '../diagnostics.js';
import { formatShape, shape, type Shape } from '../shapes/shape.js';
import { unifyShapes } from '../shapes/unify.js';
import { modelIn } from '../tasks/fields.js';
import type { DataValue } from '../ir.js';
import { fieldSpan, inShape, type FitCtx } from './fit.js';

/** What a dream or style task needs to know of its feature model, pretrained or the file's. */
interface FeatureModelView { name: string; input: Shape; layers: string[]; declared?: { span: Span; file: string } }

function featureModel(c: FitCtx): FeatureModelView | undefined {
  const v = c.fields.get('network');
  if (v?.kind === 'pretrained') {
    const p = v.pretrained;
    return { name: p.label, input: shape(p.input.map((d, i) => d ?? (['batch', 'height', 'width', 'channels'][i] ?? `d${i}`))), layers: p.layers.map((l) => l.name) };
  }
  const m = modelIn(c.fields, 'network');
  if (!m) return undefined;
  return { name: m.name, input: inShape(m), layers: m.nodes.filter((n) => n.op === 'layer').map((n) => n.name), declared: { span: m.span, file: m.file } };
}

const WHY_IMAGES: Record<string, string> = {
  dream: 'DeepDream changes the pixels of an image so that the feature detectors of a convolutional network fire more strongly; a model over anything but images has no pixels to change and no visual features to amplify (a recurrent net on a sequence of numbers cannot dream up a picture).',
  style_transfer: 'style transfer matches the textures of a painting (Gram matrices of a convolutional network\'s feature maps) while keeping what a deep layer sees of a photograph; a model over anything but images has no feature maps to compare (a recurrent net on a sequence of numbers has no notion of texture or content).',
};

/** The model must take one image [b, h, w, 3]; a model of the file also needs its trained weights. */
function checkImageModel(c: FitCtx, m: FeatureModelView): boolean {
  const kind = c.decl.taskKind.name;
  const dims = m.input.dims;
  if (dims.length !== 4 || dims[3]!.value !== 3) {
    c.sink.report('E0412', c.file, fieldSpan(c, 'network'), `${kind} needs a model that takes images [batch, height, width, 3]; ${m.name} takes ${formatShape(m.input)}`, {
      help: `${WHY_IMAGES[kind]} Use inception_v3() from std.${kind === 'dream' ? 'dream' : 'style'}, or load("model.json") of a convolutional network.`,
      labels: m.declared ? [{ ...m.declared, message: `${m.name} is declared here` }] : undefined,
    });
    return false;
  }
  if (!m.declared && c.fields.get('weights')?.kind === 'string') {
    c.sink.report('E0406', c.file, fieldSpan(c, 'weights'), `'weights' is for a model of this file; ${m.name} comes with its weights`, { help: 'to take the weights of a load()ed model from a Keras HDF5 file, write load("model.json", weights: "file.h5")' });
    return false;
  }
  if (m.declared && c.fields.get('weights')?.kind === 'null') {
    c.sink.report('E0403', c.file, fieldSpan(c, 'network'), `${kind} needs the trained weights of ${m.name}`, { help: 'add `weights: "out/FOLDER"`, the folder its train task saved (random weights have nothing to show)' });
    return false;
  }
  return true;
}

/** An image (or images) [n, h, w, 3] in data; reports at `span` otherwise. */
function imageData(c: FitCtx, t: DataValue['type'], span: Span, what: string): Shape | undefined {
  const s = t.kind === 'dataset' ? t.x : t.kind === 'array' ? t.shape : undefined;
  if (s && s.dims.length === 4 && s.dims[3]!.value === 3) return s;
  c.sink.report('E0404', c.file, span, `${what} must be RGB images`, { expected: '[n, height, width, 3]', found: s ? formatShape(s) : 'text', help: 'read one with image("photo.jpg", height: 300, width: 400)' });
  return undefined;
}

/** Each named layer must exist in the model (with a guess for a typo). */
function checkLayerNames(c: FitCtx, m: FeatureModelView, names: { name: string; span: Span }[]): boolean {
  let ok = true;
  for (const { name, span } of names) {
    if (m.layers.includes(name)) continue;
    const guess = didYouMean(name, m.layers);
    c.sink.report('E0413', c.file, span, `${m.name} has no layer '${name}'`, { help: guess ? `did you mean '${guess}'?` : `its layers include ${m.layers.slice(-5).join(', ')}` });
    ok = false;
  }
  return ok;
}

/** For a model of the file, the image must fit its input (sizes may be symbolic). */
function imageFits(c: FitCtx, m: FeatureModelView, image: Shape, span: Span): boolean {
  if (!m.declared) return true; // pretrained convnets take any size their pooling allows
  const flexible = new Set<string>();
  for (const d of m.input.dims) d.symbols(flexible);
  const drop = (s: Shape): Shape => ({ dtype: s.dtype, dims: s.dims.slice(1) });
  if (!unifyShapes(drop(m.input), drop(image), new Map(), flexible)) return true;
  c.sink.report('E0404', c.file, span, `the image does not fit ${m.name}`, { expected: formatShape(m.input), found: formatShape(image) });
  return false;
}

export function fitDream(c: FitCtx): boolean {
  const m = featureModel(c);
  if (!m || !checkImageModel(c, m)) return false;
  const image = imageData(c, c.data.type, c.decl.on!.span, 'the data to dream on');
  if (!image || !imageFits(c, m, image, c.decl.on!.span)) return false;
  const layersExpr = c.decl.fields.find((f) => f.name.name === 'layers')?.value;
  const names = layersExpr?.kind === 'map' ? layersExpr.entries.map((e) => ({ name: e.name.name, span: e.name.span })) : [];
  if (!names.length) {
    c.sink.report('E0210', c.file, fieldSpan(c, 'layers'), `dream needs at least one layer to amplify`, { help: 'e.g. layers: { mixed3: 1.0, mixed5: 1.5 }' });
    return false;
  }
  return checkLayerNames(c, m, names);
}

export function fitStyle(c: FitCtx): boolean {
  const m = featureModel(c);
  if (!m || !checkImageModel(c, m)) return false;
  const content = imageData(c, c.data.type, c.decl.on!.span, 'the content');
  const style = c.fields.get('style');
  const styleImage = style?.kind === 'data' ? imageData(c, style.data.type, fieldSpan(c, 'style'), 'the style') : undefined;
  if (!content || !styleImage || !imageFits(c, m, content, c.decl.on!.span) || !imageFits(c, m, styleImage, fieldSpan(c, 'style'))) return false;
  const names: { name: string; span: Span }[] = [];
  const contentExpr = c.decl.fields.find((f) => f.name.name === 'content_layer')?.value;
  const contentLayer = c.fields.get('content_layer');
  if (contentLayer?.kind === 'string') names.push({ name: contentLayer.value, span: contentExpr?.span ?? c.decl.taskKind.span });
  const listExpr = c.decl.fields.find((f) => f.name.name === 'style_layers')?.value;
  const list = c.fields.get('style_layers');
  if (list?.kind === 'list') {
    if (!list.items.length) {
      c.sink.report('E0210', c.file, fieldSpan(c, 'style_layers'), `style_transfer needs at least one style layer`);
      return false;
    }
    list.items.forEach((item, i) => {
      const span = listExpr?.kind === 'list' ? listExpr.items[i]?.span ?? listExpr.span : fieldSpan(c, 'style_layers');
      if (item.kind === 'string') names.push({ name: item.value, span });
    });
  }
  return checkLayerNames(c, m, names);
}
