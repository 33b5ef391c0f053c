/**
 * Discovery as one pure function: the steps of docs/method.md in order, over activations the engine streams
 * (one prompt at a time, last-token MLP activations, one Float32Array of intermediateSize per layer).
 * Returns the circuit, which is also the `cna attribute --json` result without its timings.
 */
import { MemoryPairStore, PairDifferences, PairStore, Side, SideMeans } from './accumulate';
import { Circuit, CIRCUIT_VERSION, CircuitSettings, ModelIdentity } from './circuit';
import { pairContributions } from './contribution';
import { NeuronRef, neuronAt } from './neurons';
import { chooseK, countEligible, DEFAULT_EXCLUDE_LAYERS, DEFAULT_TOP, eligibleMask, parseLayerSpec, parseTop, rankByMagnitude, type TopSpec } from './rank';
import { UNIVERSAL_THRESHOLD, UNIVERSAL_TOP_PER_LAYER, UniversalNeuronCounter } from './universal';
import { UserError } from '../errors';

export interface PromptActivations {
  /** Index of the pair in `pairLines`. */
  pairIndex: number;
  side: Side;
  layers: Float32Array[];
}

export interface DiscoverInput {
  feature: string;
  model: ModelIdentity;
  /** The .cnapairs line of each discovery pair; pair index i is pairLines[i]. */
  pairLines: readonly number[];
  /** Both sides of every pair, in any order (pair by pair keeps memory flat, see accumulate.ts). */
  prompts: AsyncIterable<PromptActivations> | Iterable<PromptActivations>;
  /** `0.1%` or `200` (default 0.1%). */
  top?: string | number | TopSpec;
  /** `0-1`, `0,1,5`, or a list (default 0-1). */
  excludeLayers?: string | readonly number[];
  /** Leave universal neurons out of the circuit (default true, as the paper; false reproduces the code). */
  universalFilter?: boolean;
  /** Activations of the generic prompts; required when the filter is on, optional (reported only) when off. */
  genericActivations?: AsyncIterable<Float32Array[]> | Iterable<Float32Array[]>;
  /** The generic prompt texts, recorded in the settings. */
  genericPrompts?: readonly string[];
  /** Where per-pair differences are kept (default in memory). */
  pairStore?: PairStore;
  /**
   * Receives delta (mean over + minus mean over -) of EVERY neuron, flat and layer-major, for the
   * separation chart; the circuit itself only keeps its top neurons.
   */
  onDelta?: (delta: Float64Array) => void;
}

export async function discover(input: DiscoverInput): Promise<Circuit> {
  const { model } = input;
  const shape = { layers: model.layers, intermediateSize: model.intermediateSize };
  const total = model.layers * model.intermediateSize;
  if (model.totalNeurons !== total) {
    throw new Error(`model.totalNeurons (${model.totalNeurons}) is not layers x intermediateSize (${total}).`);
  }
  const pairCount = input.pairLines.length;
  if (pairCount === 0) throw new UserError('There are no discovery pairs: add at least one + / - pair.', 1);
  const top = parseTop(input.top ?? DEFAULT_TOP);
  const excluded =
    typeof input.excludeLayers === 'string' || input.excludeLayers === undefined
      ? parseLayerSpec(input.excludeLayers ?? DEFAULT_EXCLUDE_LAYERS, model.layers)
      : parseLayerSpec(input.excludeLayers.join(','), model.layers);
  const filter = input.universalFilter ?? true;
  if (filter && !input.genericActivations) {
    throw new Error('The universal filter needs the activations of the generic prompts.');
  }

  // Step 4: stream the pairs into per-side sums and per-pair differences.
  const means = new SideMeans(shape);
  const store = input.pairStore ?? new MemoryPairStore();
  const diffs = new PairDifferences(shape, store);
  for await (const p of input.prompts) {
    if (!Number.isInteger(p.pairIndex) || p.pairIndex < 0 || p.pairIndex >= pairCount) {
      throw new Error(`Activation for pair ${p.pairIndex}, but there are ${pairCount} pairs.`);
    }
    means.addPrompt(p.side, p.layers);
    await diffs.addPrompt(p.pairIndex, p.side, p.layers);
  }
  const complete = diffs.completePairs().length;
  if (complete !== pairCount) {
    throw new Error(`Only ${complete} of ${pairCount} pairs received both a positive and a negative prompt.`);
  }

  // Step 6: universal neurons on the generic prompts.
  let universal: Uint8Array | undefined;
  let genericCount = 0;
  if (input.genericActivations) {
    const counter = new UniversalNeuronCounter(shape, UNIVERSAL_TOP_PER_LAYER);
    for await (const layers of input.genericActivations) counter.addGenericPrompt(layers);
    genericCount = counter.promptCount;
    universal = counter.universalMask(UNIVERSAL_THRESHOLD);
  }

  // Step 5: one global ranking by |delta| over the neurons that may enter the circuit.
  const eligible = eligibleMask(model.layers, model.intermediateSize, excluded, filter ? universal : undefined);
  const eligibleCount = countEligible(eligible);
  if (eligibleCount === 0) {
    throw new UserError(`No neuron is left to rank: layers ${excluded.join(',')} are excluded. Exclude fewer layers.`);
  }
  const kChoice = chooseK(top, total, eligibleCount);
  const delta = means.delta();
  input.onDelta?.(delta);
  const meanPositive = means.mean('positive');
  const meanNegative = means.mean('negative');
  const circuit = rankByMagnitude(delta, eligible, kChoice.k);

  const notes = [kChoice.note];
  const universalRefs: NeuronRef[] = [];
  if (universal) {
    for (let j = 0; j < universal.length; j++) if (universal[j]) universalRefs.push(neuronAt(j, model.intermediateSize));
    const unfiltered = filter ? rankByMagnitude(delta, eligibleMask(model.layers, model.intermediateSize, excluded), kChoice.k) : circuit;
    const universalInTop = unfiltered.filter((j) => universal![j] === 1).length;
    notes.push(
      filter
        ? `Universal filter: ${universalRefs.length} universal neurons (top ${UNIVERSAL_TOP_PER_LAYER} of their layer ` +
            `on >= ${UNIVERSAL_THRESHOLD * 100}% of ${genericCount} generic prompts) left out; ` +
            `${universalInTop} of them would otherwise be in the circuit.`
        : `Universal filter off (as the reference code): ${universalInTop} of the circuit's neurons are universal.`,
    );
  } else {
    notes.push('Universal filter off (as the reference code); no generic prompts were run.');
  }

  const pairs = await pairContributions({ store, lines: input.pairLines, delta, eligible, circuit });

  const settings: CircuitSettings = {
    top: kChoice.top,
    k: kChoice.k,
    excludeLayers: excluded,
    universalFilter: filter,
  };
  if (input.genericActivations) {
    settings.universalTopPerLayer = UNIVERSAL_TOP_PER_LAYER;
    settings.universalThreshold = UNIVERSAL_THRESHOLD;
    if (input.genericPrompts) settings.genericPrompts = [...input.genericPrompts];
  }

  return {
    version: CIRCUIT_VERSION,
    feature: input.feature,
    model: { ...model },
    settings,
    k: circuit.length,
    neurons: circuit.map((j) => ({
      ...neuronAt(j, model.intermediateSize),
      delta: delta[j],
      meanPositive: meanPositive[j],
      meanNegative: meanNegative[j],
    })),
    universal: universalRefs,
    pairs,
    notes,
  };
}
