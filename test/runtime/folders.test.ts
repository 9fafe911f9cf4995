// image_folder: class ids from sorted sub-folder names, classes interleaved.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DenseColumn } from '../../runtime/data/column.js';
import { imageFolder, textFolder } from '../../runtime/data/folders.js';
import { tokenize } from '../../runtime/data/sources.js';

function png(value: number): Buffer {
  const p = new PNG({ width: 2, height: 2 });
  p.data.fill(value);
  return PNG.sync.write(p);
}

describe('image_folder', () => {
  it('names classes by sorted sub-folder, interleaves them, and keeps the names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-folders-'));
    const counts = { cat: 3, ant: 2, dog: 4 };
    for (const [name, count] of Object.entries(counts)) {
      mkdirSync(join(dir, name));
      for (let i = 0; i < count; i++) writeFileSync(join(dir, name, `${i}.png`), png(255));
    }
    writeFileSync(join(dir, 'notes.txt'), 'not a class');
    const d = imageFolder(dir, 2, 2, 'grey');
    if (d.kind !== 'dataset') throw new Error('expected a dataset');
    expect(d.info.classNames).toEqual(['ant', 'cat', 'dog']);
    expect(d.x.sampleShape).toEqual([2, 2, 1]);
    expect(Array.from((d.y as DenseColumn).data)).toEqual([0, 1, 2, 0, 1, 2, 1, 2, 2]);
    expect(Array.from((d.x as DenseColumn).row(0))).toEqual([1, 1, 1, 1].map(() => expect.closeTo(1, 5)));
  });

  it('one class folder is not enough, and an empty class is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-folders-'));
    mkdirSync(join(dir, 'only'));
    expect(() => imageFolder(dir, 2, 2, 'rgb')).toThrow(/needs one sub-folder per class \(2 or more\), found only only/);
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'only', 'a.png'), png(0));
    expect(() => imageFolder(dir, 2, 2, 'rgb')).toThrow(/the class folder empty holds no \.jpg/);
  });
});

describe('text_folder', () => {
  it('reads each .txt file as one text, labelled by its class folder, for tokenize', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-texts-'));
    for (const [name, texts] of Object.entries({ spam: ['win money now', 'cheap pills'], ham: ['lunch at noon?', 'the report is attached', 'see you'] })) {
      mkdirSync(join(dir, name));
      texts.forEach((t, i) => writeFileSync(join(dir, name, `${i}.txt`), t));
    }
    const d = textFolder(dir);
    if (d.kind !== 'texts') throw new Error('expected texts');
    expect(d.classNames).toEqual(['ham', 'spam']);
    expect(d.texts).toEqual(['lunch at noon?', 'win money now', 'the report is attached', 'cheap pills', 'see you']);
    expect(Array.from(d.y.data)).toEqual([0, 1, 0, 1, 0]);
    const t = tokenize({ texts: d, vocab_size: 20, length: 4 });
    expect(t.kind === 'dataset' && t.info.classNames).toEqual(['ham', 'spam']);
  });
});
