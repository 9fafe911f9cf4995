// NumPy's .npy format (version 1.0), for the samples `nnc compile --target pytorch` exports:
// a magic string, a Python-literal header padded to 64 bytes, then the little-endian data.

export function npyBytes(data: Float32Array | Int32Array | Uint8Array, shape: readonly number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : data instanceof Int32Array ? '<i4' : '|u1';
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0, header.length & 0xff, header.length >> 8], 0);
  out.set(Buffer.from(header, 'latin1'), 10);
  // Little-endian hosts (x86, arm64) hold typed arrays in the order the header says.
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
