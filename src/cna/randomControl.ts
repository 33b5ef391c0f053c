/**
 * The control: as many random neurons as the circuit, in the same layers with the same count per layer,
 * never a circuit neuron, drawn from a seeded PRNG so a sweep is reproducible on every platform.
 */
import { UserError } from '../errors';
import { NeuronRef } from './neurons';

export const DEFAULT_CONTROL_SEED = 0;

/**
 * mulberry32: a 32-bit PRNG built from integer operations only (Math.imul, shifts), hence bit-identical
 * on every platform. Returns floats in [0, 1) with 32 random bits.
 */
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

/** Random neurons matching the circuit layer by layer; sorted by layer, then index. */
export function randomControlNeurons(circuit: readonly NeuronRef[], intermediateSize: number, seed = DEFAULT_CONTROL_SEED): NeuronRef[] {
  const byLayer = new Map<number, Set<number>>();
  for (const n of circuit) {
    if (!byLayer.has(n.layer)) byLayer.set(n.layer, new Set());
    byLayer.get(n.layer)!.add(n.index);
  }
  const rand = mulberry32(seed);
  const out: NeuronRef[] = [];
  for (const layer of [...byLayer.keys()].sort((a, b) => a - b)) {
    const taken = byLayer.get(layer)!;
    const want = taken.size;
    const free = intermediateSize - taken.size;
    if (want > free) {
      throw new UserError(`Layer ${layer} has ${want} circuit neurons of ${intermediateSize}: not enough other neurons for a random control.`);
    }
    // Partial Fisher-Yates over the layer's free indices: exactly `want` distinct draws, no retries.
    const pool: number[] = [];
    for (let i = 0; i < intermediateSize; i++) if (!taken.has(i)) pool.push(i);
    const picked: number[] = [];
    for (let s = 0; s < want; s++) {
      const r = s + Math.floor(rand() * (pool.length - s));
      const tmp = pool[s];
      pool[s] = pool[r];
      pool[r] = tmp;
      picked.push(pool[s]);
    }
    picked.sort((a, b) => a - b);
    for (const index of picked) out.push({ layer, index });
  }
  return out;
}
