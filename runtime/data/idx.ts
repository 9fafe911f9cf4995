// The IDX format of the MNIST-family files (big-endian header: two zero bytes, a type byte,
// the rank, then one 32-bit size per axis; then the values), gzipped or not.

import { gunzipSync } from 'node:zlib';
import { DenseColumn } from './column.js';
import { fault } from '../errors.js';
import { readDataFile } from '../io/data-file.js';

const UBYTE = 0x08;

export interface IdxArray { dims: number[]; values: Uint8Array }

/** Reads an unsigned-byte IDX file; a bad header or a short file is a data fault naming it. */
export function readIdx(path: string): IdxArray {
  let bytes = readDataFile(path);
  try {
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw fault('data', `cannot read ${path}: ${e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' ? 'corrupt gzip data' : e.message}`);
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw fault('data', `${path} is not an IDX file (it does not start with two zero bytes)`);
  if (bytes[2] !== UBYTE) throw fault('data', `${path} holds IDX type 0x${bytes[2]!.toString(16)}; only unsigned bytes (0x08, as in MNIST) are supported`);
  const rank = bytes[3]!;
  if (bytes.length < 4 + 4 * rank) throw fault('data', `${path} is cut short inside its IDX header`);
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (bytes.length - start < size) throw fault('data', `${path} is cut short: its header promises [${dims.join(', ')}] = ${size} values, it holds ${bytes.length - start}`);
  return { dims, values: bytes.subarray(start, start + size) };
}

/** Images [n, height, width, 1] in [0, 1] and, with a labels file, one-hot labels [n, classes]. */
export function idxImages(imagesPath: string, labelsPath: string | null, height: number, width: number, classes: number, count: number | null): { x: DenseColumn; y?: DenseColumn } {
  const images = readIdx(imagesPath);
  if (images.dims.length !== 3) throw fault('data', `${imagesPath} holds an array of rank ${images.dims.length}; images need [n, height, width]`);
  const [total, h, w] = images.dims as [number, number, number];
  if (h !== height || w !== width) throw fault('data', `${imagesPath} holds ${h} x ${w} images; the idx() call says ${height} x ${width}`);
  const n = count ?? total;
  if (n > total) throw fault('data', `${imagesPath} holds ${total} images; asked for ${n}`);
  const x = new Float32Array(n * h * w);
  for (let i = 0; i < x.length; i++) x[i] = images.values[i]! / 255;
  if (labelsPath === null) return { x: new DenseColumn(x, [h, w, 1]) };
  const labels = readIdx(labelsPath);
  if (labels.dims.length !== 1) throw fault('data', `${labelsPath} holds an array of rank ${labels.dims.length}; labels need [n]`);
  if (labels.dims[0]! < n) throw fault('data', `${labelsPath} holds ${labels.dims[0]} labels for ${n} images`);
  const y = new Float32Array(n * classes);
  for (let i = 0; i < n; i++) {
    const label = labels.values[i]!;
    if (label >= classes) throw fault('data', `${labelsPath}: label ${label} of image ${i + 1} is not below classes = ${classes}`);
    y[i * classes + label] = 1;
  }
  return { x: new DenseColumn(x, [h, w, 1]), y: new DenseColumn(y, [classes]) };
}
