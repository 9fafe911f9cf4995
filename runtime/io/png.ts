// PNG out (pngjs: pure JS, no native build), pictures in through image.ts, and image grids: a batch of images
// [n, h, w, c] with pixels in [0, 1] tiled into one picture.
import { PNG } from 'pngjs';
import { writeFileAtomic } from './atomic.js';
import { readImage } from './image.js';

/** Pixels in [0, 1], row-major, `channels` (1 grey or 3 RGB) per pixel. */
export interface Picture { data: Float32Array; height: number; width: number; channels: 1 | 3 }

export function encodePng(p: Picture): Buffer {
  const png = new PNG({ width: p.width, height: p.height });
  for (let i = 0; i < p.height * p.width; i++) {
    for (let k = 0; k < 3; k++) {
      const v = p.data[i * p.channels + (p.channels === 1 ? 0 : k)]!;
      png.data[i * 4 + k] = Math.round(Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)) * 255);
    }
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

export function writePng(path: string, p: Picture): void {
  writeFileAtomic(path, encodePng(p));
}

/** Reads a PNG (or JPEG, through readImage) as grey (mean of RGB) or RGB pixels in [0, 1]. */
export function readPicture(path: string, channels: 1 | 3): Picture {
  const img = readImage(path);
  if (channels === 3) return { ...img, channels };
  const data = new Float32Array(img.width * img.height);
  for (let i = 0; i < data.length; i++) data[i] = (img.data[i * 3]! + img.data[i * 3 + 1]! + img.data[i * 3 + 2]!) / 3;
  return { data, height: img.height, width: img.width, channels };
}

/** Tiles `n` images of h×w×c (c = 1 or 3) into rows of `cols`, with a `gap`-pixel white border. */
export function imageGrid(images: Float32Array, n: number, h: number, w: number, c: number, cols: number, gap = 2): Picture {
  if (c !== 1 && c !== 3) throw new Error(`a grid needs 1 or 3 channels, not ${c}`);
  const rows = Math.ceil(n / cols);
  const height = rows * h + (rows + 1) * gap, width = cols * w + (cols + 1) * gap;
  const data = new Float32Array(height * width * c).fill(1);
  for (let k = 0; k < n; k++) {
    const top = gap + Math.floor(k / cols) * (h + gap), left = gap + (k % cols) * (w + gap);
    for (let y = 0; y < h; y++) {
      const src = (k * h + y) * w * c;
      data.set(images.subarray(src, src + w * c), ((top + y) * width + left) * c);
    }
  }
  return { data, height, width, channels: c };
}

/** The inverse of imageGrid for a grid of equal cells: the cells as one [n, h, w, c] array. */
export function gridCells(p: Picture, h: number, w: number, gap = 2): { images: Float32Array; n: number } {
  const cols = Math.floor((p.width - gap) / (w + gap)), rows = Math.floor((p.height - gap) / (h + gap));
  const c = p.channels;
  const images = new Float32Array(rows * cols * h * w * c);
  for (let k = 0; k < rows * cols; k++) {
    const top = gap + Math.floor(k / cols) * (h + gap), left = gap + (k % cols) * (w + gap);
    for (let y = 0; y < h; y++) {
      const src = ((top + y) * p.width + left) * c;
      images.set(p.data.subarray(src, src + w * c), (k * h + y) * w * c);
    }
  }
  return { images, n: rows * cols };
}
