// NumPy arrays: .npy files (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html)
// and .npz archives of them (zip, stored or deflated, unzipped by fflate). Little-endian
// numbers and bools, C order; every value becomes float32 (or int32 where asked).
import { unzipSync } from 'fflate';

import { checkArrayFits } from './budget.js';
import { DenseColumn } from './column.js';
import { fault } from '../errors.js';
import { readDataFile } from '../io/data-file.js';

export interface NpyArray { shape: number[]; data: Float32Array | Int32Array }

// The header grammar is the one compiler/data/heads.ts reads for the checker (the runtime
// cannot import the compiler: nnc compile copies it alone).
const BYTES: Record<string, { size: number; read: (v: DataView, at: number) => number }> = {
  '<f4': { size: 4, read: (v, at) => v.getFloat32(at, true) },
  '<f8': { size: 8, read: (v, at) => v.getFloat64(at, true) },
  '|i1': { size: 1, read: (v, at) => v.getInt8(at) },
  '|u1': { size: 1, read: (v, at) => v.getUint8(at) },
  '|b1': { size: 1, read: (v, at) => v.getUint8(at) },
  '<i2': { size: 2, read: (v, at) => v.getInt16(at, true) },
  '<u2': { size: 2, read: (v, at) => v.getUint16(at, true) },
  '<i4': { size: 4, read: (v, at) => v.getInt32(at, true) },
  '<u4': { size: 4, read: (v, at) => v.getUint32(at, true) },
  '<i8': { size: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  '<u8': { size: 8, read: (v, at) => Number(v.getBigUint64(at, true)) },
};

/** Parses a whole .npy file; `what` names it in errors. */
export function parseNpy(bytes: Uint8Array, what: string, dtype: 'float32' | 'int32' = 'float32'): NpyArray {
  const bad = (why: string) => fault('data', `${what}: ${why}`);
  if (bytes.length < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') throw bad('not a NumPy .npy file (no \\x93NUMPY magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wide = bytes[6]! >= 2;
  const len = wide ? view.getUint32(8, true) : view.getUint16(8, true);
  const start = wide ? 12 : 10;
  const dict = new TextDecoder(bytes[6]! >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + len));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(dict)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(dict)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(dict)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad('the header is not a NumPy array header');
  const kind = BYTES[descr];
  if (!kind) throw bad(`dtype '${descr}' is not supported (little-endian numbers or bool only; save with arr.astype("float32"))`);
  if (fortran === 'True') throw bad('the array is in Fortran order; save np.ascontiguousarray(arr)');
  const shape = shapeText.split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + len;
  if (bytes.length < offset + count * kind.size) throw bad(`the file holds ${bytes.length - offset} bytes of data, the header promises ${count * kind.size}`);
  checkArrayFits(what, count * 4 + bytes.length, 'save part of the samples (np.save(path, arr[:n]))');
  const data = dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = kind.read(view, offset + i * kind.size);
  return { shape, data };
}

const readBytes = (path: string): Uint8Array => readDataFile(path);

/** The samples of an array: axis 0 is the sample axis; a 1-d array is one value per sample. */
export function columnOf(a: NpyArray, what: string): DenseColumn {
  if (!a.shape.length) throw fault('data', `${what}: a 0-d array (one number) has no samples`);
  return new DenseColumn(a.data, a.shape.length === 1 ? [1] : a.shape.slice(1));
}

export function readNpy(path: string, dtype: 'float32' | 'int32' = 'float32'): NpyArray {
  return parseNpy(readBytes(path), path, dtype);
}

/** The names of a .npz archive's arrays (its members x.npy, ... without .npy). */
export function npzArrayNames(path: string): string[] {
  const names: string[] = [];
  try {
    unzipSync(readBytes(path), { filter: (f) => { if (f.name.endsWith('.npy')) names.push(f.name.slice(0, -4)); return false; } });
  } catch (err) {
    throw fault('data', `${path}: not a readable .npz (zip) archive: ${(err as Error).message}`);
  }
  return names;
}

/** Arrays of a .npz archive by name (`x` is the member x.npy, as np.savez(file, x=...) writes it). */
export function readNpz(path: string, arrays: readonly { name: string; dtype: 'float32' | 'int32' }[]): NpyArray[] {
  const names = arrays.map((a) => a.name);
  const bytes = readBytes(path);
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, { filter: (f) => names.some((n) => f.name === `${n}.npy`) });
  } catch (err) {
    throw fault('data', `${path}: not a readable .npz (zip) archive: ${(err as Error).message}`);
  }
  return arrays.map(({ name, dtype }) => {
    const m = members[`${name}.npy`];
    if (!m) throw fault('data', `${path} holds no array '${name}'`);
    return parseNpy(m, `${path}:${name}`, dtype);
  });
}
