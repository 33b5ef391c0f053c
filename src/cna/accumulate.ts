/**
 * Step 4 of discovery: per-neuron means over positive and negative prompts and their signed difference,
 * streamed. Sums are Float64 and their size depends only on the model, never on the number of prompts.
 *
 * The per-pair contribution and the leave-one-out overlap (docs/cnapairs.md) need each pair's own difference
 * d_i = p_i - n_i on neurons that are only known once every prompt has been seen. Those differences go to
 * an injected PairStore as Float32: N pairs x totalNeurons x 4 bytes (e.g. 100 pairs of a 28 x 8960 model:
 * 100 MB). MemoryPairStore keeps them in memory; the engine may pass a disk-backed store instead, which
 * keeps discovery flat in memory whatever the number of pairs.
 */
import { checkLayerShapes, ModelShape, totalNeurons } from './neurons';

export type Side = 'positive' | 'negative';

/** Running sums of one vector per prompt, per side; `width` values per layer. */
export class SideMeans {
  private readonly sums: Record<Side, Float64Array>;
  private readonly counts: Record<Side, number> = { positive: 0, negative: 0 };

  constructor(readonly shape: ModelShape) {
    const n = totalNeurons(shape);
    this.sums = { positive: new Float64Array(n), negative: new Float64Array(n) };
  }

  addPrompt(side: Side, layers: readonly Float32Array[]): void {
    checkLayerShapes(layers, this.shape, `${side} prompt`);
    const sum = this.sums[side];
    const width = this.shape.intermediateSize;
    for (let l = 0; l < layers.length; l++) {
      const row = layers[l];
      const base = l * width;
      for (let i = 0; i < width; i++) sum[base + i] += row[i];
    }
    this.counts[side]++;
  }

  count(side: Side): number {
    return this.counts[side];
  }

  /** Per-neuron mean of one side; all zeros when that side has no prompt yet. */
  mean(side: Side): Float64Array {
    const n = this.counts[side];
    const sum = this.sums[side];
    const out = new Float64Array(sum.length);
    if (n > 0) for (let j = 0; j < sum.length; j++) out[j] = sum[j] / n;
    return out;
  }

  /** delta = mean over positive prompts - mean over negative prompts, raw and signed. */
  delta(): Float64Array {
    if (this.counts.positive === 0 || this.counts.negative === 0) {
      throw new Error('delta needs at least one positive and one negative prompt.');
    }
    const pos = this.mean('positive');
    const neg = this.mean('negative');
    for (let j = 0; j < pos.length; j++) pos[j] -= neg[j];
    return pos;
  }
}

/** Where per-pair differences d_i (flat, layer-major Float32) are kept until attribution ends. */
export interface PairStore {
  put(pairIndex: number, difference: Float32Array): void | Promise<void>;
  get(pairIndex: number): Float32Array | Promise<Float32Array>;
}

/** Keeps every d_i in memory: pairs x totalNeurons x 4 bytes. */
export class MemoryPairStore implements PairStore {
  private readonly rows = new Map<number, Float32Array>();

  put(pairIndex: number, difference: Float32Array): void {
    this.rows.set(pairIndex, difference);
  }

  get(pairIndex: number): Float32Array {
    const row = this.rows.get(pairIndex);
    if (!row) throw new Error(`No difference stored for pair ${pairIndex}.`);
    return row;
  }
}

/**
 * Pairs prompts up and writes d_i = p_i - n_i to the store. A side waits here until its partner arrives,
 * so memory stays flat when the engine streams the two sides of a pair close together (pair by pair, or
 * in small batches); streaming all positives first would hold N half-pairs.
 */
export class PairDifferences {
  private readonly pending = new Map<number, { side: Side; flat: Float32Array }>();
  private readonly done = new Set<number>();

  constructor(
    readonly shape: ModelShape,
    private readonly store: PairStore,
  ) {}

  async addPrompt(pairIndex: number, side: Side, layers: readonly Float32Array[]): Promise<void> {
    if (this.done.has(pairIndex)) throw new Error(`Pair ${pairIndex} received a third prompt.`);
    const waiting = this.pending.get(pairIndex);
    const flat = flatten(layers, this.shape.intermediateSize);
    if (!waiting) {
      this.pending.set(pairIndex, { side, flat });
      return;
    }
    if (waiting.side === side) throw new Error(`Pair ${pairIndex} received two ${side} prompts.`);
    const pos = side === 'positive' ? flat : waiting.flat;
    const neg = side === 'positive' ? waiting.flat : flat;
    for (let j = 0; j < pos.length; j++) pos[j] -= neg[j];
    this.pending.delete(pairIndex);
    this.done.add(pairIndex);
    await this.store.put(pairIndex, pos);
  }

  /** Pair indices that received both sides, ascending. */
  completePairs(): number[] {
    return [...this.done].sort((a, b) => a - b);
  }

  /** Pair indices still missing a side. */
  incompletePairs(): number[] {
    return [...this.pending.keys()].sort((a, b) => a - b);
  }
}

function flatten(layers: readonly Float32Array[], width: number): Float32Array {
  const out = new Float32Array(layers.length * width);
  for (let l = 0; l < layers.length; l++) out.set(layers[l], l * width);
  return out;
}
