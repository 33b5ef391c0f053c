/**
 * The neuron page's statistics, from last-token activations on a file's prompts: positive vs negative
 * histogram, per-pair separation, density, and correlation with other neurons. Plain functions over numbers.
 */
import { UNIVERSAL_TOP_PER_LAYER } from './universal';

export interface Histogram {
  /** bins + 1 edges, ascending. */
  edges: number[];
  positive: number[];
  negative: number[];
}

/** Counts of both sides over shared equal-width bins spanning all values (one bin when all are equal). */
export function histogram(positive: readonly number[], negative: readonly number[], bins = 20): Histogram {
  const all = [...positive, ...negative];
  if (all.length === 0) return { edges: [0, 0], positive: [0], negative: [0] };
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
    bins = 1;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, b) => lo + b * width);
  const count = (values: readonly number[]) => {
    const c = new Array<number>(bins).fill(0);
    for (const v of values) c[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    return c;
  };
  return { edges, positive: count(positive), negative: count(negative) };
}

export interface PairSeparation {
  /** Index into the pairs given. */
  pair: number;
  positive: number;
  negative: number;
  /** positive - negative, signed so that the circuit's direction (sign of delta) counts as separating. */
  separation: number;
}

/**
 * Each pair's positive minus negative activation, best separating first in the neuron's own direction:
 * `direction` +1 (the neuron fires more on positives, delta > 0) sorts by separation descending, -1 ascending.
 */
export function pairSeparations(positive: readonly number[], negative: readonly number[], direction: 1 | -1): PairSeparation[] {
  const rows = positive.map((p, i) => ({ pair: i, positive: p, negative: negative[i], separation: p - negative[i] }));
  return rows.sort((a, b) => direction * (b.separation - a.separation) || a.pair - b.pair);
}

/**
 * Whether neuron `index` is among the `top` of its layer's row by |activation| (ties: lower index first),
 * the same test the universal filter counts (src/cna/universal.ts).
 */
export function inLayerTop(row: ArrayLike<number>, index: number, top = UNIVERSAL_TOP_PER_LAYER): boolean {
  const a = Math.abs(row[index]);
  let above = 0;
  for (let j = 0; j < row.length; j++) {
    const b = Math.abs(row[j]);
    if (b > a || (b === a && j < index)) {
      above++;
      if (above >= top) return false;
    }
  }
  return true;
}

export const DENSITY_DEFINITION = `share of the file's prompts (both sides) on which the neuron is among the ${UNIVERSAL_TOP_PER_LAYER} neurons of its layer with the largest |activation| at the last token (the universal filter's test; 80% or more makes a neuron universal)`;

/** Pearson correlation; NaN when either side is constant or there are fewer than two values. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length);
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
