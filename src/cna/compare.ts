/**
 * Two circuits side by side (base vs instruct, or two pair files on one model): which neurons they share,
 * layer by layer, and whether the shared ones rank alike (Spearman correlation of their deltas).
 */
import { jaccard } from './contribution';

export interface ComparedNeuron {
  layer: number;
  index: number;
  delta: number;
}

export interface LayerComparison {
  layer: number;
  shared: number;
  onlyA: number;
  onlyB: number;
}

export interface CircuitComparison {
  sizeA: number;
  sizeB: number;
  shared: number;
  /** |A ∩ B| / |A ∪ B| over (layer, index). */
  jaccard: number;
  layers: LayerComparison[];
  /** Spearman correlation of the deltas of the shared neurons (average ranks for ties); null under 2 shared. */
  rankCorrelation: number | null;
  /** Share of shared neurons whose deltas have the same sign; null when none is shared. */
  signAgreement: number | null;
  /** The shared neurons, by |delta in A| descending. */
  sharedNeurons: { layer: number; index: number; deltaA: number; deltaB: number }[];
}

const key = (n: { layer: number; index: number }) => `${n.layer}:${n.index}`;

export function compareCircuits(a: readonly ComparedNeuron[], b: readonly ComparedNeuron[]): CircuitComparison {
  const inB = new Map(b.map((n) => [key(n), n]));
  const inA = new Map(a.map((n) => [key(n), n]));
  const sharedNeurons = a
    .filter((n) => inB.has(key(n)))
    .map((n) => ({ layer: n.layer, index: n.index, deltaA: n.delta, deltaB: (inB.get(key(n)) as ComparedNeuron).delta }))
    .sort((x, y) => Math.abs(y.deltaA) - Math.abs(x.deltaA) || x.layer - y.layer || x.index - y.index);
  const layerSet = [...new Set([...a, ...b].map((n) => n.layer))].sort((x, y) => x - y);
  const layers = layerSet.map((layer) => ({
    layer,
    shared: sharedNeurons.filter((n) => n.layer === layer).length,
    onlyA: a.filter((n) => n.layer === layer && !inB.has(key(n))).length,
    onlyB: b.filter((n) => n.layer === layer && !inA.has(key(n))).length,
  }));
  const ids = (list: readonly ComparedNeuron[]) => [...new Set(list.map((n) => n.layer * 1e7 + n.index))];
  return {
    sizeA: inA.size,
    sizeB: inB.size,
    shared: sharedNeurons.length,
    jaccard: jaccard(ids(a), ids(b)),
    layers,
    rankCorrelation: spearman(
      sharedNeurons.map((n) => n.deltaA),
      sharedNeurons.map((n) => n.deltaB),
    ),
    signAgreement: sharedNeurons.length === 0 ? null : sharedNeurons.filter((n) => Math.sign(n.deltaA) === Math.sign(n.deltaB)).length / sharedNeurons.length,
    sharedNeurons,
  };
}

/** Ranks 1..n, ties sharing their average rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const out = new Array<number>(values.length);
  for (let s = 0; s < order.length;) {
    let e = s;
    while (e + 1 < order.length && order[e + 1].v === order[s].v) e++;
    for (let k = s; k <= e; k++) out[order[k].i] = (s + e) / 2 + 1;
    s = e + 1;
  }
  return out;
}

/** Spearman's rho: Pearson correlation of the ranks; null with fewer than 2 values or a constant side. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length < 2 || x.length !== y.length) return null;
  const rx = ranks(x);
  const ry = ranks(y);
  const n = x.length;
  const m = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - m) * (ry[i] - m);
    sxx += (rx[i] - m) ** 2;
    syy += (ry[i] - m) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}
