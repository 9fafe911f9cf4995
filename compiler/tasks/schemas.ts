// Task kinds, their field schemas, and the optimizer/loss/metric vocabularies.
import type { ParamSpec } from '../ir.js';

export const LOSSES = ['mse', 'mae', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy', 'huber'] as const;
export const METRICS = ['mae', 'mse', 'accuracy'] as const;

const f = (name: string, lr: number, extra: ParamSpec[] = []) => ({
  name,
  params: [{ name: 'lr', type: { kind: 'float', min: 0, minExclusive: true }, doc: 'Learning rate.', default: { kind: 'float', value: lr }, positional: true } as ParamSpec, ...extra],
});
const fl = (name: string, doc: string, def: number): ParamSpec => ({ name, type: { kind: 'float', min: 0 }, doc, default: { kind: 'float', value: def } });

export interface CallableDef { name: string; params: readonly ParamSpec[] }

export const OPTIMIZERS: ReadonlyMap<string, CallableDef> = new Map([
  f('adam', 0.001, [fl('beta1', 'Decay of the first moment.', 0.9), fl('beta2', 'Decay of the second moment.', 0.999), fl('epsilon', 'Numerical stabiliser.', 1e-7)]),
  f('rmsprop', 0.001, [fl('rho', 'Decay of the squared-gradient average.', 0.9), fl('momentum', 'Momentum.', 0), fl('epsilon', 'Numerical stabiliser.', 1e-7)]),
  f('sgd', 0.01, [fl('momentum', 'Momentum (0 for plain SGD).', 0)]),
].map((o) => [o.name, o]));

export interface TaskSchema {
  kind: string;
  module: 'core' | string;
  doc: string;
  /** Whether the subject names a model to act on (train) or only the task. */
  subjectIsModel: boolean;
  needsData: boolean;
  fields: readonly ParamSpec[];
}

export const TASKS: ReadonlyMap<string, TaskSchema> = new Map([
  {
    kind: 'train', module: 'core', subjectIsModel: true, needsData: true,
    doc: 'Fits a model to data with a loss and an optimizer; writes checkpoints, metrics and a loss curve.',
    fields: [
      { name: 'loss', type: { kind: 'enum', values: LOSSES }, doc: 'Loss to minimise.' },
      { name: 'optimizer', type: { kind: 'call', table: 'optimizer' }, doc: 'adam(lr: ...), rmsprop(...) or sgd(...).', default: { kind: 'call', table: 'optimizer', name: 'adam', args: new Map() } },
      { name: 'epochs', type: { kind: 'int', min: 1 }, doc: 'Passes over the training data.', default: { kind: 'int', value: 10 } },
      { name: 'batch_size', type: { kind: 'int', min: 1 }, doc: 'Samples per gradient step.', default: { kind: 'int', value: 32 } },
      { name: 'validation_split', type: { kind: 'float', min: 0, max: 1, maxExclusive: true }, doc: 'Fraction of the data (the last part) held out for validation.', default: { kind: 'float', value: 0 } },
      { name: 'validation_data', type: { kind: 'data' }, doc: 'Separate validation data, instead of validation_split.', default: { kind: 'null' } },
      { name: 'metrics', type: { kind: 'list', of: { kind: 'enum', values: METRICS } }, doc: 'Metrics reported each epoch.', default: { kind: 'list', items: [] } },
      {
        name: 'early_stopping', doc: 'Stop when the monitored loss has not improved for `patience` epochs.', default: { kind: 'null' },
        type: { kind: 'map', fields: [
          { name: 'patience', type: { kind: 'int', min: 1 }, doc: 'Epochs without improvement.', default: { kind: 'int', value: 3 } },
          { name: 'monitor', type: { kind: 'enum', values: ['val_loss', 'loss'] }, doc: 'What to watch.', default: { kind: 'enum', name: 'val_loss' } },
        ] },
      },
      { name: 'restore_best', type: { kind: 'bool' }, doc: 'End with the weights of the epoch with the lowest monitored loss (val_loss when there is validation data), as Keras\' ModelCheckpoint(save_best_only) recipe does; they are also saved in `best/` of the output folder.', default: { kind: 'bool', value: true } },
      { name: 'seed', type: { kind: 'int', min: 0 }, doc: 'Random seed for weights, shuffling and dropout.', default: { kind: 'null' } },
      { name: 'shuffle', type: { kind: 'bool' }, doc: 'Shuffle the training samples each epoch.', default: { kind: 'bool', value: true } },
      { name: 'save', type: { kind: 'string' }, doc: 'Output folder for checkpoints, metrics and plots.', default: { kind: 'null' } },
    ],
  },
  {
    kind: 'vae', module: 'std.vae', subjectIsModel: false, needsData: true,
    doc: 'Trains a variational autoencoder: the encoder maps an image to `z_mean` and `z_log_var` ([batch, latent] each), a latent point is drawn with the reparameterisation trick, and the decoder maps it back. Loss: reconstruction (summed over pixels) + `kl_weight` × KL divergence from the unit normal. Writes the encoder and decoder (tfjs layers format), a latent-space grid PNG (2-D latent) or random samples, metrics and a loss curve.',
    fields: [
      { name: 'encoder', type: { kind: 'model' }, doc: 'Model from an image to two outputs, z_mean and z_log_var, each [batch, latent].' },
      { name: 'decoder', type: { kind: 'model' }, doc: 'Model from [batch, latent] back to an image of the data\'s shape.' },
      { name: 'reconstruction', type: { kind: 'enum', values: ['binary_crossentropy', 'mse'] }, doc: 'Per-pixel reconstruction loss, summed over the pixels of an image (binary_crossentropy for pixels in [0, 1] with a sigmoid decoder).', default: { kind: 'enum', name: 'binary_crossentropy' } },
      { name: 'kl_weight', type: { kind: 'float', min: 0 }, doc: 'Weight of the KL term (1 is the classic VAE; larger values give a smoother, blurrier latent space).', default: { kind: 'float', value: 1 } },
      { name: 'optimizer', type: { kind: 'call', table: 'optimizer' }, doc: 'adam(lr: ...), rmsprop(...) or sgd(...).', default: { kind: 'call', table: 'optimizer', name: 'adam', args: new Map() } },
      { name: 'epochs', type: { kind: 'int', min: 1 }, doc: 'Passes over the images.', default: { kind: 'int', value: 10 } },
      { name: 'batch_size', type: { kind: 'int', min: 1 }, doc: 'Images per gradient step.', default: { kind: 'int', value: 128 } },
      { name: 'grid', type: { kind: 'int', min: 1 }, doc: 'Cells per side of the picture written after each epoch: a grid over the 2-D latent plane (normal quantiles 0.05 to 0.95), or decoded random latent points for a larger latent.', default: { kind: 'int', value: 15 } },
      { name: 'seed', type: { kind: 'int', min: 0 }, doc: 'Random seed for weights, shuffling and latent draws.', default: { kind: 'null' } },
      { name: 'save', type: { kind: 'string' }, doc: 'Output folder (encoder/, decoder/, grid.png, metrics.json, loss.svg).', default: { kind: 'null' } },
    ],
  },
  {
    kind: 'generate_text', module: 'std.text', subjectIsModel: true, needsData: true,
    doc: 'Samples text from a trained character model (`train` it on `char_sequences` first): starting from a seed window of the corpus (or `seed_text`), it predicts the next character, reweights the distribution by each temperature (p^(1/T), renormalised), draws one, slides the window, and repeats. Each sample goes to the console and to `sample-T.txt` in the output folder. The model and its vocabulary come from the checkpoint, so this runs without training again.',
    fields: [
      { name: 'checkpoint', type: { kind: 'string' }, doc: 'Folder of the trained model (model.json + weights, with the vocabulary), relative to the .nn file. Default: the `save` of this file\'s train task for the same model.', default: { kind: 'null' } },
      { name: 'temperatures', type: { kind: 'list', of: { kind: 'float', min: 0, minExclusive: true } }, doc: 'One sample per temperature: low is safe and repetitive, high is surprising and misspelled.', default: { kind: 'list', items: [0.2, 0.5, 1.0, 1.2].map((value) => ({ kind: 'float', value })) } },
      { name: 'length', type: { kind: 'int', min: 1 }, doc: 'Characters to generate per temperature.', default: { kind: 'int', value: 400 } },
      { name: 'seed_text', type: { kind: 'string' }, doc: 'Text to start from (its last `maxlen` characters; every character must be in the vocabulary). Default: a window of the corpus chosen by the seed.', default: { kind: 'null' } },
      { name: 'seed', type: { kind: 'int', min: 0 }, doc: 'Random seed for the seed window and the draws.', default: { kind: 'null' } },
      { name: 'save', type: { kind: 'string' }, doc: 'Output folder for sample-T.txt and samples.json.', default: { kind: 'null' } },
    ],
  },
  {
    kind: 'gan', module: 'std.gan', subjectIsModel: false, needsData: true,
    doc: 'Trains a generative adversarial network: each step trains the discriminator on real and generated images (labels with noise), then the generator through the frozen discriminator with "real" labels. Writes sample grids every `sample_every` steps, checkpoints of both models, losses per step and their plot.',
    fields: [
      { name: 'generator', type: { kind: 'model' }, doc: 'Model from a latent vector [batch, latent] to an image of the data\'s shape.' },
      { name: 'discriminator', type: { kind: 'model' }, doc: 'Model from an image to [batch, 1], the probability that the image is real (sigmoid).' },
      { name: 'steps', type: { kind: 'int', min: 1 }, doc: 'Adversarial steps (one discriminator and one generator update each).', default: { kind: 'int', value: 2000 } },
      { name: 'batch_size', type: { kind: 'int', min: 1 }, doc: 'Real images per step (as many generated ones are added).', default: { kind: 'int', value: 64 } },
      { name: 'd_optimizer', type: { kind: 'call', table: 'optimizer' }, doc: 'Discriminator optimizer; the classic recipe is rmsprop(lr: 0.0008).', default: { kind: 'call', table: 'optimizer', name: 'rmsprop', args: new Map([['lr', { kind: 'float', value: 0.0008 }]]) } },
      { name: 'g_optimizer', type: { kind: 'call', table: 'optimizer' }, doc: 'Generator optimizer; the classic recipe is rmsprop(lr: 0.0004).', default: { kind: 'call', table: 'optimizer', name: 'rmsprop', args: new Map([['lr', { kind: 'float', value: 0.0004 }]]) } },
      { name: 'clip_value', type: { kind: 'float', min: 0 }, doc: 'Clip each gradient element to [-clip_value, clip_value] (0 turns clipping off), as Keras\' clipvalue.', default: { kind: 'float', value: 1 } },
      { name: 'pixels', type: { kind: 'enum', values: ['signed', 'unit'] }, doc: 'How both networks see pixels: `signed` scales the data from [0, 1] to [-1, 1] and expects a generator ending in tanh (the classic recipe, and the one that trains: a sigmoid generator against [0, 1] data tends to collapse into speckle); `unit` keeps [0, 1] for a sigmoid generator. Sample grids are drawn in [0, 1] either way.', default: { kind: 'enum', name: 'signed' } },
      { name: 'label_noise', type: { kind: 'float', min: 0, max: 1 }, doc: 'Uniform noise of this size added to the discriminator\'s labels (an important trick).', default: { kind: 'float', value: 0.05 } },
      { name: 'sample_every', type: { kind: 'int', min: 1 }, doc: 'Steps between sample grids and checkpoints.', default: { kind: 'int', value: 200 } },
      { name: 'grid', type: { kind: 'int', min: 1 }, doc: 'Cells per side of the sample grids (fixed latent points, so grids are comparable).', default: { kind: 'int', value: 8 } },
      { name: 'seed', type: { kind: 'int', min: 0 }, doc: 'Random seed for weights, batches and latent draws.', default: { kind: 'null' } },
      { name: 'save', type: { kind: 'string' }, doc: 'Output folder (generator/, discriminator/, samples-STEP.png, metrics.json, loss.svg).', default: { kind: 'null' } },
    ],
  },
  {
    kind: 'dream', module: 'std.dream', subjectIsModel: false, needsData: true,
    doc: 'DeepDream: changes an image so that chosen layers of a pretrained convolutional network respond more strongly. Gradient ascent on the weighted mean squared activations, over a pyramid of `octaves` sizes from small to the image\'s own, putting back the detail that shrinking lost before each larger size. Writes dream.png (dream-N.png for several images), metrics.json with the loss before and after each octave, and the gain: the weighted activation of the result over that of the original.',
    fields: [
      { name: 'network', type: { kind: 'image_model' }, doc: 'The network that sees: inception_v3() (packaged, offline), load("model.json"), or a model of this file that takes images [batch, height, width, 3] (then give `weights:`).' },
      { name: 'weights', type: { kind: 'string' }, doc: 'For a model of this file: the folder its `train` task saved (model.json and weights).', default: { kind: 'null' } },
      { name: 'layers', type: { kind: 'dict', of: { kind: 'float' }, keys: 'layer names' }, doc: 'The layers to amplify, each with its weight, e.g. { mixed3: 1.0, mixed5: 1.5 }: early layers give strokes and textures, deeper ones eyes, shells and animal parts.' },
      { name: 'octaves', type: { kind: 'int', min: 1 }, doc: 'Sizes of the pyramid, each `octave_scale` times the one before, the last the image\'s own.', default: { kind: 'int', value: 3 } },
      { name: 'octave_scale', type: { kind: 'float', min: 1, minExclusive: true }, doc: 'Ratio between successive sizes.', default: { kind: 'float', value: 1.4 } },
      { name: 'iterations', type: { kind: 'int', min: 1 }, doc: 'Gradient-ascent steps per octave.', default: { kind: 'int', value: 20 } },
      { name: 'step', type: { kind: 'float', min: 0, minExclusive: true }, doc: 'Step size, in pixel units of [0, 1] per step of the normalised gradient.', default: { kind: 'float', value: 0.01 } },
      { name: 'max_loss', type: { kind: 'float', min: 0 }, doc: 'Stop an octave early once the loss passes this (keeps the picture from turning into noise); 0 never stops.', default: { kind: 'float', value: 0 } },
      { name: 'normalize_gradient', type: { kind: 'bool' }, doc: 'Divide each gradient by its mean absolute value, so `step` means the same at every octave and layer.', default: { kind: 'bool', value: true } },
      { name: 'detail', type: { kind: 'bool' }, doc: 'Re-inject, before each larger octave, the detail that shrinking the original lost.', default: { kind: 'bool', value: true } },
      { name: 'save', type: { kind: 'string' }, doc: 'Output folder (dream.png, metrics.json).', default: { kind: 'null' } },
    ],
  },
  {
    kind: 'style_transfer', module: 'std.style', subjectIsModel: false, needsData: true,
    doc: 'Neural style transfer (Gatys et al. 2015): starting from the content image, an optimizer changes the pixels so that a deep layer of a pretrained network still sees the content while the Gram matrices (channel correlations) of several layers match those of the style image, with a total-variation term against noise. Losses: content = mean squared difference of the content layer\'s activations; style = mean over the style layers of the mean squared difference of the Gram matrices (each normalised by height × width); total variation = mean squared difference of neighbouring pixels. Writes style.png, metrics.json and loss.svg.',
    fields: [
      { name: 'network', type: { kind: 'image_model' }, doc: 'The network whose features define content and style: inception_v3() (packaged), load("model.json"), or a model of this file taking images (then give `weights:`).' },
      { name: 'weights', type: { kind: 'string' }, doc: 'For a model of this file: the folder its `train` task saved.', default: { kind: 'null' } },
      { name: 'style', type: { kind: 'data' }, doc: 'The style image, e.g. image("scream.jpg", height: 300, width: 240); its size may differ from the content\'s.' },
      { name: 'content_layer', type: { kind: 'string' }, doc: 'The layer whose activations keep the content (a deep one).' },
      { name: 'style_layers', type: { kind: 'list', of: { kind: 'string' } }, doc: 'Layers whose Gram matrices carry the style (shallow to deep).' },
      { name: 'content_weight', type: { kind: 'float', min: 0 }, doc: 'Weight of the content loss.', default: { kind: 'float', value: 1 } },
      { name: 'style_weight', type: { kind: 'float', min: 0 }, doc: 'Weight of the style loss.', default: { kind: 'float', value: 100 } },
      { name: 'tv_weight', type: { kind: 'float', min: 0 }, doc: 'Weight of the total-variation loss.', default: { kind: 'float', value: 10 } },
      { name: 'optimizer', type: { kind: 'call', table: 'optimizer' }, doc: 'Optimizer of the pixels; adam(lr: 0.02) moves pixels in [0, 1] by about 2% a step.', default: { kind: 'call', table: 'optimizer', name: 'adam', args: new Map([['lr', { kind: 'float', value: 0.02 }]]) } },
      { name: 'iterations', type: { kind: 'int', min: 1 }, doc: 'Optimizer steps.', default: { kind: 'int', value: 200 } },
      { name: 'save_every', type: { kind: 'int', min: 0 }, doc: 'Write the picture so far every this many steps (0: only at the end).', default: { kind: 'int', value: 50 } },
      { name: 'save', type: { kind: 'string' }, doc: 'Output folder (style.png, metrics.json, loss.svg).', default: { kind: 'null' } },
    ],
  },
].map((t) => [t.kind, t as TaskSchema]));
