// Reduce a layer's |delta| of every neuron to what a scatter plot can show: a few thousand points
// look the same as hundreds of thousands, and draw in milliseconds. Pure; unit-tested in Node.
import type { LayerMagnitudes, LayerMagnitudesDownsampled, NeuronRef } from '../src/webviewProtocol';

export interface DownsampleOptions {
  /** Largest |delta| values kept exactly per layer (the tail that separates). */
  topN: number;
  /** Buckets of neuron indices per layer for the min/max envelope of the rest. */
  buckets: number;
  /** Layers with at most this many neurons are kept whole. */
  keepWholeBelow: number;
}

export const defaultDownsample: DownsampleOptions = { topN: 96, buckets: 160, keepWholeBelow: 1024 };

/**
 * `keep`: indices drawn individually whatever their rank (circuit and universal neurons), so their
 * |delta| survives downsampling. They join the top-N in `topIndex`/`topValue`.
 */
export function downsampleLayer(layer: number, values: ArrayLike<number>, options: DownsampleOptions = defaultDownsample, keep: Iterable<number> = []): LayerMagnitudesDownsampled {
  const size = values.length;
  const abs = new Float32Array(size);
  for (let i = 0; i < size; i++) abs[i] = Math.abs(values[i]);

  if (size <= options.keepWholeBelow) {
    return {
      kind: 'downsampled',
      layer,
      size,
      topIndex: Array.from({ length: size }, (_, i) => i),
      topValue: Array.from(abs),
      bucketSize: size,
      bucketMin: [],
      bucketMax: [],
    };
  }

  const topN = Math.min(options.topN, size);
  const threshold = nthLargest(abs, topN);
  const topIndex: number[] = [];
  const topValue: number[] = [];
  // Values strictly above the threshold first, then ties, so exactly topN are kept.
  for (let i = 0; i < size; i++)
    if (abs[i] > threshold) {
      topIndex.push(i);
      topValue.push(abs[i]);
    }
  for (let i = 0; i < size && topIndex.length < topN; i++) {
    if (abs[i] === threshold) {
      topIndex.push(i);
      topValue.push(abs[i]);
    }
  }
  const kept = new Set(topIndex);
  for (const i of keep) {
    if (i >= 0 && i < size && !kept.has(i)) {
      kept.add(i);
      topIndex.push(i);
      topValue.push(abs[i]);
    }
  }

  const bucketSize = Math.ceil(size / Math.max(1, options.buckets));
  const bucketMin: number[] = [];
  const bucketMax: number[] = [];
  for (let start = 0; start < size; start += bucketSize) {
    let lo = Infinity;
    let hi = -Infinity;
    const end = Math.min(size, start + bucketSize);
    for (let i = start; i < end; i++) {
      const v = abs[i];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    bucketMin.push(lo);
    bucketMax.push(hi);
  }
  return { kind: 'downsampled', layer, size, topIndex, topValue, bucketSize, bucketMin, bucketMax };
}

/** The n-th largest value, with a size-n min-heap: one pass, no sort of the whole layer. */
function nthLargest(values: Float32Array, n: number): number {
  const heap = new Float32Array(n);
  let size = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (size < n) {
      // Sift up.
      let c = size++;
      heap[c] = v;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (heap[parent] <= heap[c]) break;
        [heap[parent], heap[c]] = [heap[c], heap[parent]];
        c = parent;
      }
    } else if (v > heap[0]) {
      // Replace the smallest kept value and sift down.
      heap[0] = v;
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        const r = l + 1;
        let m = c;
        if (l < n && heap[l] < heap[m]) m = l;
        if (r < n && heap[r] < heap[m]) m = r;
        if (m === c) break;
        [heap[m], heap[c]] = [heap[c], heap[m]];
        c = m;
      }
    }
  }
  return heap[0];
}

/**
 * Downsample every full layer, keeping the neurons in `keep` (circuit and universal); already
 * downsampled layers pass through unchanged.
 */
export function downsampleLayers(layers: readonly LayerMagnitudes[], keep: readonly NeuronRef[] = [], options: DownsampleOptions = defaultDownsample): LayerMagnitudesDownsampled[] {
  const byLayer = new Map<number, number[]>();
  for (const n of keep) {
    const list = byLayer.get(n.layer);
    if (list) list.push(n.index);
    else byLayer.set(n.layer, [n.index]);
  }
  return layers.map((l) => (l.kind === 'full' ? downsampleLayer(l.layer, l.absDelta, options, byLayer.get(l.layer) ?? []) : l));
}

/** Number of points a downsampled layer draws (before circuit and universal neurons). */
export function drawnPoints(layer: LayerMagnitudesDownsampled): number {
  return layer.topIndex.length + layer.bucketMin.length + layer.bucketMax.length;
}
