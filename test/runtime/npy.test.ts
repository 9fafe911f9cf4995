// NumPy files written by the test in the .npy format: the checker's header reader (through
// the host) and the runtime reader agree on shapes, and the values come back.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/check/checker.js';
import { formatShape } from '../../compiler/shapes/shape.js';
import { nodeHost } from '../../driver/host.js';
import { readNpy, readNpz, parseNpy } from '../../runtime/data/npy.js';
import { npyBytes } from '../npy-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'nnc-npy-'));
const file = (name: string, bytes: Uint8Array | string) => { writeFileSync(join(dir, name), bytes); return join(dir, name); };

/** The checked type of `data d = <expr>`, or the diagnostics' text. */
function typeOf(expr: string): string {
  const path = file('t.nn', `data d = ${expr}\n`);
  const r = check(path, nodeHost);
  if (r.diagnostics.length) return r.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ');
  const t = r.program.data.get('d')!.value.type;
  return t.kind === 'array' ? formatShape(t.shape) : t.kind === 'dataset' ? `x ${formatShape(t.x)} y ${t.y ? formatShape(t.y) : '-'}${t.labels ? ` ${t.labels}` : ''}` : t.kind;
}

describe('npy and npz', () => {
  const x = Array.from({ length: 24 }, (_, i) => i / 2);
  file('x.npy', npyBytes('<f8', [4, 3, 2], x));
  file('y.npy', npyBytes('<i8', [4], [0, 2, 1, 2]));
  file('u8.npy', npyBytes('|u1', [2, 2], [0, 255, 7, 9]));

  it('reads values of every supported dtype as float32, axis 0 the samples', () => {
    expect(readNpy(join(dir, 'x.npy'))).toEqual({ shape: [4, 3, 2], data: Float32Array.from(x) });
    expect(Array.from(readNpy(join(dir, 'y.npy')).data)).toEqual([0, 2, 1, 2]);
    expect(Array.from(readNpy(join(dir, 'u8.npy'), 'int32').data)).toEqual([0, 255, 7, 9]);
  });

  it('the checker types an array from its header', () => {
    expect(typeOf('npy("x.npy")')).toBe('[n, 3, 2]');
    expect(typeOf('npy("y.npy")')).toBe('[n, 1]');
    expect(typeOf('examples(npy("x.npy"), y: npy("y.npy"), labels: ids)')).toBe('x [n, 3, 2] y [n, 1] ids');
  });

  it('npz archives, stored and deflated, by array name', () => {
    const members = { 'images.npy': npyBytes('<f4', [4, 3, 2], x), 'labels.npy': npyBytes('<i8', [4], [0, 2, 1, 2]) };
    file('stored.npz', zipSync(members, { level: 0 }));
    file('deflated.npz', zipSync(members, { level: 6 }));
    for (const name of ['stored.npz', 'deflated.npz']) {
      expect(typeOf(`npz("${name}", x: "images", y: "labels", labels: ids)`)).toBe('x [n, 3, 2] y [n, 1] ids');
      const [a, b] = readNpz(join(dir, name), [{ name: 'images', dtype: 'float32' }, { name: 'labels', dtype: 'float32' }]);
      expect(a!.shape).toEqual([4, 3, 2]);
      expect(Array.from(b!.data)).toEqual([0, 2, 1, 2]);
    }
    expect(typeOf('npz("stored.npz", x: "image")')).toMatch(/E0417 .*stored\.npz has no array 'image'/);
  });

  it('a file that is not an array is an error at the data line, naming why', () => {
    file('text.npy', 'just text');
    expect(typeOf('npy("text.npy")')).toMatch(/E0420 .*cannot read text\.npy: not a NumPy \.npy file/);
    expect(typeOf('npy("none.npy")')).toMatch(/E0420 .*cannot read none\.npy: no such file/);
    expect(() => parseNpy(npyBytes('<f8', [3], [1, 2]), 'short.npy')).toThrow(/short\.npy: the file holds 16 bytes of data, the header promises 24/);
  });
});
