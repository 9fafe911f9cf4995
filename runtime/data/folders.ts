// Image and text folders by class (Keras's image_ and text_dataset_from_directory): one sub-folder per class,
// its name the class name. Samples interleave the classes (the i-th image of each class in
// turn) so any leading part, and so the validation split at the end, holds every class.
import * as tf from '@tensorflow/tfjs';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkArrayFits } from './budget.js';
import { DenseColumn, type Column, type RuntimeData } from './column.js';
import { readImage, resizeImage } from '../io/image.js';
import { fault } from '../errors.js';
import { readDataFile } from '../io/data-file.js';

const IMAGE_FILE = /\.(jpe?g|png)$/i;
const TEXT_FILE = /\.txt$/i;

function list(dir: string, folders: boolean, pattern = IMAGE_FILE): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => (folders ? e.isDirectory() : e.isFile() && pattern.test(e.name))).map((e) => e.name).sort();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw fault('data', `cannot read the folder ${dir}: ${e.code === 'ENOENT' ? 'no such folder' : e.code === 'ENOTDIR' ? 'it is a file' : e.message}`);
  }
}

/** Class folders and their files (matching `pattern`) in interleaved order. */
function byClass(dir: string, pattern: RegExp, what: string): { classNames: string[]; order: { file: string; id: number }[] } {
  const classNames = list(dir, true);
  if (classNames.length < 2) throw fault('data', `${dir} needs one sub-folder per class (2 or more), found ${classNames.length ? `only ${classNames[0]}` : 'none'}`);
  const files = classNames.map((c) => list(join(dir, c), false, pattern).map((f) => join(dir, c, f)));
  const empty = classNames.filter((_, i) => !files[i]!.length);
  if (empty.length) throw fault('data', `${dir}: the class folder${empty.length > 1 ? 's' : ''} ${empty.join(', ')} hold${empty.length > 1 ? '' : 's'} no ${what}`);
  const order: { file: string; id: number }[] = [];
  const total = files.reduce((a, f) => a + f.length, 0);
  for (let i = 0; order.length < total; i++) files.forEach((f, id) => { if (i < f.length) order.push({ file: f[i]!, id }); });
  return { classNames, order };
}

/** Labelled texts: each .txt file one text (Keras's text_dataset_from_directory), for tokenize. */
export function textFolder(dir: string): RuntimeData {
  const { classNames, order } = byClass(dir, TEXT_FILE, '.txt files');
  const texts = order.map(({ file }) => readDataFile(file, 'utf8'));
  return { kind: 'texts', texts, y: new DenseColumn(Float32Array.from(order, (o) => o.id), [1]), classNames };
}

/** Image folders whose decoded pixels would pass this many bytes are read a batch at a time
 *  (unless `stream: false`). */
export const IMAGE_STREAM_BYTES = 256 * 2 ** 20;

/** One image resized to height × width, RGB or grey (ITU-R 601 luma), pixels in [0, 1], into `out` at `at`. */
function decodeInto(file: string, height: number, width: number, channels: number, out: Float32Array, at: number): void {
  const rgb = resizeImage(readImage(file), height, width);
  if (channels === 3) out.set(rgb, at);
  else for (let p = 0; p < height * width; p++) out[at + p] = 0.299 * rgb[3 * p]! + 0.587 * rgb[3 * p + 1]! + 0.114 * rgb[3 * p + 2]!;
}

/** Image files decoded when a batch asks for them: a folder of any size in flat memory,
 *  shuffled as freely as one in memory (a batch is any rows). */
export class ImageFiles implements Column {
  readonly dtype = 'float32';
  readonly sampleShape: readonly number[];
  constructor(readonly files: readonly string[], readonly height: number, readonly width: number, readonly channels: number) {
    this.sampleShape = [height, width, channels];
  }
  get n(): number { return this.files.length; }
  slice(start: number, end: number): ImageFiles { return new ImageFiles(this.files.slice(start, end), this.height, this.width, this.channels); }
  gather(rows: ArrayLike<number>): tf.Tensor {
    const size = this.height * this.width * this.channels;
    const out = new Float32Array(rows.length * size);
    for (let i = 0; i < rows.length; i++) decodeInto(this.files[rows[i]!]!, this.height, this.width, this.channels, out, i * size);
    return tf.tensor(out, [rows.length, ...this.sampleShape]);
  }
}

/** Labelled images, decoded whole, or file by file as batches ask (`stream`, by default
 *  when the decoded pixels would pass IMAGE_STREAM_BYTES). */
export function imageFolder(dir: string, height: number, width: number, color: 'grey' | 'rgb', stream: boolean | null = null): RuntimeData {
  const { classNames, order } = byClass(dir, IMAGE_FILE, '.jpg, .jpeg or .png images');
  const channels = color === 'grey' ? 1 : 3;
  const size = height * width * channels;
  const y = new DenseColumn(Float32Array.from(order, (o) => o.id), [1]);
  const info = { classNames, where: (i: number) => order[i]!.file };
  if (stream ?? order.length * size * 4 > IMAGE_STREAM_BYTES) return { kind: 'dataset', x: new ImageFiles(order.map((o) => o.file), height, width, channels), y, info };
  checkArrayFits(`the ${order.length} images of ${dir} at ${height} x ${width} x ${channels}`, order.length * size * 4, 'stream them: image_folder(..., stream: true)');
  const x = new Float32Array(order.length * size);
  order.forEach(({ file }, i) => decodeInto(file, height, width, channels, x, i * size));
  return { kind: 'dataset', x: new DenseColumn(x, [height, width, channels]), y, info };
}
