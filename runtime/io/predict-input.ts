// New input for a trained model, as `nnc predict --input` reads it: a CSV (one sample per
// row), a NumPy array of samples, an image or a folder of images (resized to the model's size), or a text file (one
// sample per line, through the saved tokenizer). Each reader checks the input against the
// model's saved signature before anything is predicted, and applies the preprocessing the
// training data went through (categories, normalization). Every way the input can be wrong
// is one `data` fault naming what the model expects and what was found.
import { parse } from 'csv-parse/sync';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { DenseColumn, NamedColumns } from '../data/column.js';
import { npzArrayNames, readNpy, readNpz, type NpyArray } from '../data/npy.js';
import { readImage, resizeImage } from './image.js';
import type { ModelSignature } from './signature.js';
import { fault } from '../errors.js';

export interface PredictInput {
  x: DenseColumn;
  /** A first column naming each sample (image files, text lines), where rows alone would not. */
  ids?: { name: string; values: string[] };
}

const IMAGE = /\.(png|jpe?g)$/i;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const sampleSize = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const shapeText = (sig: ModelSignature) => `[${sig.input.shape.map((d, i) => (d < 0 ? sig.input.dims[i + 1] ?? '?' : d)).join(', ')}]`;

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw fault('file', `cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a folder' : e.message}`);
  }
}

/** x → (x − mean) / std per feature (the last axis), as normalize fitted it on the training data. */
function normalized(x: Float32Array, sig: ModelSignature): Float32Array {
  const n = sig.preprocessing.normalize;
  if (!n) return x;
  const f = n.mean.length;
  return x.map((v, i) => (v - n.mean[i % f]!) / n.std[i % f]!);
}

/** A model whose training data went through a transform nnc predict cannot repeat without
 *  saved statistics is refused rather than fed raw input. */
function refuseUnrepeatable(sig: ModelSignature): void {
  if (sig.pipeline.includes('normalize') && !sig.preprocessing.normalize) {
    throw fault('checkpoint', 'the model was trained on normalize(...)d data but its folder holds no normalization statistics, so new input cannot be normalized the same way; predict with a predict task in the .nn file instead');
  }
}

/** CSV rows as samples: the saved input columns by name when the model has them (and the
 *  file a header), else every column in order; categories become their indices. */
export function csvInput(path: string, sig: ModelSignature): PredictInput {
  refuseUnrepeatable(sig);
  const want = sampleSize(sig.input.shape);
  if (sig.input.shape.some((d) => d < 0)) throw fault('data', `the model takes samples of ${shapeText(sig)}, whose size a CSV row cannot fix; give it images or text`);
  let rows: string[][];
  try {
    rows = parse(readText(path), { skip_empty_lines: true, trim: true, bom: true, relax_column_count: false });
  } catch (err) {
    throw fault('data', `${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  const categories = sig.preprocessing.categories ?? {};
  const names = sig.preprocessing.columns;
  // A first row with a cell that is neither a number nor a category is the header.
  const knownCategory = (cell: string, i: number) => categories[names?.[i] ?? '']?.includes(cell) ?? false;
  const isHeader = rows[0]?.some((c, i) => !DECIMAL.test(c) && !knownCategory(c, i)) ?? false;
  const header = isHeader ? rows.shift()! : undefined;
  if (!rows.length) throw fault('data', `${path} has no rows to predict`);
  let pick: number[];
  if (names && header) {
    pick = names.map((c) => {
      const at = header.indexOf(c);
      if (at < 0) throw fault('data', `${path} has no column '${c}'; the model takes ${names.join(', ')}; found ${header.join(', ')}`);
      return at;
    });
  } else {
    const found = rows[0]!.length;
    if (found !== want) throw fault('data', `${path} has ${found} column${found === 1 ? '' : 's'} but the model takes ${want} (samples of ${shapeText(sig)}${names ? `: ${names.join(', ')}` : ''})`);
    pick = Array.from({ length: want }, (_, i) => i);
  }
  const x = new Float32Array(rows.length * want);
  rows.forEach((row, r) => pick.forEach((at, k) => {
    const cell = row[at] ?? '';
    const column = names?.[k] ?? header?.[at] ?? String(at + 1);
    const where = `${path} row ${r + 1}, column '${column}'`;
    const vocab = names ? categories[names[k]!] : undefined;
    if (vocab) {
      const id = vocab.indexOf(cell);
      if (id < 0) throw fault('data', `${where}: '${cell}' is not a category the model knows (${vocab.join(', ')})`);
      x[r * want + k] = id;
    } else if (cell === '') throw fault('data', `${where}: the value is missing`);
    else if (!DECIMAL.test(cell)) throw fault('data', `${where}: '${cell}' is not a number`);
    else x[r * want + k] = Number(cell);
  }));
  if (sig.input.dtype !== 'int32') return { x: new DenseColumn(normalized(x, sig), sig.input.shape) };
  // Token or category ids: whole numbers only.
  const at = x.findIndex((v) => !Number.isInteger(v));
  if (at >= 0) throw fault('data', `${path} row ${Math.floor(at / want) + 1}: the model takes whole numbers (int32 ids), found ${x[at]}`);
  return { x: new DenseColumn(Int32Array.from(x), sig.input.shape) };
}

/** Images resized to the model's height and width (RGB, or grey as the channels' mean). */
export function imageInput(paths: readonly string[], sig: ModelSignature, names: readonly string[] = paths.map((p) => basename(p))): PredictInput {
  refuseUnrepeatable(sig);
  const [h, w, c] = sig.input.shape;
  if (sig.input.shape.length !== 3 || (c !== 1 && c !== 3) || h! < 0 || w! < 0) throw fault('data', `the model takes samples of ${shapeText(sig)}, not images of [height, width, 1 or 3]`);
  const size = h! * w! * c!;
  const x = new Float32Array(paths.length * size);
  paths.forEach((p, i) => {
    const rgb = resizeImage(readImage(p), h!, w!);
    if (c === 3) x.set(rgb, i * size);
    else for (let k = 0; k < h! * w!; k++) x[i * size + k] = (rgb[k * 3]! + rgb[k * 3 + 1]! + rgb[k * 3 + 2]!) / 3;
  });
  return { x: new DenseColumn(normalized(x, sig), sig.input.shape), ids: { name: 'file', values: [...names] } };
}

/** One sample per non-empty line, tokenized with the words saved from training. */
export function textInput(path: string, sig: ModelSignature): PredictInput {
  const tok = sig.preprocessing.tokenizer;
  if (!tok) throw fault('data', `the model's folder holds no tokenizer vocabulary, so it cannot read text; it takes samples of ${shapeText(sig)} (give a CSV)`);
  const lines = readText(path).split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length) throw fault('data', `${path} has no lines to predict`);
  const id = new Map(tok.words.map((word, i) => [word, i + 2]));
  const x = new Int32Array(lines.length * tok.length);
  lines.forEach((line, i) => (line.toLowerCase().match(/[a-z0-9']+/g) ?? []).slice(0, tok.length).forEach((word, k) => { x[i * tok.length + k] = id.get(word) ?? 1; }));
  return { x: new DenseColumn(x, [tok.length]), ids: { name: 'text', values: lines } };
}

/** A NumPy array of samples (axis 0), or the array `x` (or the only array) of a .npz
 *  archive, shaped as the model's input: `[n, ...one sample]`, a 1-d array for one value
 *  per sample. A wrong shape says the reshape that would fit when the sizes agree. */
export function npyInput(path: string, sig: ModelSignature, array = 'x'): PredictInput {
  refuseUnrepeatable(sig);
  let a: NpyArray, what = path;
  if (extname(path).toLowerCase() === '.npz') {
    const names = npzArrayNames(path);
    const name = names.includes(array) ? array : names.length === 1 ? names[0]! : undefined;
    if (name === undefined) throw fault('data', `${path} holds ${names.length ? `the arrays ${names.join(', ')}` : 'no arrays'}; nnc predict reads the array named x, or the only one (np.savez(file, x=samples))`);
    what = `${path}:${name}`;
    a = readNpz(path, [{ name, dtype: 'float32' }])[0]!;
  } else a = readNpy(path);
  const want = sig.input.shape;
  const found = a.shape.length === 1 ? [1] : a.shape.slice(1);
  const fits = a.shape.length >= 1 && found.length === want.length && found.every((d, i) => want[i]! < 0 || d === want[i]);
  if (!fits) {
    const shown = `[${a.shape.join(', ')}]`;
    const size = sampleSize(found), wanted = sampleSize(want);
    const hint = a.shape.length === want.length && a.shape.every((d, i) => want[i]! < 0 || d === want[i]) ? `; it looks like one sample without the sample axis: save arr[np.newaxis]`
      : a.shape.length >= 1 && size === wanted && want.every((d) => d >= 0) ? `; arr.reshape(-1, ${want.join(', ')}) would fit` : '';
    throw fault('data', `${what} holds an array of ${shown} but the model takes samples of ${shapeText(sig)}, so the array must be [n, ${want.map((d, i) => (d < 0 ? sig.input.dims[i + 1] ?? '?' : d)).join(', ')}]${hint}`);
  }
  const n = a.shape[0]!;
  if (!n) throw fault('data', `${what} holds no samples (axis 0 has length 0)`);
  const shape = want.map((d, i) => (d < 0 ? found[i]! : d));
  if (sig.input.dtype !== 'int32') return { x: new DenseColumn(normalized(Float32Array.from(a.data), sig), shape) };
  const at = a.data.findIndex((v) => !Number.isInteger(v));
  if (at >= 0) throw fault('data', `${what} sample ${Math.floor(at / sampleSize(shape)) + 1}: the model takes whole numbers (int32 ids), found ${a.data[at]}`);
  return { x: new DenseColumn(Int32Array.from(a.data), shape) };
}

/** The inputs of a model of several, as nnc predict takes them: NAME=PATH for each (a .npy,
 *  or a .npz and its array of that name, else its x or only one), or one .npz whose arrays
 *  are named like the inputs. Each is checked against its input's signature; an input whose
 *  training data were normalized is refused (nnc predict keeps no statistics per input). */
export function severalInputs(specs: readonly string[], sig: ModelSignature): { x: NamedColumns } {
  const inputs = sig.inputs!;
  const names = inputs.map((i) => i.name);
  const usage = `a model of the inputs ${names.join(', ')} takes --input NAME=PATH for each (.npy or .npz), or one .npz of arrays named ${names.join(', ')}`;
  const given = new Map<string, string>();
  const one = specs.length === 1 ? specs[0]! : undefined;
  if (one !== undefined && !/^[A-Za-z_]\w*=/.test(one)) {
    if (extname(one).toLowerCase() !== '.npz') throw fault('flag', `--input ${one}: ${usage}`);
    const held = npzArrayNames(one), missing = names.filter((n) => !held.includes(n));
    if (missing.length) throw fault('data', `${one} holds the arrays ${held.join(', ') || '(none)'} but the model's inputs are ${names.join(', ')}: save them by name, np.savez(file, ${names.map((n) => `${n}=...`).join(', ')})`);
    for (const n of names) given.set(n, one);
  } else {
    for (const spec of specs) {
      const eq = spec.indexOf('=');
      const name = eq > 0 ? spec.slice(0, eq) : '';
      if (!names.includes(name)) throw fault('flag', `--input ${spec}: ${name ? `the model has no input '${name}'; ` : ''}${usage}`);
      if (given.has(name)) throw fault('flag', `--input ${name}=... is given twice`);
      given.set(name, spec.slice(eq + 1));
    }
    const missing = names.filter((n) => !given.has(n));
    if (missing.length) throw fault('flag', `the model takes the inputs ${names.join(', ')}: give ${missing.map((n) => `--input ${n}=PATH`).join(' and ')} too`);
  }
  const parts = inputs.map((i) => {
    const path = given.get(i.name)!;
    if (!/\.np[yz]$/i.test(path)) throw fault('flag', `--input ${i.name}=${path}: ${usage}`);
    if (i.pipeline.includes('normalize')) throw fault('checkpoint', `the input '${i.name}' was trained on normalize(...)d data, and nnc predict keeps no statistics for an input of a model of several; normalize that array with NumPy before training and predicting instead`);
    // Each input read as a model of that one input would be, without the first input's preprocessing.
    const one: ModelSignature = { ...sig, input: i, pipeline: i.pipeline, preprocessing: {} };
    return { name: i.name, column: npyInput(path, one, i.name).x };
  });
  const n = parts[0]!.column.n, other = parts.find((p) => p.column.n !== n);
  if (other) throw fault('data', `the input '${parts[0]!.name}' holds ${n} samples but '${other.name}' holds ${other.column.n}; they pair up sample by sample`);
  return { x: new NamedColumns(parts) };
}

/** The images of a folder, by name; where it has none, those of its subfolders (a folder
 *  of one subfolder per class), as `sub/name`. */
function imagesIn(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  const own = entries.filter((e) => e.isFile() && IMAGE.test(e.name)).map((e) => e.name);
  if (own.length) return own;
  return entries.filter((e) => e.isDirectory()).flatMap((d) => readdirSync(join(dir, d.name)).filter((f) => IMAGE.test(f)).sort().map((f) => `${d.name}/${f}`));
}

/** The input at `path` by its kind: a folder of images, an image, a CSV or a text file. */
export function readPredictInput(path: string, sig: ModelSignature): PredictInput {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw fault('file', `cannot read ${path}: no such file`);
  if (st.isDirectory()) {
    const files = imagesIn(path);
    if (!files.length) throw fault('data', `${path} holds no .png, .jpg or .jpeg images (nor do its subfolders)`);
    return imageInput(files.map((f) => join(path, f)), sig, files);
  }
  if (IMAGE.test(path)) return imageInput([path], sig);
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return csvInput(path, sig);
  if (ext === '.txt') return textInput(path, sig);
  if (ext === '.npy' || ext === '.npz') return npyInput(path, sig);
  throw fault('file', `${path}: nnc predict reads a .csv (one sample per row), a .txt (one text per line), a .npy or .npz array of samples, a .png or .jpg image, or a folder of images; found ${ext || 'no extension'}`);
}
