/**
 * Step 5 of discovery: leave out some layers, rank every remaining neuron of every layer together by
 * |delta|, keep the top k. k is a percentage of all MLP neurons (the paper) or a count (the reference code);
 * we always record what the other choice would have given.
 */
import { UserError } from '../errors';
import { LAYERS_RULE, parseDirectiveValue, parseLayers, TOP_RULE } from '../pairs/directives';
import type { TopValue } from '../pairs/types';
import { groupThousands } from './neurons';

export const DEFAULT_TOP = '0.1%';
/** The paper's circuit size: 0.1% of all MLP neurons. */
export const PAPER_DEFAULT_PERCENT = 0.1;
/** The reference code's default circuit size. */
export const REFERENCE_DEFAULT_COUNT = 200;
/** The reference code leaves out layers 0 and 1. */
export const DEFAULT_EXCLUDE_LAYERS = '0-1';

/** A circuit size: the same type as the `@top` directive's value. */
export type TopSpec = TopValue;

/**
 * Parses `0.1%` (percentage of all MLP neurons) or `200` (a count) with the `@top` directive's parser, so a
 * size means the same wherever it is written; a size already parsed is checked the same way.
 */
export function parseTop(spec: string | number | TopSpec): TopSpec {
  const text = typeof spec === 'object' ? formatTop(spec) : String(spec).trim();
  const parsed = parseDirectiveValue('top', text);
  if (!parsed.ok || parsed.value.name !== 'top') {
    throw new UserError(`The circuit size ${TOP_RULE}, got '${text}'.`);
  }
  return parsed.value.value;
}

export function formatTop(top: TopSpec): string {
  return top.kind === 'percent' ? `${top.percent}%` : String(top.count);
}

/**
 * Parses a layer list such as `0-1`, `0,1,5` or `0-1, 5` (the .cnapairs `@exclude-layers` rules); an empty
 * string or `none` excludes nothing. With `layerCount`, layers outside the model are an error.
 */
export function parseLayerSpec(spec: string, layerCount?: number): number[] {
  const text = spec.trim();
  const layers = text === '' || text.toLowerCase() === 'none' ? [] : parseLayers(text);
  if (!layers) throw new UserError(`Bad layer list '${spec}': it ${LAYERS_RULE}.`);
  const outside = layerCount === undefined ? undefined : layers.find((l) => l >= layerCount);
  if (outside !== undefined) {
    throw new UserError(`Layer ${outside} in '${spec}' does not exist: the model has layers 0 to ${layerCount! - 1}.`);
  }
  return layers;
}

/** What k is, how it was chosen, and what the other convention would have given. */
export interface KChoice {
  top: string;
  kind: TopSpec['kind'];
  k: number;
  /** The size under the other convention (percentage -> reference count, count -> paper percentage). */
  alternativeK: number;
  note: string;
}

/**
 * Turns the size spec into a neuron count. A percentage is of all MLP neurons (every layer, excluded ones
 * included, as the paper counts), rounded to the nearest integer and at least 1. k never exceeds the
 * number of neurons that may be ranked.
 */
export function chooseK(top: TopSpec, totalNeurons: number, eligibleNeurons: number): KChoice {
  const paperK = Math.max(1, Math.round((PAPER_DEFAULT_PERCENT / 100) * totalNeurons));
  let wanted: number;
  let note: string;
  let alternativeK: number;
  if (top.kind === 'percent') {
    wanted = Math.max(1, Math.round((top.percent / 100) * totalNeurons));
    alternativeK = REFERENCE_DEFAULT_COUNT;
    note = `${top.percent}% = ${groupThousands(wanted)} neurons; reference default ${REFERENCE_DEFAULT_COUNT}`;
  } else {
    wanted = top.count;
    alternativeK = paperK;
    const share = Number(((100 * top.count) / totalNeurons).toPrecision(2));
    note = `${groupThousands(top.count)} neurons = ${share}% of ${groupThousands(totalNeurons)}; ` + `paper default ${PAPER_DEFAULT_PERCENT}% = ${groupThousands(paperK)} neurons`;
  }
  const k = Math.min(wanted, eligibleNeurons);
  if (k < wanted) note += ` (clamped to the ${groupThousands(eligibleNeurons)} neurons that may be ranked)`;
  return { top: formatTop(top), kind: top.kind, k, alternativeK, note };
}

/** Which neurons may enter the ranking: not in an excluded layer and (when given) not universal. */
export function eligibleMask(layers: number, intermediateSize: number, excludedLayers: readonly number[], universal?: Uint8Array): Uint8Array {
  const mask = new Uint8Array(layers * intermediateSize);
  const excluded = new Set(excludedLayers);
  for (let l = 0; l < layers; l++) {
    if (excluded.has(l)) continue;
    const base = l * intermediateSize;
    for (let i = 0; i < intermediateSize; i++) {
      if (!universal || universal[base + i] === 0) mask[base + i] = 1;
    }
  }
  return mask;
}

/**
 * The k best of positions 0..n-1 by `key` (larger first; ties: smaller position first; NaN last), best
 * first. A bounded min-heap keeps it O(n log k), so a full re-rank of millions of neurons stays cheap.
 */
export function selectTop(n: number, key: (i: number) => number, k: number, include?: (i: number) => boolean): number[] {
  if (k <= 0) return [];
  const heap: number[] = []; // positions; heap[0] is the worst kept
  const keys: number[] = [];
  // a is worse than b: smaller key, or equal key and larger position.
  const worse = (ka: number, a: number, kb: number, b: number) => ka < kb || (ka === kb && a > b);
  const siftUp = (at: number) => {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!worse(keys[at], heap[at], keys[parent], heap[parent])) break;
      swap(at, parent);
      at = parent;
    }
  };
  const siftDown = (at: number) => {
    for (;;) {
      const l = 2 * at + 1;
      const r = l + 1;
      let m = at;
      if (l < heap.length && worse(keys[l], heap[l], keys[m], heap[m])) m = l;
      if (r < heap.length && worse(keys[r], heap[r], keys[m], heap[m])) m = r;
      if (m === at) return;
      swap(at, m);
      at = m;
    }
  };
  const swap = (a: number, b: number) => {
    const h = heap[a];
    heap[a] = heap[b];
    heap[b] = h;
    const kk = keys[a];
    keys[a] = keys[b];
    keys[b] = kk;
  };
  for (let i = 0; i < n; i++) {
    if (include && !include(i)) continue;
    const raw = key(i);
    const kv = raw === raw ? raw : -Infinity;
    if (heap.length < k) {
      heap.push(i);
      keys.push(kv);
      siftUp(heap.length - 1);
    } else if (worse(keys[0], heap[0], kv, i)) {
      heap[0] = i;
      keys[0] = kv;
      siftDown(0);
    }
  }
  const order = heap.map((pos, j) => ({ pos, key: keys[j] }));
  order.sort((a, b) => b.key - a.key || a.pos - b.pos);
  return order.map((o) => o.pos);
}

/** The global ranking: the k eligible neurons with the largest |delta|, as flat indices, best first. */
export function rankByMagnitude(delta: ArrayLike<number>, eligible: Uint8Array, k: number): number[] {
  return selectTop(
    delta.length,
    (j) => Math.abs(delta[j]),
    k,
    (j) => eligible[j] === 1,
  );
}

export function countEligible(eligible: Uint8Array): number {
  let n = 0;
  for (let j = 0; j < eligible.length; j++) n += eligible[j];
  return n;
}
