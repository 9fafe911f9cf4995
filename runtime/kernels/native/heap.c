// Kernels that work in place on tfjs-backend-wasm's own heap: the module imports the
// backend's memory, so pointers are the byte offsets of tensors there and nothing is copied.
// Where tfjs's native kernel (or a JS loop) is slow on training shapes: max pooling's gradient
// and sums over leading axes, four channels at a time (WebAssembly SIMD).
//
// The memory is tfjs's, so this module must own none of it: no data segments and no stack.
// build.sh links it with a zero-sized stack first in memory, so any stack use would move the
// stack pointer below 0 and trap rather than write over tfjs's data; it checks that the
// module has no data section. Every function here keeps its state in locals.
#include <wasm_simd128.h>

// dx (zeroed here) of max pooling over NHWC: each window's output gradient goes to the
// window's first largest input (TensorFlow's choice among ties), summed where windows
// overlap. Windows are clipped to the input (padding never wins).
__attribute__((export_name("max_pool_grad")))
void max_pool_grad(const float *x, const float *dy, float *dx, int b, int h, int w, int c,
                   int oh, int ow, int fh, int fw, int sh, int sw, int top, int left) {
  for (long i = 0, n = (long)b * h * w * c; i < n; i++) dx[i] = 0.0f;
  const v128_t lane = wasm_i32x4_make(0, 1, 2, 3);
  for (int n = 0; n < b; n++) {
    for (int oy = 0; oy < oh; oy++) {
      int y0 = oy * sh - top, y1 = y0 + fh;
      if (y0 < 0) y0 = 0;
      if (y1 > h) y1 = h;
      for (int ox = 0; ox < ow; ox++) {
        int x0 = ox * sw - left, x1 = x0 + fw;
        if (x0 < 0) x0 = 0;
        if (x1 > w) x1 = w;
        if (y0 >= y1 || x0 >= x1) continue;
        const int first = ((n * h + y0) * w + x0) * c;
        const float *g = dy + ((n * oh + oy) * ow + ox) * c;
        int k = 0;
        for (; k + 4 <= c; k += 4) {
          v128_t best = wasm_v128_load(x + first + k);
          v128_t at = wasm_i32x4_add(wasm_i32x4_splat(first + k), lane);
          for (int iy = y0; iy < y1; iy++) {
            for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
              const int base = ((n * h + iy) * w + ix) * c + k;
              const v128_t v = wasm_v128_load(x + base);
              const v128_t more = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, more);
              at = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(base), lane), at, more);
            }
          }
          dx[wasm_i32x4_extract_lane(at, 0)] += g[k];
          dx[wasm_i32x4_extract_lane(at, 1)] += g[k + 1];
          dx[wasm_i32x4_extract_lane(at, 2)] += g[k + 2];
          dx[wasm_i32x4_extract_lane(at, 3)] += g[k + 3];
        }
        for (; k < c; k++) {
          float best = x[first + k];
          int at = first + k;
          for (int iy = y0; iy < y1; iy++) {
            for (int ix = iy == y0 ? x0 + 1 : x0; ix < x1; ix++) {
              const int i = ((n * h + iy) * w + ix) * c + k;
              if (x[i] > best) {
                best = x[i];
                at = i;
              }
            }
          }
          dx[at] += g[k];
        }
      }
    }
  }
}

// out[j] = Σ_r x[r · cols + j]: a sum over the leading axes of a [rows, cols] tensor, row by
// row into out (which stays in cache), four columns at a time.
__attribute__((export_name("sum_rows")))
void sum_rows(const float *x, float *out, int rows, int cols) {
  for (int j = 0; j < cols; j++) out[j] = 0.0f;
  for (int r = 0; r < rows; r++) {
    const float *row = x + (long)r * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4) wasm_v128_store(out + j, wasm_f32x4_add(wasm_v128_load(out + j), wasm_v128_load(row + j)));
    for (; j < cols; j++) out[j] += row[j];
  }
}
