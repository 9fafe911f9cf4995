// Seeded randomness. tfjs seeds every initializer, dropout mask and random op it makes
// without an explicit seed from Math.random, so replacing Math.random with a seeded
// generator for a run makes weights, shuffles and dropout reproducible (bit-for-bit on cpu).

/** mulberry32: small, fast, good enough for shuffles and tfjs seeds. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Makes Math.random deterministic from `seed` for the rest of the process. */
export function seedGlobalRandom(seed: number): void {
  Math.random = mulberry32(seed);
}

/** Fisher–Yates shuffle of 0..n-1. */
export function permutation(n: number, random: () => number = Math.random): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
