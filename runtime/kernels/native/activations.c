// Sigmoid and tanh over float32 arrays in place, four lanes at a time (WebAssembly SIMD):
// the gate arithmetic of the fused recurrent kernels, where V8's Math.exp and Math.tanh
// (about 15 ns a call) were most of a step. exp is Cephes' expf: Cody–Waite range
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
