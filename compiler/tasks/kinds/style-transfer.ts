// `style_transfer NAME on image(...)` (std.style): neural style transfer through a pretrained or
// trained network (runtime/tasks/style.ts).
import type { Span } from '../../../grammar/ast.js';
import { defineTaskKind } from '../kind.js';
import { fieldSpan, type FitCtx } from '../fit.js';
import { checkImageModel, checkLayerNames, featureModel, imageData, imageFits, networkOf } from '../images.js';
import { field, numField, optimizerSpec, saveField } from '../lower.js';
import { optimizerParam } from '../vocab.js';
import { modelFolderSpec, saveSpec } from '../paths.js';

const MODULE = 'std.style';

export const styleTransfer = defineTaskKind({
  kind: 'style_transfer', module: MODULE, subjectIsModel: false, needsData: true,
  doc: 'Neural style transfer (Gatys et al. 2015): starting from the content image, an optimizer changes the pixels so that a deep layer of a pretrained network still sees the content while the Gram matrices (channel correlations) of several layers match those of the style image, with a total-variation term against noise. Losses: content = mean squared difference of the content layer\'s activations; style = mean over the style layers of the mean squared difference of the Gram matrices (each normalised by height × width); total variation = mean squared difference of neighbouring pixels. Writes style.png, metrics.json and loss.svg.',
  fields: [
    { name: 'network', type: { kind: 'image_model' }, doc: 'The network whose features define content and style: inception_v3() (packaged), load("model.json"), or a model of this file taking images (then give `weights:`).' },
    modelFolderSpec('weights', 'For a model of this file: the folder its `train` task saved.'),
    { name: 'style', type: { kind: 'data' }, doc: 'The style image, e.g. image("scream.jpg", height: 300, width: 240); its size may differ from the content\'s.' },
    { name: 'content_layer', type: { kind: 'string' }, doc: 'The layer whose activations keep the content (a deep one).' },
    { name: 'style_layers', type: { kind: 'list', of: { kind: 'string' } }, doc: 'Layers whose Gram matrices carry the style (shallow to deep).' },
    { name: 'content_weight', type: { kind: 'float', min: 0 }, doc: 'Weight of the content loss.', default: { kind: 'float', value: 1 } },
    { name: 'style_weight', type: { kind: 'float', min: 0 }, doc: 'Weight of the style loss.', default: { kind: 'float', value: 100 } },
    { name: 'tv_weight', type: { kind: 'float', min: 0 }, doc: 'Weight of the total-variation loss.', default: { kind: 'float', value: 10 } },
    optimizerParam('optimizer', 'Optimizer of the pixels; adam(lr: 0.02) moves pixels in [0, 1] by about 2% a step.', 'adam', 0.02),
    { name: 'iterations', type: { kind: 'int', min: 1 }, doc: 'Optimizer steps.', default: { kind: 'int', value: 200 } },
    { name: 'save_every', type: { kind: 'int', min: 0 }, doc: 'Write the picture so far every this many steps (0: only at the end).', default: { kind: 'int', value: 50 } },
    saveSpec('Output folder (style.png, metrics.json, loss.svg).'),
  ],
  fit: fitStyle,
  lower: (task) => ({
    network: networkOf(task),
    contentLayer: field(task, 'content_layer', 'string')!.value,
    styleLayers: field(task, 'style_layers', 'list')!.items.map((i) => (i.kind === 'string' ? i.value : '')),
    contentWeight: numField(task, 'content_weight'),
    styleWeight: numField(task, 'style_weight'),
    tvWeight: numField(task, 'tv_weight'),
    optimizer: optimizerSpec(task, 'optimizer'),
    iterations: numField(task, 'iterations'),
    saveEvery: numField(task, 'save_every'),
    save: saveField(task),
  }),
  runtime: { module: 'style', procedure: 'runStyleTask' },
  inputs: { style: { kind: 'data', field: 'style' } },
});

function fitStyle(c: FitCtx): boolean {
  const m = featureModel(c);
  if (!m || !checkImageModel(c, m, 'style')) return false;
  const content = imageData(c, c.data.type, c.decl.on!.span, 'style_transfer');
  const style = c.fields.get('style');
  const styleImage = style?.kind === 'data' ? imageData(c, style.data.type, fieldSpan(c, 'style'), 'the style field') : undefined;
  if (!content || !styleImage || !imageFits(c, m, content, c.decl.on!.span) || !imageFits(c, m, styleImage, fieldSpan(c, 'style'))) return false;
  const names: { name: string; span: Span }[] = [];
  const contentExpr = c.decl.fields.find((f) => f.name.name === 'content_layer')?.value;
  const contentLayer = c.fields.get('content_layer');
  if (contentLayer?.kind === 'string') names.push({ name: contentLayer.value, span: contentExpr?.span ?? c.decl.taskKind.span });
  const listExpr = c.decl.fields.find((f) => f.name.name === 'style_layers')?.value;
  const list = c.fields.get('style_layers');
  if (list?.kind === 'list') {
    if (!list.items.length) {
      c.sink.report('E0210', c.file, fieldSpan(c, 'style_layers'), { name: 'style_layers', expected: 'at least one style layer', found: 'an empty list' });
      return false;
    }
    list.items.forEach((item, i) => {
      const span = listExpr?.kind === 'list' ? listExpr.items[i]?.span ?? listExpr.span : fieldSpan(c, 'style_layers');
      if (item.kind === 'string') names.push({ name: item.value, span });
    });
  }
  return checkLayerNames(c, m, names);
}
