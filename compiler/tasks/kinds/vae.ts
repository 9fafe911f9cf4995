// `vae NAME on images` (std.vae): a variational autoencoder's training loop (runtime/tasks/vae.ts).
import { modelSymbols } from '../../ir.js';
import { formatShape, type Shape } from '../../shapes/shape.js';
import { defineTaskKind } from '../kind.js';
import { arity, fieldSpan, imagesOf, inShape, outShape, sameSamples, type FitCtx } from '../fit.js';
import { enumField, modelIn, numField, optimizerSpec, saveField, seedField } from '../lower.js';
import { optimizerParam } from '../vocab.js';
import { saveSpec } from '../paths.js';

const RECONSTRUCTIONS = ['binary_crossentropy', 'mse'] as const;
// `encoded`, not `data`: `data` is a keyword and could not be written as a field value.
const LATTICES = ['prior', 'encoded', 'linear'] as const;

export const vae = defineTaskKind({
  kind: 'vae', module: 'std.vae', subjectIsModel: false, needsData: true,
  doc: 'Trains a variational autoencoder: the encoder maps an image to `z_mean` and `z_log_var` ([batch, latent] each), a latent point is drawn with the reparameterisation trick, and the decoder maps it back. Loss: reconstruction (summed over pixels) + `kl_weight` × KL divergence from the unit normal. Writes the encoder and decoder (tfjs layers format), a latent-space grid PNG (2-D latent) or random samples, metrics and a loss curve.',
  fields: [
    { name: 'encoder', type: { kind: 'model' }, doc: 'Model from an image to two outputs, z_mean and z_log_var, each [batch, latent].' },
    { name: 'decoder', type: { kind: 'model' }, doc: 'Model from [batch, latent] back to an image of the data\'s shape.' },
    { name: 'reconstruction', type: { kind: 'enum', values: RECONSTRUCTIONS }, doc: 'Per-pixel reconstruction loss, summed over the pixels of an image (binary_crossentropy for pixels in [0, 1] with a sigmoid decoder).', default: { kind: 'enum', name: 'binary_crossentropy' } },
    { name: 'kl_weight', type: { kind: 'float', min: 0 }, doc: 'Weight of the KL term (1 is the classic VAE; larger values give a smoother, blurrier latent space).', default: { kind: 'float', value: 1 } },
    { name: 'kl_warmup', type: { kind: 'int', min: 0 }, doc: 'Epochs over which the KL weight rises linearly from 0 to `kl_weight` (KL annealing): the decoder learns to use every latent dimension before the KL term pulls them to the prior, against a dimension that collapses early. 0: the full weight from the start.', default: { kind: 'int', value: 0 } },
    optimizerParam('optimizer', 'adam(lr: ...), rmsprop(...) or sgd(...).', 'adam'),
    { name: 'epochs', type: { kind: 'int', min: 1 }, doc: 'Passes over the images.', default: { kind: 'int', value: 10 } },
    { name: 'batch_size', type: { kind: 'int', min: 1 }, doc: 'Images per gradient step.', default: { kind: 'int', value: 128 } },
    { name: 'grid', type: { kind: 'int', min: 1 }, doc: 'Cells per side of the picture written after each epoch: a grid over the 2-D latent plane (see `lattice`), or decoded random latent points for a larger latent.', default: { kind: 'int', value: 15 } },
    { name: 'lattice', type: { kind: 'enum', values: LATTICES }, doc: 'Where the 2-D picture\'s lattice lies: `prior`, over the quantiles 0.05 to 0.95 of the unit normal (the classic figure); `encoded`, over the same quantiles of the encoded images\' z_mean along each axis, i.e. where the data lies (each row and column of the lattice then covers as many images; the encoder runs over the images after each epoch); `linear`, evenly over [-1, 1] on both axes, the span of the Keras VAE example\'s plot_latent_space.', default: { kind: 'enum', name: 'prior' } },
    { name: 'seed', type: { kind: 'int', min: 0 }, doc: 'Random seed for weights, shuffling and latent draws.', default: { kind: 'null' } },
    saveSpec('Output folder (encoder/, decoder/, grid.png, metrics.json, loss.svg).'),
  ],
  fit: fitVae,
  lower: (task) => ({
    reconstruction: enumField(task, 'reconstruction', RECONSTRUCTIONS),
    klWeight: numField(task, 'kl_weight'),
    klWarmup: numField(task, 'kl_warmup'),
    optimizer: optimizerSpec(task, 'optimizer'),
    epochs: numField(task, 'epochs'),
    batchSize: numField(task, 'batch_size'),
    grid: numField(task, 'grid'),
    lattice: enumField(task, 'lattice', LATTICES),
    seed: seedField(task),
    save: saveField(task),
  }),
  runtime: { module: 'vae', procedure: 'runVaeTask' },
  inputs: { encoder: { kind: 'model', field: 'encoder' }, decoder: { kind: 'model', field: 'decoder' } },
});

/** The encoder maps an image to z_mean and z_log_var of one shape [b, L]; the decoder maps
 *  [b, L] back to an image; the decoder's images are the encoder's, and the data's. */
function fitVae(c: FitCtx): boolean {
  const enc = modelIn(c.fields, 'encoder'), dec = modelIn(c.fields, 'decoder'), images = imagesOf(c);
  if (!enc || !dec || !images) return false;
  if (!arity(c, 'encoder', enc, 1, 2, 'one input (an image) and two outputs (z_mean and z_log_var)') || !arity(c, 'decoder', dec, 1, 1, 'one input (a latent vector) and one output (an image)')) return false;
  const flexible = new Set([...modelSymbols(enc), ...modelSymbols(dec)]);
  const [mean, logVar] = [outShape(enc, 0), outShape(enc, 1)];
  if (mean.dims.length !== 2 || !sameSamples(mean, logVar, c, flexible)) {
    c.sink.report('E0408', c.file, fieldSpan(c, 'encoder'), { part: 'outputs', role: 'encoder', target: 'z_mean and z_log_var, two latent vectors of one shape', model: enc.name, expected: '[batch, latent] and [batch, latent]', found: `${formatShape(mean)} and ${formatShape(logVar)}` }, [{ span: enc.span, file: enc.file }]);
    return false;
  }
  // [the decoder's part, what it must be, the shape it has, the shape it must have]
  const problems: [string, string, Shape, Shape][] = [
    ['input', `the latent vector of encoder ${enc.name}`, inShape(dec), mean],
    ['output', `images of the input shape of encoder ${enc.name}`, outShape(dec), inShape(enc)],
  ];
  for (const [part, target, has, want] of problems) {
    if (sameSamples(has, want, c, flexible)) continue;
    c.sink.report('E0408', c.file, fieldSpan(c, 'decoder'), { part, role: 'decoder', target, model: dec.name, expected: formatShape(want), found: formatShape(has) }, [{ span: dec.span, file: dec.file }]);
    return false;
  }
  if (!sameSamples(inShape(enc), images, c, flexible)) {
    c.sink.report('E0404', c.file, c.decl.on!.span, { data: 'the data', part: 'input', model: enc.name, expected: formatShape(inShape(enc)), found: formatShape(images) }, [{ span: enc.span, file: enc.file }]);
    return false;
  }
  return true;
}
