// Kernels that work in place on tfjs-backend-wasm's own heap: the module imports the
// backend's memory, so pointers are the byte offsets of tensors there and nothing is copied.
// Where tfjs's native kernel (or a JS loop) is slow on training shapes: max pooling's
// gradient, sums over leading axes, small matmuls, the patches of small convolutions and
// their inverse, relu's gradient, the filter gradient of larger convolutions (read in place)
// and the Winograd transforms and products of large 3×3 convolutions (forward and both
// gradients); four channels at a time (WebAssembly SIMD). Kernels that take a range of rows
// [r0, r1) or images [n0, n1) last are shared between threads (team.ts).
//
// The memory is tfjs's, so this module must own none of it: no data segments and no stack.
// build.sh links it with a zero-sized stack first in memory, so any stack use would move the
// stack pointer below 0 and trap rather than write over tfjs's data; it checks that the
// module has no data section. Every function here keeps its state in locals.
#include <wasm_simd128.h>

// dx (zeroed here) of max pooling over NHWC: each window's output gradient goes to the
// window's first largest input (TensorFlow's choice among ties), summed where windows
// overlap. Windows are clipped to the input (padding never wins). For the images [n0, n1)
// of the batch (b), so that threads can share it.
__attribute__((export_name("max_pool_grad")))
void max_pool_grad(const float *x, const float *dy, float *dx, int b, int h, int w, int c,
                   int oh, int ow, int fh, int fw, int sh, int sw, int top, int left, int n0, int n1) {
  for (long i = (long)n0 * h * w * c, end = (long)n1 * h * w * c; i < end; i++) dx[i] = 0.0f;
  const v128_t lane = wasm_i32x4_make(0, 1, 2, 3);
  for (int n = n0; n < n1; n++) {
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

// out[m, n] = a[m, k] · b[k, n], all row-major, for products too small to be worth XNNPACK's
// operator setup, weight packing and thread hand-off (a recurrent step's [32, 32] · [32, 128]
// took 13 µs more on two threads than on one). Tiles of 4 rows × 8 columns keep their sums
// in eight SIMD registers; the rows and columns left over take narrower paths.
__attribute__((export_name("matmul")))
void matmul(const float *a, const float *b, float *out, int m, int k, int n) {
  int i = 0;
  for (; i + 4 <= m; i += 4) {
    const float *a0 = a + (long)i * k, *a1 = a0 + k, *a2 = a1 + k, *a3 = a2 + k;
    float *o0 = out + (long)i * n, *o1 = o0 + n, *o2 = o1 + n, *o3 = o2 + n;
    int j = 0;
    for (; j + 8 <= n; j += 8) {
      v128_t s00 = wasm_f32x4_splat(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
      for (int p = 0; p < k; p++) {
        const v128_t b0 = wasm_v128_load(b + (long)p * n + j), b1 = wasm_v128_load(b + (long)p * n + j + 4);
        const v128_t x0 = wasm_f32x4_splat(a0[p]), x1 = wasm_f32x4_splat(a1[p]), x2 = wasm_f32x4_splat(a2[p]), x3 = wasm_f32x4_splat(a3[p]);
        s00 = wasm_f32x4_add(s00, wasm_f32x4_mul(x0, b0)); s01 = wasm_f32x4_add(s01, wasm_f32x4_mul(x0, b1));
        s10 = wasm_f32x4_add(s10, wasm_f32x4_mul(x1, b0)); s11 = wasm_f32x4_add(s11, wasm_f32x4_mul(x1, b1));
        s20 = wasm_f32x4_add(s20, wasm_f32x4_mul(x2, b0)); s21 = wasm_f32x4_add(s21, wasm_f32x4_mul(x2, b1));
        s30 = wasm_f32x4_add(s30, wasm_f32x4_mul(x3, b0)); s31 = wasm_f32x4_add(s31, wasm_f32x4_mul(x3, b1));
      }
      wasm_v128_store(o0 + j, s00); wasm_v128_store(o0 + j + 4, s01);
      wasm_v128_store(o1 + j, s10); wasm_v128_store(o1 + j + 4, s11);
      wasm_v128_store(o2 + j, s20); wasm_v128_store(o2 + j + 4, s21);
      wasm_v128_store(o3 + j, s30); wasm_v128_store(o3 + j + 4, s31);
    }
    for (; j < n; j++) {
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int p = 0; p < k; p++) {
        const float bv = b[(long)p * n + j];
        s0 += a0[p] * bv; s1 += a1[p] * bv; s2 += a2[p] * bv; s3 += a3[p] * bv;
      }
      o0[j] = s0; o1[j] = s1; o2[j] = s2; o3[j] = s3;
    }
  }
  for (; i < m; i++) {
    const float *ar = a + (long)i * k;
    float *o = out + (long)i * n;
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      v128_t s = wasm_f32x4_splat(0);
      for (int p = 0; p < k; p++) s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_f32x4_splat(ar[p]), wasm_v128_load(b + (long)p * n + j)));
      wasm_v128_store(o + j, s);
    }
    for (; j < n; j++) {
      float s = 0;
      for (int p = 0; p < k; p++) s += ar[p] * b[(long)p * n + j];
      o[j] = s;
    }
  }
}

// The filter gradient of a convolution with few taps × input channels (first layers) as
// patchesᵀ · dy: row (i·kw + j)·c + ch of the patches is what tap (i, j) saw of channel ch
// at each output position r = (n·oh + y)·ow + x (zero where the tap falls in the padding),
// and row k of dw is that row times dy [positions, co]. For the rows [r0, r1) (patches is
// [kh·kw·c, positions], scratch), so that threads can share it.
__attribute__((export_name("patches_filter_grad")))
void patches_filter_grad(const float *x, const float *dy, float *patches, float *dw, int b, int h, int w, int c, int oh, int ow,
                         int co, int kh, int kw, int sh, int sw, int top, int left, int r0, int r1) {
  const long rows = (long)b * oh * ow;
  for (int r = r0; r < r1; r++) {
    const int tap = r / c, i = tap / kw, j = tap % kw, ch = r % c;
    float *o = patches + (long)r * rows;
    for (int n = 0; n < b; n++) {
      for (int y = 0; y < oh; y++) {
        const int iy = y * sh + i - top;
        if (iy < 0 || iy >= h) {
          for (int xx = 0; xx < ow; xx++) *o++ = 0.0f;
          continue;
        }
        const float *row = x + ((long)(n * h + iy) * w) * c + ch;
        for (int xx = 0; xx < ow; xx++) {
          const int ix = xx * sw + j - left;
          *o++ = ix < 0 || ix >= w ? 0.0f : row[(long)ix * c];
        }
      }
    }
  }
  matmul(patches + (long)r0 * rows, dy, dw + (long)r0 * co, r1 - r0, (int)rows, co);
}

// The inverse of the input patches, for a convolution's input gradient: cols[r][(i·kw + j)·c + ch] is
// what output position r = (n·oh + y)·ow + x sends back through tap (i, j) to channel ch;
// dx (zeroed here) sums what reaches each input, and drops what lands in the padding.
__attribute__((export_name("col2im")))
void col2im(const float *cols, float *dx, int b, int h, int w, int c, int oh, int ow,
            int kh, int kw, int sh, int sw, int top, int left) {
  for (long i = 0, n = (long)b * h * w * c; i < n; i++) dx[i] = 0.0f;
  const float *col = cols;
  for (int n = 0; n < b; n++) {
    for (int y = 0; y < oh; y++) {
      for (int xx = 0; xx < ow; xx++) {
        for (int i = 0; i < kh; i++) {
          const int iy = y * sh + i - top;
          for (int j = 0; j < kw; j++, col += c) {
            const int ix = xx * sw + j - left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            float *o = dx + ((long)(n * h + iy) * w + ix) * c;
            int ch = 0;
            for (; ch + 4 <= c; ch += 4) wasm_v128_store(o + ch, wasm_f32x4_add(wasm_v128_load(o + ch), wasm_v128_load(col + ch)));
            for (; ch < c; ch++) o[ch] += col[ch];
          }
        }
      }
    }
  }
}

// relu's gradient by its output: out = dy where y > 0, else 0.
__attribute__((export_name("relu_grad")))
void relu_grad(const float *dy, const float *y, float *out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t keep = wasm_f32x4_gt(wasm_v128_load(y + i), wasm_f32x4_splat(0.0f));
    wasm_v128_store(out + i, wasm_v128_and(wasm_v128_load(dy + i), keep));
  }
  for (; i < n; i++) out[i] = y[i] > 0.0f ? dy[i] : 0.0f;
}

// Winograd F(2×2, 3×3) for the input gradient of stride-1 3×3 convolutions over NHWC (Lavin
// & Gray; winograd.ts runs it). The forward convolution, cut into 2×2 output tiles
// t = (n·th + ti)·tw + tj each read from the 4×4 input patch at (2ti − top, 2tj − left), is
// per tile Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A, summed over input channels, with
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
//   Aᵀ = [1 1 1 0; 0 1 −1 −1].
// Its input gradient is the same steps transposed: dM = A dY Aᵀ per tile, then at each of the
// 16 positions ξ of the 4×4 transform dU_ξ = dM_ξ · W_ξᵀ ([tiles, cout] · [cout, cin], an
// XNNPACK matmul), then dd = B dU Bᵀ added into dx: 16 products per tile and channel pair
// instead of 36. Each position's matrix is a buffer of its own: `ptrs` holds their 16 byte
// offsets. Four channels at a time (c is a multiple of 4).

#define F4 v128_t
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub

// The filter's transform W = G g Gᵀ, [3, 3, cin, cout] → position ξ's [cout, cin] (for the
// input gradient), or [cin, cout] where `forward` (for the forward pass).
__attribute__((export_name("wino_filter")))
void wino_filter(const float *g, const int *ptrs, int cin, int cout, int forward) {
  for (int ci = 0; ci < cin; ci++) {
    for (int co = 0; co < cout; co++) {
      float k[3][3], t[4][3];
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) k[i][j] = g[((long)(i * 3 + j) * cin + ci) * cout + co];
      for (int j = 0; j < 3; j++) {
        t[0][j] = k[0][j];
        t[1][j] = 0.5f * (k[0][j] + k[1][j] + k[2][j]);
        t[2][j] = 0.5f * (k[0][j] - k[1][j] + k[2][j]);
        t[3][j] = k[2][j];
      }
      const long at = forward ? (long)ci * cout + co : (long)co * cin + ci;
      for (int a = 0; a < 4; a++) {
        const float u[4] = {t[a][0], 0.5f * (t[a][0] + t[a][1] + t[a][2]), 0.5f * (t[a][0] - t[a][1] + t[a][2]), t[a][2]};
        for (int b = 0; b < 4; b++) ((float *)ptrs[a * 4 + b])[at] = u[b];
      }
    }
  }
}

// dM = A dY Aᵀ per tile: the output gradient's 2×2 tile (zero past the edge) spread to 4×4.
// For the images [n0, n1) of the batch (n).
__attribute__((export_name("wino_dy")))
void wino_dy(const float *dy, const int *ptrs, int n, int oh, int ow, int c, int th, int tw, int n0, int n1) {
  const F4 zero = wasm_f32x4_splat(0.0f);
  long t = (long)n0 * th * tw;
  for (int b = n0; b < n1; b++) {
    for (int ti = 0; ti < th; ti++) {
      for (int tj = 0; tj < tw; tj++, t++) {
        const int y0 = 2 * ti, x0 = 2 * tj;
        const int has_y1 = y0 + 1 < oh, has_x1 = x0 + 1 < ow;
        const float *r0 = dy + ((long)(b * oh + y0) * ow + x0) * c;
        const float *r1 = r0 + (long)ow * c;
        for (int k = 0; k < c; k += 4) {
          const F4 g00 = wasm_v128_load(r0 + k);
          const F4 g01 = has_x1 ? wasm_v128_load(r0 + c + k) : zero;
          const F4 g10 = has_y1 ? wasm_v128_load(r1 + k) : zero;
          const F4 g11 = has_y1 && has_x1 ? wasm_v128_load(r1 + c + k) : zero;
          // Rows: A g = [g0, g0 + g1, g0 − g1, −g1] down each column, then along each row.
          const F4 col0[4] = {g00, ADD(g00, g10), SUB(g00, g10), wasm_f32x4_neg(g10)};
          const F4 col1[4] = {g01, ADD(g01, g11), SUB(g01, g11), wasm_f32x4_neg(g11)};
          for (int a = 0; a < 4; a++) {
            const F4 m[4] = {col0[a], ADD(col0[a], col1[a]), SUB(col0[a], col1[a]), wasm_f32x4_neg(col1[a])};
            for (int e = 0; e < 4; e++) wasm_v128_store((float *)ptrs[a * 4 + e] + t * c + k, m[e]);
          }
        }
      }
    }
  }
}

// dx = Σ over tiles of B dU Bᵀ, each 4×4 patch added at its place (patches overlap by 2;
// the parts in the padding are dropped). dx is zeroed here. For the images [n0, n1) of the
// batch (n): patches of two images never overlap.
__attribute__((export_name("wino_dx")))
void wino_dx(const int *ptrs, float *dx, int n, int h, int w, int c, int th, int tw, int top, int left, int n0, int n1) {
  for (long i = (long)n0 * h * w * c, size = (long)n1 * h * w * c; i < size; i++) dx[i] = 0.0f;
  long t = (long)n0 * th * tw;
  for (int b = n0; b < n1; b++) {
    for (int ti = 0; ti < th; ti++) {
      for (int tj = 0; tj < tw; tj++, t++) {
        const int y0 = 2 * ti - top, x0 = 2 * tj - left;
        for (int k = 0; k < c; k += 4) {
          F4 u[4][4];
          for (int a = 0; a < 4; a++)
            for (int e = 0; e < 4; e++) u[a][e] = wasm_v128_load((const float *)ptrs[a * 4 + e] + t * c + k);
          // B m = [m0, m1 − m2 + m3, −m0 + m1 + m2, −m3] along each row, then down each column.
          F4 r[4][4];
          for (int a = 0; a < 4; a++) {
            r[a][0] = u[a][0];
            r[a][1] = ADD(SUB(u[a][1], u[a][2]), u[a][3]);
            r[a][2] = SUB(ADD(u[a][1], u[a][2]), u[a][0]);
            r[a][3] = wasm_f32x4_neg(u[a][3]);
          }
          for (int e = 0; e < 4; e++) {
            const F4 d[4] = {r[0][e], ADD(SUB(r[1][e], r[2][e]), r[3][e]), SUB(ADD(r[1][e], r[2][e]), r[0][e]), wasm_f32x4_neg(r[3][e])};
            const int x = x0 + e;
            if (x < 0 || x >= w) continue;
            for (int a = 0; a < 4; a++) {
              const int y = y0 + a;
              if (y < 0 || y >= h) continue;
              float *o = dx + ((long)(b * h + y) * w + x) * c + k;
              wasm_v128_store(o, ADD(wasm_v128_load(o), d[a]));
            }
          }
        }
      }
    }
  }
}

// The forward pass the same way: V = Bᵀ d B of each tile's 4×4 input patch (at
// (2ti − top, 2tj − left), zero in the padding), M_ξ = V_ξ · W_ξ (wino_products), then
// y = Aᵀ M A per 2×2 output tile, plus the bias, through relu where `relu`.
__attribute__((export_name("wino_x")))
void wino_x(const float *x, const int *ptrs, int n, int h, int w, int c, int th, int tw, int top, int left, int n0, int n1) {
  const F4 zero = wasm_f32x4_splat(0.0f);
  long t = (long)n0 * th * tw;
  for (int b = n0; b < n1; b++) {
    for (int ti = 0; ti < th; ti++) {
      for (int tj = 0; tj < tw; tj++, t++) {
        const int y0 = 2 * ti - top, x0 = 2 * tj - left;
        for (int k = 0; k < c; k += 4) {
          F4 d[4][4];
          for (int a = 0; a < 4; a++) {
            const int y = y0 + a;
            for (int e = 0; e < 4; e++) {
              const int xx = x0 + e;
              d[a][e] = y < 0 || y >= h || xx < 0 || xx >= w ? zero : wasm_v128_load(x + ((long)(b * h + y) * w + xx) * c + k);
            }
          }
          // Bᵀ d = [d0 − d2, d1 + d2, d2 − d1, d1 − d3] down each column, then along each row.
          F4 r[4][4];
          for (int e = 0; e < 4; e++) {
            r[0][e] = SUB(d[0][e], d[2][e]);
            r[1][e] = ADD(d[1][e], d[2][e]);
            r[2][e] = SUB(d[2][e], d[1][e]);
            r[3][e] = SUB(d[1][e], d[3][e]);
          }
          for (int a = 0; a < 4; a++) {
            const F4 v[4] = {SUB(r[a][0], r[a][2]), ADD(r[a][1], r[a][2]), SUB(r[a][2], r[a][1]), SUB(r[a][1], r[a][3])};
            for (int e = 0; e < 4; e++) wasm_v128_store((float *)ptrs[a * 4 + e] + t * c + k, v[e]);
          }
        }
      }
    }
  }
}

__attribute__((export_name("wino_y")))
void wino_y(const int *ptrs, const float *bias, float *y, int n, int oh, int ow, int c, int th, int tw, int relu, int n0, int n1) {
  const F4 zero = wasm_f32x4_splat(0.0f);
  long t = (long)n0 * th * tw;
  for (int b = n0; b < n1; b++) {
    for (int ti = 0; ti < th; ti++) {
      for (int tj = 0; tj < tw; tj++, t++) {
        const int y0 = 2 * ti, x0 = 2 * tj;
        for (int k = 0; k < c; k += 4) {
          F4 m[4][4];
          for (int a = 0; a < 4; a++)
            for (int e = 0; e < 4; e++) m[a][e] = wasm_v128_load((const float *)ptrs[a * 4 + e] + t * c + k);
          // Aᵀ m = [m0 + m1 + m2, m1 − m2 − m3] down each column, then along each row.
          F4 r[2][4];
          for (int e = 0; e < 4; e++) {
            r[0][e] = ADD(ADD(m[0][e], m[1][e]), m[2][e]);
            r[1][e] = SUB(SUB(m[1][e], m[2][e]), m[3][e]);
          }
          const F4 bk = wasm_v128_load(bias + k);
          F4 o00 = ADD(ADD(ADD(r[0][0], r[0][1]), r[0][2]), bk), o01 = ADD(SUB(SUB(r[0][1], r[0][2]), r[0][3]), bk);
          F4 o10 = ADD(ADD(ADD(r[1][0], r[1][1]), r[1][2]), bk), o11 = ADD(SUB(SUB(r[1][1], r[1][2]), r[1][3]), bk);
          if (relu) {
            o00 = wasm_f32x4_max(o00, zero); o01 = wasm_f32x4_max(o01, zero);
            o10 = wasm_f32x4_max(o10, zero); o11 = wasm_f32x4_max(o11, zero);
          }
          // The tile's second row and column only where the output has them.
          float *p = y + ((long)(b * oh + y0) * ow + x0) * c + k;
          wasm_v128_store(p, o00);
          if (x0 + 1 < ow) wasm_v128_store(p + c, o01);
          if (y0 + 1 < oh) {
            wasm_v128_store(p + (long)ow * c, o10);
            if (x0 + 1 < ow) wasm_v128_store(p + (long)ow * c + c, o11);
          }
        }
      }
    }
  }
}

// dU_ξ = dM_ξ · W_ξᵀ at each position ξ ([tiles, k] · [k, n], `a`, `b` and `out` hold the 16
// byte offsets), in heap.c's matmul: rows r of [ξ, chunk of `chunk` tiles], for rows
// [r0, r1). XNNPACK ran these 16 products on two threads in about the time this takes on
// one (its operator setup, packing and hand-off paid 16 times); shared, they take half.
__attribute__((export_name("wino_products")))
void wino_products(const int *a, const int *b, const int *out, int tiles, int k, int n, int chunk, int r0, int r1) {
  const int chunks = (tiles + chunk - 1) / chunk;
  for (int r = r0; r < r1; r++) {
    const int q = r / chunks, t0 = r % chunks * chunk, t1 = t0 + chunk < tiles ? t0 + chunk : tiles;
    matmul((const float *)a[q] + (long)t0 * k, (const float *)b[q], (float *)out[q] + (long)t0 * n, t1 - t0, k, n);
  }
}

// Adds Σ over a grid of rows × cols positions of a[p][0..3] ⊗ b[p][0..7] to the 4 × 8 tile
// at out (its rows `ostride` apart): a steps by astep along a row of the grid and anext from
// one row to the next, b by bstep and bnext. The tile's sums stay in eight SIMD registers;
// each position loads four values of a (as splats) and eight of b. The filter gradients'
// products (wino_filter_products, conv_filter_grad).
static inline void outer_tile_4x8(float *out, long ostride, const float *a, long astep, long anext,
                                  const float *b, long bstep, long bnext, int rows, int cols) {
  float *o0 = out, *o1 = o0 + ostride, *o2 = o1 + ostride, *o3 = o2 + ostride;
  v128_t s00 = wasm_v128_load(o0), s01 = wasm_v128_load(o0 + 4), s10 = wasm_v128_load(o1), s11 = wasm_v128_load(o1 + 4);
  v128_t s20 = wasm_v128_load(o2), s21 = wasm_v128_load(o2 + 4), s30 = wasm_v128_load(o3), s31 = wasm_v128_load(o3 + 4);
  for (int r = 0; r < rows; r++, a += anext, b += bnext) {
    const float *pa = a, *pb = b;
    for (int q = 0; q < cols; q++, pa += astep, pb += bstep) {
      const v128_t d0 = wasm_v128_load(pb), d1 = wasm_v128_load(pb + 4);
      const v128_t a0 = wasm_v128_load32_splat(pa), a1 = wasm_v128_load32_splat(pa + 1);
      const v128_t a2 = wasm_v128_load32_splat(pa + 2), a3 = wasm_v128_load32_splat(pa + 3);
      s00 = wasm_f32x4_add(s00, wasm_f32x4_mul(a0, d0)); s01 = wasm_f32x4_add(s01, wasm_f32x4_mul(a0, d1));
      s10 = wasm_f32x4_add(s10, wasm_f32x4_mul(a1, d0)); s11 = wasm_f32x4_add(s11, wasm_f32x4_mul(a1, d1));
      s20 = wasm_f32x4_add(s20, wasm_f32x4_mul(a2, d0)); s21 = wasm_f32x4_add(s21, wasm_f32x4_mul(a2, d1));
      s30 = wasm_f32x4_add(s30, wasm_f32x4_mul(a3, d0)); s31 = wasm_f32x4_add(s31, wasm_f32x4_mul(a3, d1));
    }
  }
  wasm_v128_store(o0, s00); wasm_v128_store(o0 + 4, s01); wasm_v128_store(o1, s10); wasm_v128_store(o1 + 4, s11);
  wasm_v128_store(o2, s20); wasm_v128_store(o2 + 4, s21); wasm_v128_store(o3, s30); wasm_v128_store(o3 + 4, s31);
}

// The filter gradient the same way: dU_ξ = V_ξᵀ · dM_ξ at each position ξ ([tiles, m]ᵀ ·
// [tiles, n], from wino_x of the input and wino_dy of the output gradient), then
// dw = Gᵀ dU G (wino_filter_grad). The products are outer_tile_4x8's (four rows of V
// splatted, eight columns of dM loaded), over blocks of 128 tiles that stay in L1 while
// every tile of the [m, n] output passes over them. For the positions [r0, r1).
__attribute__((export_name("wino_filter_products")))
void wino_filter_products(const int *a, const int *b, const int *out, int tiles, int m, int n, int r0, int r1) {
  for (int q = r0; q < r1; q++) {
    const float *v = (const float *)a[q], *g = (const float *)b[q];
    float *du = (float *)out[q];
    for (long k = 0; k < (long)m * n; k++) du[k] = 0.0f;
    for (int t0 = 0; t0 < tiles; t0 += 128) {
      const int t1 = t0 + 128 < tiles ? t0 + 128 : tiles;
      for (int i = 0; i < m; i += 4) {
        float *o0 = du + (long)i * n, *o1 = o0 + n, *o2 = o1 + n, *o3 = o2 + n;
        for (int j = 0; j + 8 <= n; j += 8) outer_tile_4x8(o0 + j, n, v + (long)t0 * m + i, m, 0, g + (long)t0 * n + j, n, 0, 1, t1 - t0);
        if (n % 8) {
          // Four columns left (n is a multiple of 4).
          const int j = n - 4;
          v128_t s0 = wasm_v128_load(o0 + j), s1 = wasm_v128_load(o1 + j), s2 = wasm_v128_load(o2 + j), s3 = wasm_v128_load(o3 + j);
          const float *pv = v + (long)t0 * m + i, *pg = g + (long)t0 * n + j;
          for (int t = t0; t < t1; t++, pv += m, pg += n) {
            const v128_t d0 = wasm_v128_load(pg);
            s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load32_splat(pv), d0));
            s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load32_splat(pv + 1), d0));
            s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load32_splat(pv + 2), d0));
            s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load32_splat(pv + 3), d0));
          }
          wasm_v128_store(o0 + j, s0); wasm_v128_store(o1 + j, s1); wasm_v128_store(o2 + j, s2); wasm_v128_store(o3 + j, s3);
        }
      }
    }
  }
}

// dw = Gᵀ dU G: position ξ's [cin, cout] → the filter gradient [3, 3, cin, cout].
__attribute__((export_name("wino_filter_grad")))
void wino_filter_grad(const int *ptrs, float *dw, int cin, int cout) {
  for (long at = 0; at < (long)cin * cout; at++) {
    float u[4][4], t[3][4];
    for (int a = 0; a < 4; a++)
      for (int e = 0; e < 4; e++) u[a][e] = ((const float *)ptrs[a * 4 + e])[at];
    // Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1] down each column, then along each row.
    for (int e = 0; e < 4; e++) {
      t[0][e] = u[0][e] + 0.5f * (u[1][e] + u[2][e]);
      t[1][e] = 0.5f * (u[1][e] - u[2][e]);
      t[2][e] = 0.5f * (u[1][e] + u[2][e]) + u[3][e];
    }
    for (int i = 0; i < 3; i++) {
      dw[(long)(i * 3 + 0) * cin * cout + at] = t[i][0] + 0.5f * (t[i][1] + t[i][2]);
      dw[(long)(i * 3 + 1) * cin * cout + at] = 0.5f * (t[i][1] - t[i][2]);
      dw[(long)(i * 3 + 2) * cin * cout + at] = 0.5f * (t[i][1] + t[i][2]) + t[i][3];
    }
  }
}

// The filter gradient of a convolution over NHWC x, read in place (no patches):
// dw[i][j][ch][o] = Σ x[n][y·sh + i − top][x·sw + j − left][ch] · dy[n][y][x][o], over the
// positions whose tap (i, j) lies inside the input. Written for the rows [r0, r1) of
// (tap, group of four input channels), so that threads can share the work without sharing
// a sum. A tile of four channels × eight outputs (outer_tile_4x8) sums over one band of an
// image's positions: each step loads one pixel's four channels (as splats) and eight outputs
// of dy, both contiguous in NHWC, where XNNPACK's convolution would first pack dy as a
// filter (half of its time on MNIST's second layer).
static inline int ceil_div(int a, int d) { return a <= 0 ? 0 : (a + d - 1) / d; }

__attribute__((export_name("conv_filter_grad")))
void conv_filter_grad(const float *x, const float *dy, float *dw, int b, int h, int w, int c, int oh, int ow,
                      int co, int kh, int kw, int sh, int sw, int top, int left, int r0, int r1) {
  const int groups = (c + 3) / 4;
  for (int r = r0; r < r1; r++) {
    const int tap = r / groups, ch = r % groups * 4, rows = c - ch < 4 ? c - ch : 4;
    float *out = dw + ((long)tap * c + ch) * co;
    for (long k = 0; k < (long)rows * co; k++) out[k] = 0.0f;
  }
  const long xstep = (long)sw * c;
  // Output rows a block: about 96 KiB of x and dy, which stay in L2 while every tile of the
  // rows [r0, r1) passes over them.
  int band = 98304 / (((long)sh * w * c + (long)ow * co) * 4);
  if (band < 1) band = 1;
  for (int n = 0; n < b; n++) for (int yb = 0; yb < oh; yb += band) {
    for (int r = r0; r < r1; r++) {
      const int tap = r / groups, i = tap / kw, j = tap % kw, ch = r % groups * 4, rows = c - ch < 4 ? c - ch : 4;
      int y0 = ceil_div(top - i, sh), y1 = h - 1 + top - i < 0 ? 0 : (h - 1 + top - i) / sh + 1 < oh ? (h - 1 + top - i) / sh + 1 : oh;
      if (y0 < yb) y0 = yb;
      if (y1 > yb + band) y1 = yb + band;
      const int x0 = ceil_div(left - j, sw), x1 = w - 1 + left - j < 0 ? 0 : (w - 1 + left - j) / sw + 1 < ow ? (w - 1 + left - j) / sw + 1 : ow;
      if (y0 >= y1 || x0 >= x1) continue;
      float *out = dw + ((long)tap * c + ch) * co;
      // The first of the tap's pixels and outputs on each row y.
      const float *xrow = x + (((long)n * h + (long)y0 * sh + i - top) * w + (long)x0 * sw + j - left) * c + ch;
      const float *drow = dy + (((long)n * oh + y0) * ow + x0) * co;
      const long xnext = (long)sh * w * c, dnext = (long)ow * co;
      int o = 0;
      if (rows == 4) {
        for (; o + 8 <= co; o += 8) outer_tile_4x8(out + o, co, xrow, xstep, xnext, drow + o, co, dnext, y1 - y0, x1 - x0);
      }
      // Outputs left over (and channel groups under four): one channel × four outputs, then
      // one × one.
      for (int q = 0; q < rows; q++) {
        float *oq = out + (long)q * co;
        int p = o;
        for (; p + 4 <= co; p += 4) {
          v128_t s = wasm_v128_load(oq + p);
          const float *xr = xrow + q, *dr = drow + p;
          for (int y = y0; y < y1; y++, xr += xnext, dr += dnext) {
            const float *px = xr, *pd = dr;
            for (int xx = x0; xx < x1; xx++, px += xstep, pd += co) s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_v128_load32_splat(px), wasm_v128_load(pd)));
          }
          wasm_v128_store(oq + p, s);
        }
        for (; p < co; p++) {
          float s = oq[p];
          const float *xr = xrow + q, *dr = drow + p;
          for (int y = y0; y < y1; y++, xr += xnext, dr += dnext) {
            const float *px = xr, *pd = dr;
            for (int xx = x0; xx < x1; xx++, px += xstep, pd += co) s += *px * *pd;
          }
          oq[p] = s;
        }
      }
    }
  }
}
