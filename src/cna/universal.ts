/**
 * Step 6 of discovery: universal neurons. On a fixed set of generic prompts, a neuron is universal if it
 * is among its layer's top 20 by |activation| at the last token on at least 80% of them (the paper:
 * "filters out neurons active on 80%+ of prompts"). The paper excludes them from the circuit; the released
 * code never applies the filter to CNA, so discovery offers a switch.
 *
 * "At least 80%" is read literally: count / prompts >= 0.8. (The reference's own helper uses
 * count >= int(prompts * 0.8), which agrees for 10 prompts and is looser for counts not divisible by 5.)
 */
import { checkLayerShapes, ModelShape, NeuronRef, neuronAt, totalNeurons } from './neurons';
import { selectTop } from './rank';

export const UNIVERSAL_TOP_PER_LAYER = 20;
export const UNIVERSAL_THRESHOLD = 0.8;

/** Counts, per neuron, on how many generic prompts it was in its layer's top group. Streams prompts. */
export class UniversalNeuronCounter {
  private readonly counts: Uint32Array;
  private prompts = 0;

  constructor(
    readonly shape: ModelShape,
    readonly topPerLayer = UNIVERSAL_TOP_PER_LAYER,
  ) {
    this.counts = new Uint32Array(totalNeurons(shape));
  }

  /** One generic prompt's last-token activations, one array per layer. Ties: lower index first. */
  addGenericPrompt(layers: readonly Float32Array[]): void {
    checkLayerShapes(layers, this.shape, 'generic prompt');
    const width = this.shape.intermediateSize;
    for (let l = 0; l < layers.length; l++) {
      const row = layers[l];
      for (const i of selectTop(width, (j) => Math.abs(row[j]), this.topPerLayer)) this.counts[l * width + i]++;
    }
    this.prompts++;
  }

  get promptCount(): number {
    return this.prompts;
  }

  /** How many generic prompts put this neuron in its layer's top group. */
  countOf(ref: NeuronRef): number {
    return this.counts[ref.layer * this.shape.intermediateSize + ref.index];
  }

  /** 1 for universal neurons (flat, layer-major); all zeros when no generic prompt was run. */
  universalMask(threshold = UNIVERSAL_THRESHOLD): Uint8Array {
    const mask = new Uint8Array(this.counts.length);
    for (let j = 0; j < mask.length; j++) mask[j] = isUniversal(this.counts[j], this.prompts, threshold) ? 1 : 0;
    return mask;
  }

  universalNeurons(threshold = UNIVERSAL_THRESHOLD): NeuronRef[] {
    const mask = this.universalMask(threshold);
    const out: NeuronRef[] = [];
    for (let j = 0; j < mask.length; j++) if (mask[j]) out.push(neuronAt(j, this.shape.intermediateSize));
    return out;
  }
}

/** count / prompts >= threshold, with a tolerance so 8 of 10 at 0.8 is never lost to rounding. */
export function isUniversal(count: number, prompts: number, threshold = UNIVERSAL_THRESHOLD): boolean {
  return prompts > 0 && count > 0 && count >= threshold * prompts - 1e-9;
}
