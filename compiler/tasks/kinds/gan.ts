// `gan NAME on images` (std.gan): the adversarial training loop (runtime/tasks/gan.ts).
import type { ModelIR } from '../../ir.js';
import { modelSymbols } from '../../ir.js';
import { LAYERS } from '../../layers/index.js';
import { formatShape } from '../../shapes/shape.js';
import { defineTaskKind } from '../kind.js';
import { arity, fieldSpan, imagesOf, inShape, outShape, sameSamples, type FitCtx } from '../fit.js';
import { enumField, modelIn, numField, optimizerSpec, saveField, seedField } from '../lower.js';
import { optimizerParam } from '../vocab.js';
import { saveSpec } from '../paths.js';

const PIXELS = ['signed', 'unit'] as const;

export const gan = defineTaskKind({
  kind: 'gan', module: 'std.gan', subjectIsModel: false, needsData: true,
  doc: 'Trains a generative adversarial network: each step trains the discriminator on real and generated images (labels with noise), then the generator through the frozen discriminator with "real" labels. Writes sample grids every `sample_every` steps, checkpoints of both models, losses per step and their plot.',
  fields: [
    { name: 'generator', type: { kind: 'model' }, doc: 'Model from a latent vector [batch, latent] to an image of the data\'s shape.' },
    { name: 'discriminator', type: { kind: 'model' }, doc: 'Model from an image to [batch, 1], the probability that the image is real (sigmoid).' },
    { name: 'steps', type: { kind: 'int', min: 1 }, doc: 'Adversarial steps (one discriminator and one generator update each).', default: { kind: 'int', value: 2000 } },
    { name: 'batch_size', type: { kind: 'int', min: 1 }, doc: 'Real images per step (as many generated ones are added).', default: { kind: 'int', value: 64 } },
    optimizerParam('d_optimizer', 'Discriminator optimizer; the classic recipe is rmsprop(lr: 0.0008).', 'rmsprop', 0.0008),
    optimizerParam('g_optimizer', 'Generator optimizer; the classic recipe is rmsprop(lr: 0.0004).', 'rmsprop', 0.0004),
    { name: 'clip_value', type: { kind: 'float', min: 0 }, doc: 'Clip each gradient element to [-clip_value, clip_value] (0 turns clipping off), as Keras\' clipvalue.', default: { kind: 'float', value: 1 } },
    { name: 'pixels', type: { kind: 'enum', values: PIXELS }, doc: 'How both networks see pixels: `signed` scales the data from [0, 1] to [-1, 1] and expects a generator ending in tanh (the classic recipe, and the one that trains: a sigmoid generator against [0, 1] data tends to collapse into speckle); `unit` keeps [0, 1] for a sigmoid generator. Sample grids are drawn in [0, 1] either way.', default: { kind: 'enum', name: 'signed' } },
    { name: 'real_label', type: { kind: 'float', min: 0.5, max: 1 }, doc: 'The discriminator\'s label for real images (one-sided label smoothing: 0.9 keeps it from growing over-confident; generated images stay at 0).', default: { kind: 'float', value: 1 } },
    { name: 'd_steps', type: { kind: 'int', min: 1 }, doc: 'Discriminator updates per step, each on a fresh batch, before the generator\'s one.', default: { kind: 'int', value: 1 } },
    { name: 'ema', type: { kind: 'float', min: 0, max: 0.99999 }, doc: 'Momentum of a running average of the generator\'s weights (0.999: about the last thousand steps; 0 turns it off). The sample grids and generator/ come from the average, which is steadier and cleaner than the weights of any one step; the weights being trained are kept in generator-training/ for --resume.', default: { kind: 'float', value: 0 } },
    { name: 'class_weight', type: { kind: 'float', min: 0 }, doc: 'Weight of the class cross-entropy in both losses of a conditional gan (AC-GAN: a generator with a second input, the one-hot class to draw, and a discriminator with a second output, its class probabilities by softmax; the data must have one-hot labels). An unconditional gan has no class loss to weigh.', default: { kind: 'float', value: 1 } },
    { name: 'label_noise', type: { kind: 'float', min: 0, max: 1 }, doc: 'Uniform noise of this size added to the discriminator\'s labels (an important trick).', default: { kind: 'float', value: 0.05 } },
    { name: 'sample_every', type: { kind: 'int', min: 1 }, doc: 'Steps between sample grids and checkpoints.', default: { kind: 'int', value: 200 } },
    { name: 'grid', type: { kind: 'int', min: 1 }, doc: 'Cells per side of the sample grids (fixed latent points, so grids are comparable).', default: { kind: 'int', value: 8 } },
    { name: 'seed', type: { kind: 'int', min: 0 }, doc: 'Random seed for weights, batches and latent draws.', default: { kind: 'null' } },
    saveSpec('Output folder (generator/, discriminator/, generator-training/ with `ema`, samples-STEP.png, metrics.json, loss.svg).'),
  ],
  fit: fitGan,
  lower: (task) => ({
    steps: numField(task, 'steps'),
    batchSize: numField(task, 'batch_size'),
    dOptimizer: optimizerSpec(task, 'd_optimizer'),
    gOptimizer: optimizerSpec(task, 'g_optimizer'),
    clipValue: numField(task, 'clip_value'),
    pixels: enumField(task, 'pixels', PIXELS),
    realLabel: numField(task, 'real_label'),
    dSteps: numField(task, 'd_steps'),
    ema: numField(task, 'ema'),
    classWeight: numField(task, 'class_weight'),
    labelNoise: numField(task, 'label_noise'),
    sampleEvery: numField(task, 'sample_every'),
    grid: numField(task, 'grid'),
    seed: seedField(task),
    save: saveField(task),
  }),
  runtime: { module: 'gan', procedure: 'runGanTask' },
  inputs: { generator: { kind: 'model', field: 'generator' }, discriminator: { kind: 'model', field: 'discriminator' } },
});

/** The generator maps [b, L] to an image, the discriminator an image to [b, 1]; generated
 *  images, the discriminator's input and the data agree (one message names all three). A
 *  conditional gan's generator also takes [b, K] classes and its discriminator also gives
 *  [b, K] class probabilities, K the classes of the data's one-hot labels. */
function fitGan(c: FitCtx): boolean {
  const gen = modelIn(c.fields, 'generator'), disc = modelIn(c.fields, 'discriminator'), images = imagesOf(c);
  if (!gen || !disc || !images) return false;
  const conditional = gen.inputs.length === 2 || disc.outputs.length === 2;
  const genWant = conditional ? `two inputs (a latent vector and the one-hot class to draw${gen.inputs.length === 2 ? '' : `, as discriminator ${disc.name} gives class probabilities`}) and one output (an image)` : 'one input (a latent vector) and one output (an image)';
  const discWant = conditional ? `one input (an image) and two outputs (its score and the class probabilities${disc.outputs.length === 2 ? '' : `, as generator ${gen.name} takes a class`})` : 'one input (an image) and one output (its score)';
  if (!arity(c, 'generator', gen, conditional ? 2 : 1, 1, genWant) || !arity(c, 'discriminator', disc, 1, conditional ? 2 : 1, discWant)) return false;
  const flexible = new Set([...modelSymbols(gen), ...modelSymbols(disc)]);
  if (conditional && !fitClasses(c, gen, disc, flexible)) return false;
  if (inShape(gen).dims.length !== 2) {
    c.sink.report('E0408', c.file, fieldSpan(c, 'generator'), { part: 'input', role: 'generator', target: 'a latent vector', model: gen.name, expected: '[batch, latent]', found: formatShape(inShape(gen)) }, [{ span: gen.span, file: gen.file }]);
    return false;
  }
  const score = outShape(disc);
  if (score.dims.length !== 2 || score.dims[1]!.value !== 1) {
    c.sink.report('E0408', c.file, fieldSpan(c, 'discriminator'), { part: 'output', role: 'discriminator', target: 'one score per image (sigmoid)', model: disc.name, expected: '[batch, 1]', found: formatShape(score) }, [{ span: disc.span, file: disc.file }]);
    return false;
  }
  checkPixelRange(c, gen);
  const made = outShape(gen), judged = inShape(disc);
  const genFits = sameSamples(made, images, c, flexible), discFits = sameSamples(judged, images, c, flexible);
  if (!genFits || !discFits || !sameSamples(made, judged, c, flexible)) {
    // At the one that differs from the other two: the data when both models agree (E0404).
    if (genFits || discFits) {
      const [role, m, part, target, expected, found] = genFits
        ? ['discriminator', disc, 'input', `the shape of the images of generator ${gen.name} and of the data`, made, judged] as const
        : ['generator', gen, 'images', `the shape of the input of discriminator ${disc.name} and of the data`, judged, made] as const;
      c.sink.report('E0408', c.file, fieldSpan(c, role), { part, role, target, model: m.name, expected: formatShape(expected), found: formatShape(found) }, [{ span: m.span, file: m.file }]);
    } else if (sameSamples(made, judged, c, flexible)) {
      c.sink.report('E0404', c.file, c.decl.on!.span, { data: 'the data', part: 'output', model: gen.name, expected: formatShape(made), found: formatShape(images), other: disc.name, hint: 'bothModels' }, [{ span: gen.span, file: gen.file }]);
    } else {
      c.sink.report('E0408', c.file, fieldSpan(c, 'generator'), { part: 'images', role: 'generator', target: `the shape of the input of discriminator ${disc.name} and of the data (${formatShape(images)})`, model: gen.name, expected: formatShape(judged), found: formatShape(made) }, [{ span: gen.span, file: gen.file }]);
    }
    return false;
  }
  return true;
}
/** The generator's class input, the discriminator's class output and the data's labels are
 *  all [batch, K]; blame falls on the one that differs from the other two, as for images. */
function fitClasses(c: FitCtx, gen: ModelIR, disc: ModelIR, flexible: ReadonlySet<string>): boolean {
  const drawn = inShape(gen, 1), judged = outShape(disc, 1);
  const parts = [['generator', gen, 'second input', drawn, 'the one-hot class to draw'], ['discriminator', disc, 'second output', judged, 'the class probabilities']] as const;
  for (const [role, m, part, shape, target] of parts) {
    if (shape.dims.length === 2) continue;
    c.sink.report('E0408', c.file, fieldSpan(c, role), { part, role, target, model: m.name, expected: '[batch, classes]', found: formatShape(shape) }, [{ span: m.span, file: m.file }]);
    return false;
  }
  const classes = drawn.dims[1]!.value;
  if (classes !== undefined && classes < 2) {
    c.sink.report('E0408', c.file, fieldSpan(c, 'generator'), { part: 'second input', role: 'generator', target: 'the one-hot class to draw, of at least two classes', model: gen.name, expected: '[batch, classes ≥ 2]', found: formatShape(drawn) }, [{ span: gen.span, file: gen.file }]);
    return false;
  }
  const kind = finalActivation(disc, 1);
  if (kind !== undefined && kind !== 'softmax') {
    c.sink.report('E0408', c.file, fieldSpan(c, 'discriminator'), { part: 'second output', role: 'discriminator', target: 'the class probabilities (softmax)', model: disc.name, expected: `${formatShape(judged)} by softmax`, found: `${formatShape(judged)} by ${kind}` }, [{ span: disc.span, file: disc.file }]);
    return false;
  }
  const data = c.data.type.kind === 'dataset' ? c.data.type : undefined;
  const labels = data?.y;
  if (!labels || data?.labels !== 'onehot') {
    const found = !labels ? 'images without labels' : data?.labels === 'ids' ? `class ids ${formatShape(labels)}` : `values ${formatShape(labels)}`;
    const hint = data?.labels === 'ids' ? { hint: 'classIds' as const, classes: String(classes ?? 'K') } : { hint: 'unlabelled' as const };
    c.sink.report('E0404', c.file, c.decl.on!.span, { data: 'the data', part: 'second input', model: gen.name, expected: `one-hot labels ${formatShape(drawn)}`, found, ...hint }, [{ span: gen.span, file: gen.file }]);
    return false;
  }
  const fits = parts.map(([, , , shape]) => sameSamples(shape, labels, c, flexible));
  const perBatch = formatShape({ ...labels, dims: [drawn.dims[0]!, ...labels.dims.slice(1)] });
  if (fits.every(Boolean)) return true;
  if (!fits.some(Boolean) && sameSamples(drawn, judged, c, flexible)) {
    c.sink.report('E0404', c.file, c.decl.on!.span, { data: 'the data', part: 'second input', model: gen.name, expected: formatShape(drawn), found: `labels ${formatShape(labels)}`, other: disc.name, hint: 'bothModels' }, [{ span: gen.span, file: gen.file }]);
    return false;
  }
  const [role, m, part, shape, target] = parts[fits[0] ? 1 : 0];
  c.sink.report('E0408', c.file, fieldSpan(c, role), { part, role, target: `${target}, one per class of the data's labels`, model: m.name, expected: perBatch, found: formatShape(shape) }, [{ span: m.span, file: m.file }]);
  return false;
}

/** The activation a model's output (the first, or the `output`-th) ends in
 *  (`dense(784, activation: tanh)` or a `tanh` line). */
function finalActivation(m: ModelIR, output = 0): string | undefined {
  const last = m.nodes[m.outputs[output]!.node]!;
  const def = last.layer === undefined ? undefined : LAYERS.get(last.layer);
  if (def?.activation) return def.activation;
  const act = last.args?.get('activation');
  if (act?.kind === 'enum') return act.name;
  // A layer that takes an activation and was given none is linear.
  if (def?.params.some((p) => p.name === 'activation')) return 'linear';
  if (def?.keepsValues && last.inputs.length === 1) return finalActivation({ ...m, outputs: [{ node: last.inputs[0]! }] });
  return undefined;
}
/** A gan's generator should end where the pixels live: tanh for `signed`, sigmoid for `unit`. */
function checkPixelRange(c: FitCtx, gen: ModelIR): void {
  const pixels = c.fields.get('pixels');
  const range = pixels?.kind === 'enum' ? pixels.name : 'signed';
  const want = range === 'signed' ? 'tanh' : 'sigmoid';
  const act = finalActivation(gen);
  if (act === (range === 'signed' ? 'sigmoid' : 'tanh')) {
    c.sink.report('W0410', c.file, fieldSpan(c, 'generator'), {
      model: gen.name, activation: act, range, interval: range === 'signed' ? '[-1, 1]' : '[0, 1]', want, other: range === 'signed' ? 'unit' : 'signed',
    }, [{ span: gen.span, file: gen.file }]);
  }
}
