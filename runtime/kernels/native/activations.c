// Sigmoid and tanh over float32 arrays in place, and the LSTM's backward step, four lanes at
// a time (WebAssembly SIMD): the gate arithmetic of the fused recurrent kernels, where V8's
// Math.exp and Math.tanh (about 15 ns a call) were most of a step. exp is Cephes' expf: Cody–Waite range
// reduction by ln 2, a degree-6 polynomial, the power of two built in the exponent bits
// (about 1 ulp). Built by build.sh into activations.wasm.ts (base64, copied with the runtime).
#include <wasm_simd128.h>

#define SPLAT wasm_f32x4_splat

static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_min(wasm_f32x4_max(x, SPLAT(-87.3f)), SPLAT(88.3f));
  v128_t fx = wasm_f32x4_nearest(wasm_f32x4_mul(x, SPLAT(1.44269504088896341f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(fx, SPLAT(0.693359375f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(fx, SPLAT(-2.12194440e-4f)));
  v128_t y = SPLAT(1.9875691500e-4f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), SPLAT(1.3981999507e-3f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), SPLAT(8.3334519073e-3f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), SPLAT(4.1665795894e-2f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), SPLAT(1.6666665459e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), SPLAT(5.0000001201e-1f));
  y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(y, x), x), x), SPLAT(1.0f));
  v128_t pow2 = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(fx), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(y, pow2);
}

static inline v128_t sigmoid4(v128_t x) {
  return wasm_f32x4_div(SPLAT(1.0f), wasm_f32x4_add(SPLAT(1.0f), exp4(wasm_f32x4_neg(x))));
}

// tanh(x) = 1 − 2 / (e^{2x} + 1): exact limits ±1 when e^{2x} overflows or vanishes.
static inline v128_t tanh4(v128_t x) {
  return wasm_f32x4_sub(SPLAT(1.0f), wasm_f32x4_div(SPLAT(2.0f), wasm_f32x4_add(exp4(wasm_f32x4_add(x, x)), SPLAT(1.0f))));
}

#define INPLACE(name, f)                                                   \
  __attribute__((export_name(#name))) void name(float *p, int n) {         \
    int i = 0;                                                             \
    for (; i + 4 <= n; i += 4) wasm_v128_store(p + i, f(wasm_v128_load(p + i))); \
    for (; i < n; i++) p[i] = wasm_f32x4_extract_lane(f(wasm_f32x4_splat(p[i])), 0); \
  }

INPLACE(sigmoid_inplace, sigmoid4)
INPLACE(tanh_inplace, tanh4)

// One step of the LSTM's backward pass (tanh cells, sigmoid gates), for B rows of U cells:
// from the gates g [B, 4U] (i, f, c̃, o, activated), c_{t-1}, tanh(c_t), the output's
// gradient and the recurrent dh, and dc_next (updated in place to dc · f), the gradient of
// the pre-activations dz [B, 4U]. The same formulas as the JS loop in recurrent.ts.
#define LD wasm_v128_load
#define ST wasm_v128_store
#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul

static inline void lstm_cell4(const float *g, const float *cp, const float *tc, const float *dhs, const float *dhn,
                              float *dcn, float *dz, int U, int j, int r) {
  v128_t one = SPLAT(1.0f);
  v128_t ig = LD(g + j), fg = LD(g + U + j), cc = LD(g + 2 * U + j), og = LD(g + 3 * U + j);
  v128_t t = LD(tc + r + j);
  v128_t dh = ADD(LD(dhs + r + j), LD(dhn + r + j));
  v128_t dc = ADD(MUL(MUL(dh, og), SUB(one, MUL(t, t))), LD(dcn + r + j));
  ST(dz + j, MUL(MUL(dc, cc), MUL(ig, SUB(one, ig))));
  ST(dz + U + j, MUL(MUL(dc, LD(cp + r + j)), MUL(fg, SUB(one, fg))));
  ST(dz + 2 * U + j, MUL(MUL(dc, ig), SUB(one, MUL(cc, cc))));
  ST(dz + 3 * U + j, MUL(MUL(dh, t), MUL(og, SUB(one, og))));
  ST(dcn + r + j, MUL(dc, fg));
}

__attribute__((export_name("lstm_backward_step")))
void lstm_backward_step(const float *g, const float *cp, const float *tc, const float *dhs, const float *dhn,
                        float *dcn, float *dz, int B, int U) {
  for (int i = 0; i < B; i++) {
    const float *gi = g + i * 4 * U;
    float *dzi = dz + i * 4 * U;
    int r = i * U, j = 0;
    for (; j + 4 <= U; j += 4) lstm_cell4(gi, cp, tc, dhs, dhn, dcn, dzi, U, j, r);
    for (; j < U; j++) {
      float ig = gi[j], fg = gi[U + j], cc = gi[2 * U + j], og = gi[3 * U + j], t = tc[r + j];
      float dh = dhs[r + j] + dhn[r + j];
      float dc = dh * og * (1 - t * t) + dcn[r + j];
      dzi[j] = dc * cc * ig * (1 - ig);
      dzi[U + j] = dc * cp[r + j] * fg * (1 - fg);
      dzi[2 * U + j] = dc * ig * (1 - cc * cc);
      dzi[3 * U + j] = dh * t * og * (1 - og);
      dcn[r + j] = dc * fg;
    }
  }
}
