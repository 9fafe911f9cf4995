// `dream NAME on image(...)` (std.dream): DeepDream through a pretrained or trained network
// (runtime/tasks/dream.ts).
import { defineTaskKind } from '../kind.js';
import { fieldSpan, type FitCtx } from '../fit.js';
import { checkImageModel, checkLayerNames, featureModel, imageData, imageFits, networkOf } from '../images.js';
import { field, num, numField, saveField } from '../lower.js';
import { modelFolderSpec, saveSpec } from '../paths.js';

const MODULE = 'std.dream';

export const dream = defineTaskKind({
  kind: 'dream', module: MODULE, subjectIsModel: false, needsData: true,
  doc: 'DeepDream: changes an image so that chosen layers of a pretrained convolutional network respond more strongly. Gradient ascent on the weighted mean squared activations, over a pyramid of `octaves` sizes from small to the image\'s own, putting back the detail that shrinking lost before each larger size. Writes dream.png (dream-N.png for several images), metrics.json with the loss before and after each octave, and the gain: the weighted activation of the result over that of the original.',
  fields: [
    { name: 'network', type: { kind: 'image_model' }, doc: 'The network that sees: inception_v3() (packaged, offline), load("model.json"), or a model of this file that takes images [batch, height, width, 3] (then give `weights:`).' },
    modelFolderSpec('weights', 'For a model of this file: the folder its `train` task saved (model.json and weights).'),
    { name: 'layers', type: { kind: 'dict', of: { kind: 'float' }, keys: 'layer names' }, doc: 'The layers to amplify, each with its weight, e.g. { mixed3: 1.0, mixed5: 1.5 }: early layers give strokes and textures, deeper ones eyes, shells and animal parts.' },
    { name: 'octaves', type: { kind: 'int', min: 1 }, doc: 'Sizes of the pyramid, each `octave_scale` times the one before, the last the image\'s own.', default: { kind: 'int', value: 3 } },
    { name: 'octave_scale', type: { kind: 'float', min: 1, minExclusive: true }, doc: 'Ratio between successive sizes.', default: { kind: 'float', value: 1.4 } },
    { name: 'iterations', type: { kind: 'int', min: 1 }, doc: 'Gradient-ascent steps per octave.', default: { kind: 'int', value: 20 } },
    { name: 'step', type: { kind: 'float', min: 0, minExclusive: true }, doc: 'Step size, in pixel units of [0, 1] per step of the normalised gradient.', default: { kind: 'float', value: 0.01 } },
    { name: 'max_loss', type: { kind: 'float', min: 0 }, doc: 'Stop an octave early once the loss passes this (keeps the picture from turning into noise); 0 never stops.', default: { kind: 'float', value: 0 } },
    { name: 'normalize_gradient', type: { kind: 'bool' }, doc: 'Divide each gradient by its mean absolute value, so `step` means the same at every octave and layer.', default: { kind: 'bool', value: true } },
    { name: 'detail', type: { kind: 'bool' }, doc: 'Re-inject, before each larger octave, the detail that shrinking the original lost.', default: { kind: 'bool', value: true } },
    saveSpec('Output folder (dream.png, metrics.json).'),
  ],
  fit: fitDream,
  lower: (task) => ({
    network: networkOf(task),
    layers: Object.fromEntries([...field(task, 'layers', 'map')!.entries].map(([k, v]) => [k, num(v, `layers.${k}`)])),
    octaves: numField(task, 'octaves'),
    octaveScale: numField(task, 'octave_scale'),
    iterations: numField(task, 'iterations'),
    step: numField(task, 'step'),
    maxLoss: numField(task, 'max_loss'),
    normalizeGradient: field(task, 'normalize_gradient', 'bool')!.value,
    detail: field(task, 'detail', 'bool')!.value,
    save: saveField(task),
  }),
  runtime: { module: 'dream', procedure: 'runDreamTask' },
  inputs: {},
});

function fitDream(c: FitCtx): boolean {
  const m = featureModel(c);
  if (!m || !checkImageModel(c, m, 'dream')) return false;
  const image = imageData(c, c.data.type, c.decl.on!.span, 'dream');
  if (!image || !imageFits(c, m, image, c.decl.on!.span)) return false;
  const layersExpr = c.decl.fields.find((f) => f.name.name === 'layers')?.value;
  const names = layersExpr?.kind === 'map' ? layersExpr.entries.map((e) => ({ name: e.name.name, span: e.name.span })) : [];
  if (!names.length) {
    c.sink.report('E0210', c.file, fieldSpan(c, 'layers'), { name: 'layers', expected: 'at least one layer to amplify', found: 'none', example: 'layers: { mixed3: 1.0, mixed5: 1.5 }' });
    return false;
  }
  return checkLayerNames(c, m, names);
}
