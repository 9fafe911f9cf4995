// Writes arrays in NumPy's .npy format (version 1.0), for tests that bring their own data.

/** A .npy file: magic, version 1.0, a header dict padded to 64 bytes, little-endian data. */
export function npyBytes(descr: string, shape: number[], values: number[]): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + dict.length + 1) % 64);
  const header = dict + ' '.repeat(pad % 64) + '\n';
  const size = { '<f4': 4, '<f8': 8, '<i8': 8, '|u1': 1 }[descr]!;
  const out = new Uint8Array(10 + header.length + values.length * size);
  out.set([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 255, header.length >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  const v = new DataView(out.buffer, 10 + header.length);
  values.forEach((x, i) => {
    if (descr === '<f4') v.setFloat32(i * 4, x, true);
    else if (descr === '<f8') v.setFloat64(i * 8, x, true);
    else if (descr === '<i8') v.setBigInt64(i * 8, BigInt(x), true);
    else v.setUint8(i, x);
  });
  return out;
}
