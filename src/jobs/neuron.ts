/**
 * The neuron page: what one MLP neuron writes into the vocabulary (from the weights), how it fires on a
 * .cnapairs file's prompts (last token, both sides), and what ablating it alone does to the first-token
 * distribution of the file's positive prompts. Shared by `cna neuron` and the chart panel.
 */
import { AblationAccumulator, firstTokenSet, refusalOpenerTexts, REFUSAL_OPENERS, type AblationEffect } from '../cna/ablation';
import { DENSITY_DEFINITION, histogram, inLayerTop, mean, pairSeparations, pearson, type Histogram, type PairSeparation } from '../cna/neuronStats';
import type { EngineClient } from '../engine/client';
import { UserError } from '../errors';
import type { NeuronRef, NeuronToken, PromptSpec, Steering } from '../protocol';
import { promptSpec, runHeader } from './attribute';
import type { CircuitFile } from './circuitFile';
import { throwIfCancelled, type Engine, type JobContext } from './context';
import type { PairsInput } from './pairsInput';

export type NeuronEngine = Engine & Pick<EngineClient, 'neuronTokens' | 'tokenIds'>;

export interface NeuronContext extends Omit<JobContext, 'engine'> {
  engine: NeuronEngine;
}

export interface NeuronPageOptions {
  neuron: NeuronRef;
  /** The file whose prompts the neuron is run on; without it, the page has the weights part only. */
  pairs?: PairsInput;
  /** Its rank and delta, and the neurons to correlate with. */
  circuit?: CircuitFile;
  /** Promoted and suppressed tokens listed (default 20). */
  top?: number;
  /** Run the single-neuron ablation (default true when there are pairs). */
  ablate?: boolean;
  batchSize?: number;
}

export interface NeuronPair extends PairSeparation {
  /** 0-based line of the pair in the file. */
  line: number;
  positiveText: string;
  negativeText: string;
}

export interface NeuronActivity {
  prompts: number;
  meanPositive: number;
  meanNegative: number;
  /** Per pair, in file order. */
  positive: number[];
  negative: number[];
  histogram: Histogram;
  /** Every pair, most separating (in the neuron's direction) first. */
  pairs: NeuronPair[];
  density: number;
  densityDefinition: string;
  /** Pearson correlation over all prompts with each other circuit neuron, largest |r| first. */
  correlations: { layer: number; index: number; r: number }[];
}

export interface NeuronAblation extends AblationEffect {
  prompts: number;
  refusalTokenIds: number[];
  refusalOpeners: string[];
}

export interface NeuronPage {
  neuron: NeuronRef;
  id: string;
  model: string;
  vocabSize: number;
  /** Rank (1 = largest |delta|) and delta in the circuit given, when it holds the neuron. */
  circuit: { file: string; rank: number; delta: number; size: number } | null;
  promoted: NeuronToken[];
  suppressed: NeuronToken[];
  activity: NeuronActivity | null;
  ablation: NeuronAblation | null;
  timings: { weightsMs: number; activityMs: number; ablationMs: number };
}

/** `L:I`, e.g. `5:123`, as a neuron. */
export function parseNeuronId(text: string): NeuronRef {
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  if (!m) throw new UserError(`'${text}' is not a neuron: write LAYER:INDEX, e.g. 5:123.`);
  return { layer: Number(m[1]), index: Number(m[2]) };
}

export async function runNeuronPage(ctx: NeuronContext, opts: NeuronPageOptions): Promise<NeuronPage> {
  const { neuron } = opts;
  const info = await ctx.engine.inspect(ctx.model, { signal: ctx.signal });
  if (neuron.layer >= info.layers || neuron.index >= info.intermediateSize) {
    throw new UserError(`Neuron ${neuron.layer}:${neuron.index} is outside ${info.name} (layers 0-${info.layers - 1}, neurons 0-${info.intermediateSize - 1}).`, 2);
  }
  let t = performance.now();
  const tokens = await ctx.engine.neuronTokens(ctx.model, [neuron], opts.top ?? 20, { signal: ctx.signal });
  const weightsMs = performance.now() - t;
  const own = tokens.neurons[0];
  const circuitNeurons = (opts.circuit?.neurons ?? []).filter((n) => n.layer < info.layers && n.index < info.intermediateSize);
  const rank = circuitNeurons.findIndex((n) => n.layer === neuron.layer && n.index === neuron.index);
  const page: NeuronPage = {
    neuron,
    id: `${neuron.layer}:${neuron.index}`,
    model: info.path,
    vocabSize: tokens.vocabSize,
    circuit: rank >= 0 && opts.circuit ? { file: opts.circuit.file, rank: rank + 1, delta: circuitNeurons[rank].delta, size: circuitNeurons.length } : null,
    promoted: own.promoted,
    suppressed: own.suppressed,
    activity: null,
    ablation: null,
    timings: { weightsMs, activityMs: 0, ablationMs: 0 },
  };
  const pairs = opts.pairs;
  if (!pairs || pairs.parsed.pairs.length === 0) return page;
  const header = runHeader(pairs.header);
  const all = pairs.parsed.pairs;
  throwIfCancelled(ctx.signal);
  t = performance.now();
  const others = circuitNeurons.filter((n) => n.layer !== neuron.layer || n.index !== neuron.index);
  page.activity = await activityOf(ctx, all, header, neuron, others, info.intermediateSize, page.circuit ? Math.sign(page.circuit.delta) : 0, opts.batchSize);
  page.timings.activityMs = performance.now() - t;
  if (opts.ablate !== false) {
    t = performance.now();
    const specs = all.map((p) => promptSpec(p.positive.text, header));
    const refusalIds = firstTokenSet((await ctx.engine.tokenIds(ctx.model, refusalOpenerTexts(), { signal: ctx.signal })).ids);
    const [effect] = await ablationEffects(ctx, specs, [[neuron]], refusalIds, opts.batchSize);
    page.ablation = { ...effect, prompts: specs.length, refusalTokenIds: refusalIds, refusalOpeners: REFUSAL_OPENERS };
    page.timings.ablationMs = performance.now() - t;
  }
  return page;
}

async function activityOf(
  ctx: NeuronContext,
  pairs: PairsInput['parsed']['pairs'],
  header: PairsInput['header'],
  neuron: NeuronRef,
  others: readonly NeuronRef[],
  width: number,
  circuitSign: number,
  batchSize: number | undefined,
): Promise<NeuronActivity> {
  const specs = pairs.flatMap((p) => [promptSpec(p.positive.text, header), promptSpec(p.negative.text, header)]);
  const own = new Array<number>(specs.length).fill(0);
  const otherValues = others.map(() => new Array<number>(specs.length).fill(0));
  let active = 0;
  await ctx.engine.forEachActivation(
    { model: ctx.model, prompts: specs, batchSize },
    (b) => {
      b.indices.forEach((p, r) => {
        const row = (l: number) => b.mlpInputs[l].subarray(r * width, (r + 1) * width);
        const layer = row(neuron.layer);
        own[p] = layer[neuron.index];
        if (inLayerTop(layer, neuron.index)) active++;
        others.forEach((n, j) => (otherValues[j][p] = b.mlpInputs[n.layer][r * width + n.index]));
      });
    },
    { signal: ctx.signal, onProgress: (p) => p.stage === 'capture' && ctx.onProgress?.({ stage: 'activations', done: p.done, total: p.total }) },
  );
  const positive = pairs.map((_, i) => own[2 * i]);
  const negative = pairs.map((_, i) => own[2 * i + 1]);
  const meanPositive = mean(positive);
  const meanNegative = mean(negative);
  // The neuron's direction: the circuit's delta when it is in the circuit, else its own mean difference.
  const direction = (circuitSign || Math.sign(meanPositive - meanNegative) || 1) as 1 | -1;
  const separations = pairSeparations(positive, negative, direction);
  return {
    prompts: specs.length,
    meanPositive,
    meanNegative,
    positive,
    negative,
    histogram: histogram(positive, negative),
    pairs: separations.map((s) => ({ ...s, line: pairs[s.pair].line, positiveText: pairs[s.pair].positive.text, negativeText: pairs[s.pair].negative.text })),
    density: active / specs.length,
    densityDefinition: DENSITY_DEFINITION,
    correlations: others
      .map((n, j) => ({ layer: n.layer, index: n.index, r: pearson(own, otherValues[j]) }))
      .sort((a, b) => (Number.isNaN(a.r) ? 1 : 0) - (Number.isNaN(b.r) ? 1 : 0) || Math.abs(b.r) - Math.abs(a.r)),
  };
}

/**
 * First-token effect of each ablation (a set of neurons scaled by 0) on `prompts`, in forward passes only,
 * batched across ablations: row p * (1 + A) is prompt p unsteered, the next A rows are its ablations. Rows of
 * one prompt have one length, so they run together and each prompt's logits are dropped once used.
 */
export async function ablationEffects(
  ctx: NeuronContext,
  prompts: readonly PromptSpec[],
  ablations: readonly NeuronRef[][],
  refusalIds: readonly number[],
  batchSize?: number,
): Promise<AblationEffect[]> {
  const per = 1 + ablations.length;
  const rowPrompts: PromptSpec[] = [];
  const rowSteering: (Steering | null)[] = [];
  for (const p of prompts) {
    rowPrompts.push(p);
    rowSteering.push(null);
    for (const a of ablations) {
      rowPrompts.push(p);
      rowSteering.push({ neurons: a, multiplier: 0 });
    }
  }
  const sums = ablations.map(() => new AblationAccumulator(refusalIds));
  // Each prompt's unsteered logits, kept until its ablated rows have been compared with them.
  const pending = new Map<number, { logits: Float32Array; left: number }>();
  const held: { row: number; logits: Float32Array }[] = [];
  const place = (row: number, logits: Float32Array) => {
    const p = Math.floor(row / per);
    const k = row % per;
    if (k === 0) {
      pending.set(p, { logits, left: ablations.length });
      return true;
    }
    const b = pending.get(p);
    if (!b) return false;
    sums[k - 1].add(b.logits, logits);
    if (--b.left === 0) pending.delete(p);
    return true;
  };
  await ctx.engine.forEachActivation(
    { model: ctx.model, prompts: rowPrompts, rowSteering, logits: true, batchSize: batchSize ?? Math.max(8, per) },
    (b) => {
      if (!b.logits) throw new Error('The engine sent no logits.');
      const vocab = b.logits.length / b.indices.length;
      b.indices.forEach((row, r) => {
        const logits = b.logits!.slice(r * vocab, (r + 1) * vocab);
        if (!place(row, logits)) held.push({ row, logits });
      });
      for (let i = held.length - 1; i >= 0; i--) if (place(held[i].row, held[i].logits)) held.splice(i, 1);
    },
    { signal: ctx.signal, onProgress: (p) => p.stage === 'capture' && ctx.onProgress?.({ stage: 'ablation', done: p.done, total: p.total }) },
  );
  return sums.map((s) => s.result());
}
