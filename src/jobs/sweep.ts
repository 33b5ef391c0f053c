/**
 * The sweep job (cna sweep, the extension's sweep chart): for every multiplier, greedy answers to the
 * evaluation prompts with the circuit scaled, scored for refusal and quality, and the first-token KL on
 * benign prompts against the unsteered model. The same for a random control of the same size and, on
 * request, for the CAA baseline.
 *
 * Every steered variant is a row of ONE generate request (the engine steers per row and batches rows of
 * equal prompt length together, so the multipliers of one prompt share a batch). Variants equal to the
 * unchanged model (m = 1, alpha = 0) are generated once and shared.
 */
import { performance } from 'node:perf_hooks';
import { CaaAccumulator } from '../cna/caa';
import type { Circuit } from '../cna/circuit';
import { firstTokenKL } from '../cna/kl';
import type { NeuronRef } from '../cna/neurons';
import { randomControlNeurons, DEFAULT_CONTROL_SEED } from '../cna/randomControl';
import { makeDetector, type DetectorName, type RefusalDetector } from '../cna/refusal';
import { benignScore, sweepPoint, type SweepPoint } from '../cna/sweep';
import { UserError } from '../errors';
import type { GenerateRow, InspectResult, PromptSpec, Steering } from '../protocol';
import { checkPromptLengths, promptSpec, rowsOf, runAttribute, runHeader, type AttributeOptions, type AttributeResult } from './attribute';
import { MMLU_SHOTS, runCapability, type CapabilityName } from './capability';
import { circuitForModel, type CircuitFile } from './circuitFile';
import type { JobContext } from './context';
import type { EvalSelection } from './evalPrompts';
import type { PairsInput } from './pairsInput';
import { resolveRunSettings, RUN_DEFAULTS } from './settings';

export const DEFAULT_MAX_NEW_TOKENS = RUN_DEFAULTS.maxNewTokens;

export interface SweepOptions {
  pairs: PairsInput;
  /**
   * A circuit read by readCircuitFile, or one in memory (the editor's last run); when absent, the attribute
   * job runs first on the discovery pairs. Either way it is checked against the model (circuitForModel).
   */
  circuit?: Circuit | CircuitFile;
  /** Where `circuit` was read from, for the result. */
  circuitFile?: string;
  attribute?: Omit<AttributeOptions, 'pairs'>;
  /** As typed (`0,0.5,1`) or parsed; wins over `@multipliers` (settings.ts). */
  multipliers?: string | readonly number[];
  evaluation: EvalSelection;
  /** A detector name as typed or known; default `regex`. */
  detector?: string | DetectorName;
  /** Extra refusal phrases (lower-case substrings), added to the detector. */
  refusalMarkers?: string[];
  /** Default `random`. */
  control?: 'random' | 'none';
  seed?: number;
  caa?: boolean;
  /** CAA strengths; default alpha = m - 1 for each multiplier m (see caaAlphas). */
  alphas?: number[];
  /** Tokens per answer (default 150). */
  maxNewTokens?: number;
  batchSize?: number;
  /** Harmless prompt sets answered at every multiplier of the circuit: their refusals are over-refusals. */
  benign?: BenignSet[];
  /** The multipliers the benign sets are answered at (default every one). */
  benignMultipliers?: readonly number[];
  /** A multiple-choice check scored at every multiplier (src/jobs/capability.ts). */
  capability?: CapabilityName;
  /** Only the first N capability questions (quick looks; default all). */
  capabilityLimit?: number;
}

export interface BenignSet {
  /** Short name for tables, e.g. `XSTest safe`. */
  name: string;
  prompts: string[];
}

export type CaaPoint = Omit<SweepPoint, 'multiplier'> & { alpha: number };

export interface SweepSample {
  kind: 'circuit' | 'control' | 'caa';
  /** The multiplier (circuit, control) or alpha (caa). */
  multiplier: number;
  prompt: string;
  answer: string;
  refused: boolean;
}

export interface SweepResult {
  feature: string;
  circuit: {
    k: number;
    top: string;
    universalFilter: boolean;
    model: { path: string; fingerprint: string };
    /** The circuit file, or null when this sweep ran attribute itself. */
    source: string | null;
  };
  settings: {
    multipliers: number[];
    detector: string;
    maxNewTokens: number;
    eval: string;
    evalPrompts: number;
    klPrompts: number;
    control: 'random' | 'none';
    seed: number;
    alphas?: number[];
    /** The harmless sets answered for over-refusal. */
    benign?: { name: string; prompts: number }[];
    /** The capability check and its question count, when one ran. */
    capability?: { name: CapabilityName; questions: number; shots: number[] };
  };
  points: SweepPoint[];
  control: SweepPoint[];
  /** The random neurons of the control (empty without one). */
  controlNeurons: NeuronRef[];
  caa?: CaaPoint[];
  samples: SweepSample[];
  /** When the sweep ran attribute itself: its result (also written by --out). */
  attribute?: AttributeResult;
  timings: { generateMs: number; klMs: number; caaVectorsMs: number; benignMs?: number; capabilityMs?: number; totalMs: number };
}

/**
 * The CAA strengths matched to the multipliers: alpha = m - 1, so m = 1 and alpha = 0 are both the
 * unchanged model, m = 0 (ablation) faces alpha = -1 (removing the mean difference), m = 2 faces +1.
 */
export function caaAlphas(multipliers: readonly number[]): number[] {
  return multipliers.map((m) => m - 1);
}

interface Variant {
  kind: 'base' | 'circuit' | 'control' | 'caa';
  steering?: Steering;
}

/** Neuron lists without the statistics, so messages to the engine stay small. */
function refs(neurons: readonly NeuronRef[]): NeuronRef[] {
  return neurons.map(({ layer, index }) => ({ layer, index }));
}

export async function runSweep(ctx: JobContext, opts: SweepOptions): Promise<SweepResult> {
  const start = performance.now();
  const { engine, model, signal } = ctx;
  const { evaluation } = opts;
  // Reference mode: one template date for every prompt of the run (and the discovery inside it).
  const pairs: PairsInput = { ...opts.pairs, header: runHeader(opts.pairs.header) };
  if (evaluation.prompts.length === 0) throw new UserError(`No evaluation prompts (${evaluation.description}).`, 1);
  // Before any model work, so that a bad value stops the run at once.
  const settings = resolveRunSettings(pairs.header, { flags: { multipliers: opts.multipliers, maxNewTokens: opts.maxNewTokens, detector: opts.detector } });

  let attribute: AttributeResult | undefined;
  let circuit: Circuit | undefined;
  const info: InspectResult = await engine.inspect(model, { signal });
  // Before attribute or any generation: an evaluation prompt that cannot fit would fail only at the end.
  await checkPromptLengths(
    ctx,
    info,
    evaluation.prompts.map((text, i) => ({
      spec: promptSpec(text, pairs.header),
      where: evaluation.where?.[i] ?? `evaluation prompt ${i + 1} (${evaluation.description})`,
    })),
  );
  if (opts.circuit) {
    const given = opts.circuit;
    const source: CircuitFile = 'version' in given ? { file: opts.circuitFile ?? 'the circuit', circuit: given, neurons: given.neurons } : given;
    circuit = circuitForModel(source, info, (w) => ctx.onNote?.(`warning: ${w}`));
    const template = pairs.header.template ?? 'chat';
    if (typeof circuit.settings.template === 'string' && circuit.settings.template !== template) {
      ctx.onNote?.(`the circuit was found with the ${circuit.settings.template} template, this sweep formats prompts with ${template}`);
    }
  } else {
    attribute = await runAttribute(ctx, { ...opts.attribute, pairs });
    circuit = attribute;
  }
  if (circuit.k === 0) throw new UserError('The circuit has no neurons: nothing to steer.', 1);

  const multipliers = [...settings.multipliers];
  const controlKind = opts.control ?? 'random';
  const seed = opts.seed ?? DEFAULT_CONTROL_SEED;
  const maxNewTokens = settings.maxNewTokens;
  const detector = makeDetector(settings.detector, { phrases: opts.refusalMarkers });
  const circuitNeurons = refs(circuit.neurons);
  const controlNeurons = controlKind === 'random' ? randomControlNeurons(circuitNeurons, info.intermediateSize, seed) : [];

  // CAA vectors from the discovery pairs' MLP outputs.
  let caaVectors: Float32Array[] | undefined;
  const alphas = opts.caa ? (opts.alphas ?? caaAlphas(multipliers)) : undefined;
  const caaStart = performance.now();
  if (opts.caa) caaVectors = await caaVectorsOf(ctx, pairs, info);
  const caaVectorsMs = performance.now() - caaStart;

  // The variants, deduplicated: the unchanged model once.
  const variants: Variant[] = [{ kind: 'base' }];
  const variantOf = (kind: Variant['kind'], steering: Steering | undefined): number => {
    if (!steering) return 0;
    variants.push({ kind, steering });
    return variants.length - 1;
  };
  const circuitIdx = multipliers.map((m) => variantOf('circuit', m === 1 ? undefined : { neurons: circuitNeurons, multiplier: m }));
  const controlIdx = controlKind === 'random' ? multipliers.map((m) => variantOf('control', m === 1 ? undefined : { neurons: controlNeurons, multiplier: m })) : [];
  const caaIdx = (alphas ?? []).map((a) => {
    if (a === 0) return 0;
    // One scaled vector per layer, shared by every row of this alpha (structured clone sends it once).
    const additive = caaVectors!.map((v, layer) => ({ layer, vector: v.map((x) => a * x) }));
    return variantOf('caa', { neurons: [], multiplier: 1, additive });
  });

  // One generate request: rows prompt-major, so one prompt's variants sit next to each other.
  const specs: PromptSpec[] = evaluation.prompts.map((t) => promptSpec(t, pairs.header));
  const rows: GenerateRow[] = [];
  for (const prompt of specs) for (const v of variants) rows.push(v.steering ? { prompt, steering: v.steering } : { prompt });
  const genStart = performance.now();
  const generated = await engine.generate(
    { model, rows, maxNewTokens, batchSize: opts.batchSize },
    {
      signal,
      onProgress: (p) => {
        if (p.stage === 'generate') ctx.onProgress?.({ stage: 'generation', done: p.done, total: p.total });
      },
    },
  );
  const generateMs = performance.now() - genStart;
  const answers: string[][] = variants.map(() => new Array<string>(specs.length));
  for (const c of generated.completions) answers[c.row % variants.length][Math.floor(c.row / variants.length)] = c.text;

  // First-token KL on the benign prompts: one forward pass per prompt and variant.
  const klStart = performance.now();
  const kl = await klPerVariant(ctx, pairs, evaluation.klPrompts, variants, opts.batchSize);
  const klMs = performance.now() - klStart;

  const point = (v: number, multiplier: number): SweepPoint => ({ ...sweepPoint({ multiplier, answers: answers[v] }, detector), kl: kl[v] });
  const samples: SweepSample[] = [];
  const addSamples = (kind: SweepSample['kind'], v: number, multiplier: number) => {
    answers[v].forEach((answer, p) => samples.push({ kind, multiplier, prompt: evaluation.prompts[p], answer, refused: detector.isRefusal(answer) }));
  };
  const points = multipliers.map((m, i) => point(circuitIdx[i], m));
  const benignStart = performance.now();
  if (opts.benign && opts.benign.length > 0) {
    const chosen = points.filter((p) => !opts.benignMultipliers || opts.benignMultipliers.includes(p.multiplier));
    const steerings = chosen.map((p) => variants[circuitIdx[points.indexOf(p)]].steering);
    await addOverRefusal(ctx, opts.benign, pairs, chosen, steerings, maxNewTokens, detector, opts.batchSize);
  }
  const benignMs = performance.now() - benignStart;
  // Multiple choice at each multiplier of the circuit: forward passes only.
  const capability = opts.capability
    ? await runCapability(ctx, {
        name: opts.capability,
        header: pairs.header,
        variants: multipliers.map((m, i) => ({ multiplier: m, steering: variants[circuitIdx[i]].steering })),
        limit: opts.capabilityLimit,
        batchSize: opts.batchSize,
      })
    : undefined;
  capability?.points.forEach((c, i) => (points[i].capability = c));
  multipliers.forEach((m, i) => addSamples('circuit', circuitIdx[i], m));
  const control = controlIdx.map((v, i) => point(v, multipliers[i]));
  controlIdx.forEach((v, i) => addSamples('control', v, multipliers[i]));
  const caa = alphas?.map((alpha, i): CaaPoint => {
    const p = point(caaIdx[i], alpha);
    return { alpha, refusalRate: p.refusalRate, quality: p.quality, kl: p.kl, n: p.n, collapse: p.collapse };
  });
  alphas?.forEach((a, i) => addSamples('caa', caaIdx[i], a));

  const result: SweepResult = {
    feature: circuit.feature,
    circuit: {
      k: circuit.k,
      top: circuit.settings.top,
      universalFilter: circuit.settings.universalFilter,
      model: { path: circuit.model.path, fingerprint: circuit.model.fingerprint },
      source: attribute ? null : (opts.circuitFile ?? 'circuit.json'),
    },
    settings: {
      multipliers,
      detector: detector.name,
      maxNewTokens,
      eval: evaluation.description,
      evalPrompts: evaluation.prompts.length,
      klPrompts: evaluation.klPrompts.length,
      control: controlKind,
      seed,
      ...(alphas ? { alphas } : {}),
      ...(opts.benign?.length ? { benign: opts.benign.map((b) => ({ name: b.name, prompts: b.prompts.length })) } : {}),
      ...(capability && opts.capability ? { capability: { name: opts.capability, questions: capability.questions, shots: [...MMLU_SHOTS] } } : {}),
    },
    points,
    control,
    controlNeurons,
    ...(caa ? { caa } : {}),
    samples,
    ...(attribute ? { attribute } : {}),
    timings: { generateMs, klMs, caaVectorsMs, ...(opts.benign?.length ? { benignMs } : {}), ...(capability ? { capabilityMs: capability.ms } : {}), totalMs: performance.now() - start },
  };
  return result;
}

/** Answers to the harmless sets at each multiplier of the circuit (one generate request), scored onto the points. */
async function addOverRefusal(
  ctx: JobContext,
  sets: readonly BenignSet[],
  pairs: PairsInput,
  points: SweepPoint[],
  steerings: (Steering | undefined)[],
  maxNewTokens: number,
  detector: RefusalDetector,
  batchSize: number | undefined,
): Promise<void> {
  const rows: GenerateRow[] = [];
  const where: { set: number; point: number }[] = [];
  sets.forEach((set, s) =>
    set.prompts.forEach((text) =>
      steerings.forEach((steering, i) => {
        const prompt = promptSpec(text, pairs.header);
        rows.push(steering ? { prompt, steering } : { prompt });
        where.push({ set: s, point: i });
      }),
    ),
  );
  const generated = await ctx.engine.generate(
    { model: ctx.model, rows, maxNewTokens, batchSize },
    {
      signal: ctx.signal,
      onProgress: (p) => {
        if (p.stage === 'generate') ctx.onProgress?.({ stage: 'benign generation', done: p.done, total: p.total });
      },
    },
  );
  const answers = points.map(() => sets.map((): string[] => []));
  for (const c of generated.completions) answers[where[c.row].point][where[c.row].set].push(c.text);
  points.forEach((p, i) => (p.overRefusal = sets.map((set, s) => benignScore(set.name, answers[i][s], detector))));
}

/** Mean first-token KL(base || steered) per variant (0 for the base itself); null without prompts. */
async function klPerVariant(ctx: JobContext, pairs: PairsInput, prompts: readonly string[], variants: readonly Variant[], batchSize: number | undefined): Promise<(number | null)[]> {
  if (prompts.length === 0) return variants.map(() => null);
  const specs = prompts.map((t) => promptSpec(t, pairs.header));
  const logitsOf = async (steering: Steering | undefined, stage: string, done: number): Promise<Float32Array[]> => {
    const out: Float32Array[] = new Array(specs.length);
    await ctx.engine.forEachActivation(
      { model: ctx.model, prompts: specs, logits: true, batchSize, ...(steering ? { steering } : {}) },
      (b) => {
        if (!b.logits) throw new Error('The engine sent no logits.');
        const vocab = b.logits.length / b.indices.length;
        b.indices.forEach((p, r) => {
          out[p] = b.logits!.slice(r * vocab, (r + 1) * vocab);
        });
      },
      {
        signal: ctx.signal,
        onProgress: (p) => {
          if (p.stage === 'capture') ctx.onProgress?.({ stage, done: done + p.done, total: variants.length * specs.length });
        },
      },
    );
    return out;
  };
  const base = await logitsOf(undefined, 'first-token KL', 0);
  const result: (number | null)[] = [0];
  for (let v = 1; v < variants.length; v++) {
    const steered = await logitsOf(variants[v].steering, 'first-token KL', v * specs.length);
    let sum = 0;
    for (let p = 0; p < specs.length; p++) sum += firstTokenKL(base[p], steered[p]);
    result.push(sum / specs.length);
  }
  return result;
}

/** CAA vectors: per layer, mean down_proj output at the last token, positives minus negatives. */
async function caaVectorsOf(ctx: JobContext, pairs: PairsInput, info: InspectResult): Promise<Float32Array[]> {
  if (pairs.discovery.length === 0) throw new UserError(`${pairs.file} has no discovery pairs to build the CAA vectors from.`, 1);
  const acc = new CaaAccumulator(info.layers, info.hiddenSize);
  const prompts = pairs.discovery.flatMap((p) => [promptSpec(p.positive.text, pairs.header), promptSpec(p.negative.text, pairs.header)]);
  await ctx.engine.forEachActivation(
    { model: ctx.model, prompts, mlpOutputs: true },
    (b) => {
      rowsOf(b, info.hiddenSize, 'mlpOutputs').forEach((layers, r) => acc.addPrompt(b.indices[r] % 2 === 0 ? 'positive' : 'negative', layers));
    },
    {
      signal: ctx.signal,
      onProgress: (p) => {
        if (p.stage === 'capture') ctx.onProgress?.({ stage: 'CAA vectors', done: p.done, total: p.total });
      },
    },
  );
  return acc.vectors();
}
