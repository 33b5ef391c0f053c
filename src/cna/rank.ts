/**
 * Step 5 of discovery: leave out some layers, rank every remaining neuron of every layer together by
 * |delta|, keep the top k. k is a percentage of all MLP neurons (the paper) or a count (the reference code);
 * we always record what the other choice would have given.
 */
import { UserError } from '../errors';
import { groupThousands } from './neurons';

export const DEFAULT_TOP = '0.1%';
/** The paper's circuit size: 0.1% of all MLP neurons. */
export const PAPER_DEFAULT_PERCENT = 0.1;
/** The reference code's default circuit size. */
export const REFERENCE_DEFAULT_COUNT = 200;
/** The reference code leaves out layers 0 and 1. */
export const DEFAULT_EXCLUDE_LAYERS = '0-1';

export type TopSpec = { kind: 'percent'; percent: number } | { kind: 'count'; count: number };

/** Parses `0.1%` (percentage of all MLP neurons) or `200` (a count); a parsed size is checked and kept. */
export function parseTop(spec: string | number | TopSpec): TopSpec {
  const bad = () =>
    new UserError(`The circuit size must be a percentage such as 0.1% or a neuron count such as 200, got '${typeof spec === 'object' ? formatTop(spec) : spec}'.`);
  if (typeof spec === 'object') {
    const ok = spec.kind === 'percent' ? spec.percent > 0 && spec.percent <= 100 : Number.isSafeInteger(spec.count) && spec.count >= 1;
    if (!ok) throw bad();
    return spec;
  }
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 1) throw bad();
    return { kind: 'count', count: spec };
  }
  const text = spec.trim();
  const pct = /^(\d+(?:\.\d*)?|\.\d+)\s*%$/.exec(text);
  if (pct) {
    const percent = Number(pct[1]);
    if (!(percent > 0 && percent <= 100)) throw bad();
    return { kind: 'percent', percent };
  }
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count < 1 || !Number.isSafeInteger(count)) throw bad();
    return { kind: 'count', count };
  }
  throw bad();
}

export function formatTop(top: TopSpec): string {
  return top.kind === 'percent' ? `${top.percent}%` : String(top.count);
}

/**
 * Parses a layer list such as `0-1`, `0,1,5` or `0-1, 5`; an empty string or `none` excludes nothing.
 * With `layerCount`, layers outside the model are an error. Returns sorted, unique layer numbers.
 */
export function parseLayerSpec(spec: string, layerCount?: number): number[] {
  const text = spec.trim();
  if (text === '' || text.toLowerCase() === 'none') return [];
  const out = new Set<number>();
  for (const rawPart of text.split(',')) {
    const part = rawPart.trim();
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) {
      throw new UserError(`Bad layer list '${spec}': use ranges and numbers such as 0-1 or 0,1,5.`);
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new UserError(`Bad layer range '${part}': the first layer must not be above the second.`);
    if (layerCount !== undefined && to >= layerCount) {
      throw new UserError(`Layer ${to} in '${spec}' does not exist: the model has layers 0 to ${layerCount - 1}.`);
    }
    for (let l = from; l <= to; l++) out.add(l);
  }
  return [...out].sort((a, b) => a - b);
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
    note =
      `${groupThousands(top.count)} neurons = ${share}% of ${groupThousands(totalNeurons)}; ` +
      `paper default ${PAPER_DEFAULT_PERCENT}% = ${groupThousands(paperK)} neurons`;
  }
  const k = Math.min(wanted, eligibleNeurons);
  if (k < wanted) note += ` (clamped to the ${groupThousands(eligibleNeurons)} neurons that may be ranked)`;
  return { top: formatTop(top), kind: top.kind, k, alternativeK, note };
}

/** Which neurons may enter the ranking: not in an excluded layer and (when given) not universal. */
export function eligibleMask(
  layers: number,
  intermediateSize: number,
  excludedLayers: readonly number[],
  universal?: Uint8Array,
): Uint8Array {
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
  order.sort((a, b) => (b.key - a.key) || (a.pos - b.pos));
  return order.map((o) => o.pos);
}

/** The global ranking: the k eligible neurons with the largest |delta|, as flat indices, best first. */
export function rankByMagnitude(delta: ArrayLike<number>, eligible: Uint8Array, k: number): number[] {
  return selectTop(delta.length, (j) => Math.abs(delta[j]), k, (j) => eligible[j] === 1);
}

export function countEligible(eligible: Uint8Array): number {
  let n = 0;
  for (let j = 0; j < eligible.length; j++) n += eligible[j];
  return n;
}
