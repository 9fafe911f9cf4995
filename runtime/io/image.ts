// Reading photographs and pictures: JPEG (jpeg-js) or PNG (pngjs), both pure JS, told apart
// by their first bytes rather than the file name; RGB pixels in [0, 1], resized with
// bilinear interpolation. Every way a file can be unreadable is a one-line data fault.
import jpeg from 'jpeg-js';

import { PNG } from 'pngjs';
import { fault } from '../errors.js';
import { readDataFile } from './data-file.js';

/** RGB pixels in [0, 1], row-major [height, width, 3]. */
export interface RgbImage { data: Float32Array; height: number; width: number }

const isJpeg = (b: Uint8Array) => b[0] === 0xff && b[1] === 0xd8;
const isPng = (b: Uint8Array) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;

/** Drops alpha from RGBA bytes and scales to [0, 1]. */
function rgbOf(rgba: Uint8Array, width: number, height: number): RgbImage {
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) for (let k = 0; k < 3; k++) data[i * 3 + k] = rgba[i * 4 + k]! / 255;
  return { data, height, width };
}

export function readImage(path: string): RgbImage {
  const bytes = readDataFile(path);
  try {
    if (isJpeg(bytes)) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      return rgbOf(img.data, img.width, img.height);
    }
    if (isPng(bytes)) {
      const png = PNG.sync.read(bytes);
      return rgbOf(png.data, png.width, png.height);
    }
  } catch (err) {
    throw fault('data', `${path} is not a readable image: ${(err as Error).message.split('\n')[0]}`);
  }
  throw fault('data', `${path} is neither a JPEG nor a PNG file`);
}

/** The image resized to height × width: bilinear with half-pixel centres, as Keras resizes
 *  and as tf.image.resizeBilinear(x, size, false, true) computes it, in plain JS so that data
 *  loading never needs a synchronous read from the backend (webgpu has none under Node). */
export function resizeImage(img: RgbImage, height: number, width: number): Float32Array {
  if (img.height === height && img.width === width) return img.data;
  const out = new Float32Array(height * width * 3);
  const src = img.data, rowStride = img.width * 3;
  const axis = (outSize: number, inSize: number) => Array.from({ length: outSize }, (_, o) => {
    const at = (inSize / outSize) * (o + 0.5) - 0.5;
    const lo = Math.max(0, Math.floor(at));
    return { lo, hi: Math.min(inSize - 1, Math.ceil(at)), frac: Math.fround(at - lo) };
  });
  const cols = axis(width, img.width);
  let k = 0;
  for (const r of axis(height, img.height)) {
    const top = r.lo * rowStride, bottom = r.hi * rowStride;
    for (const c of cols) {
      for (let ch = 0; ch < 3; ch++) {
        const tl = src[top + c.lo * 3 + ch]!, tr = src[top + c.hi * 3 + ch]!;
        const bl = src[bottom + c.lo * 3 + ch]!, br = src[bottom + c.hi * 3 + ch]!;
        const upper = tl + (tr - tl) * c.frac, lower = bl + (br - bl) * c.frac;
        out[k++] = Math.min(1, Math.max(0, upper + (lower - upper) * r.frac));
      }
    }
  }
  return out;
}
