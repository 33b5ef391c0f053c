/**
 * The paper's base/instruct comparison: which models of a run are a base model and its instruct fine-tune
 * (by name), how much their circuits overlap, layer by layer, and whether steering the base changes what it
 * does. Pure.
 */
import type { NeuronRef } from './neurons';

/** A refusal change larger than this (the paper's random-control level) counts as a change of behaviour. */
export const BEHAVIOUR_CHANGE_POINTS = 3;

/** A chat/instruct fine-tune by name: "instruct" or "chat" anywhere (the reference's rule), or a final `-it`. */
export function isInstructName(name: string): boolean {
  return /instruct|chat/i.test(name) || /[-_.]it$/i.test(name);
}

/** `Qwen2.5-1.5B-Instruct` and `Qwen2.5-1.5B` -> `qwen2.5-1.5b`; `demo-base`, `demo-instruct` -> `demo`. */
export function familyStem(name: string): string {
  return name
    .replace(/[-_.]?(instruct|chat)/gi, '')
    .replace(/[-_.]it$/i, '')
    .replace(/[-_.]base$/i, '')
    .toLowerCase();
}

/** Index pairs [base, instruct] of models with the same stem, one of each kind, in the order given. */
export function baseInstructPairs(names: readonly string[]): [number, number][] {
  const pairs: [number, number][] = [];
  names.forEach((b, i) => {
    if (isInstructName(b)) return;
    const j = names.findIndex((n) => isInstructName(n) && familyStem(n) === familyStem(b));
    if (j >= 0) pairs.push([i, j]);
  });
  return pairs;
}

export interface LayerOverlap {
  layer: number;
  base: number;
  instruct: number;
  shared: number;
}

/** Circuit neurons per layer in each model and in both. */
export function circuitOverlap(base: readonly NeuronRef[], instruct: readonly NeuronRef[]): { layers: LayerOverlap[]; shared: number; jaccard: number } {
  const key = (n: NeuronRef) => `${n.layer}:${n.index}`;
  const inBase = new Set(base.map(key));
  const layers = new Map<number, LayerOverlap>();
  const row = (l: number) => layers.get(l) ?? layers.set(l, { layer: l, base: 0, instruct: 0, shared: 0 }).get(l)!;
  for (const n of base) row(n.layer).base++;
  let shared = 0;
  for (const n of instruct) {
    const r = row(n.layer);
    r.instruct++;
    if (inBase.has(key(n))) {
      r.shared++;
      shared++;
    }
  }
  const union = inBase.size + instruct.length - shared;
  return { layers: [...layers.values()].sort((a, b) => a.layer - b.layer), shared, jaccard: union === 0 ? 0 : shared / union };
}
