/** Test helpers: seeded synthetic activations (not a test file itself). */

/** A small LCG, independent of the code under test, for reproducible random data. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Approximately normal values (sum of uniforms), rounded to float32. */
export function randomLayers(rand: () => number, layers: number, width: number, scale = 1): Float32Array[] {
  return Array.from({ length: layers }, () => {
    const row = new Float32Array(width);
    for (let i = 0; i < width; i++) row[i] = (rand() + rand() + rand() - 1.5) * 2 * scale;
    return row;
  });
}

export const rows = (...layers: number[][]): Float32Array[] => layers.map((l) => new Float32Array(l));

/** Brute-force ranking: sort every eligible neuron by |delta| desc, then flat index asc. */
export function bruteTopK(delta: ArrayLike<number>, eligible: (j: number) => boolean, k: number): number[] {
  const idx: number[] = [];
  for (let j = 0; j < delta.length; j++) if (eligible(j)) idx.push(j);
  idx.sort((a, b) => Math.abs(delta[b]) - Math.abs(delta[a]) || a - b);
  return idx.slice(0, k);
}
