/**
 * The attribute job (cna attribute, the extension's "Find circuit"): discovery pairs and generic prompts
 * through the engine, streamed, into the CNA core's discover(); returns the circuit with timings.
 *
 * Memory stays flat: pairs go to the engine a few at a time, both sides of a pair in the same request
 * (the engine sorts a request's prompts by length, so one request over every pair would leave many
 * half-pairs waiting), and per-pair differences go to a temporary file when they would be large.
 */
import { performance } from 'node:perf_hooks';
import type { PairStore, Side } from '../cna/accumulate';
import type { Circuit, CircuitSettings, ModelIdentity } from '../cna/circuit';
import { discover, type PromptActivations } from '../cna/discover';
import { GENERIC_PROMPTS, REFERENCE_GENERIC_PROMPTS } from '../cna/genericPrompts';
import { formatTemplateDate, today } from '../engine/chatTemplate';
import { UserError } from '../errors';
import type { Header, TopValue } from '../pairs/types';
import type { CaptureBatch, InspectResult, PromptSpec } from '../protocol';
import type { JobContext } from './context';
import { DISK_STORE_THRESHOLD_BYTES, DiskPairStore } from './diskPairStore';
import type { PairsInput } from './pairsInput';
import { resolveRunSettings } from './settings';

/** Captured rows one capture request may hold (both sides of its pairs, every neuron as float32). */
const CHUNK_BYTES = 64 * 1024 * 1024;

function defaultChunkPairs(totalNeurons: number): number {
  return Math.min(64, Math.max(16, Math.floor(CHUNK_BYTES / (2 * totalNeurons * 4))));
}

export interface AttributeOptions {
  pairs: PairsInput;
  /** `0.1%` or `200` as typed, or already parsed; overrides `@top` (a CLI flag; the editor resolves first, settings.ts). */
  top?: string | TopValue;
  /** `0-1`, `0,1,5`, `none` as typed, or layer numbers; overrides `@exclude-layers`. */
  excludeLayers?: string | readonly number[];
  /** Default true (the paper), false in reference mode (the reference's contrastive discovery never filters). */
  universalFilter?: boolean;
  /**
   * Pairs per capture request: bounds the half-pairs waiting for their partner. Default: as many as fit in
   * CHUNK_BYTES of captured rows, 16 to 64 (more prompts per request sort into batches with less padding).
   */
  chunkPairs?: number;
  /** Rows per forward pass (engine default when absent). */
  batchSize?: number;
  /** Where per-pair differences go; `auto` (default) picks disk above DISK_STORE_THRESHOLD_BYTES. */
  pairStore?: 'memory' | 'disk' | 'auto';
  /** Folder for the disk store's temporary file (default the system's). */
  tmpDir?: string;
}

export interface AttributeTimings {
  /** Loading the model (the first inspect). */
  loadMs: number;
  /** Waiting for forward passes (discovery pairs and generic prompts). */
  forwardMs: number;
  /** Everything else: splitting batches, statistics, ranking, contributions. */
  otherMs: number;
  totalMs: number;
}

export type AttributeResult = Circuit & {
  timings: AttributeTimings;
  /**
   * Signed delta (mean over + minus mean over -) of EVERY neuron, one array of intermediateSize per layer
   * (all layers, excluded ones too), for the separation chart. Never in --json or circuit.json unless
   * asked: see attributeJson().
   */
  layerDeltas: Float32Array[];
};

/** The field of AttributeResult that is too large for JSON by default. */
export const LAYER_DELTAS_FIELD = 'layerDeltas';

/**
 * JSON of an attribute result (or of an object holding one, e.g. a sweep or reproduce result) in the
 * docs/cli.md shape: `layerDeltas` is left out (hundreds of thousands of numbers on a real model), or written
 * as plain number arrays when `layerDeltas` is true (`cna attribute --json --deltas`).
 */
export function attributeJson(value: unknown, opts: { layerDeltas?: boolean; indent?: number } = {}): string {
  return JSON.stringify(
    value,
    (key, v: unknown) => {
      if (key !== LAYER_DELTAS_FIELD || !Array.isArray(v)) return v;
      return opts.layerDeltas ? v.map((l: ArrayLike<number>) => Array.from(l)) : undefined;
    },
    opts.indent,
  );
}

/** Splits a flat, layer-major array into one Float32Array per layer (copies: each owns its buffer). */
export function splitLayers(flat: Float64Array | Float32Array, layers: number, width: number): Float32Array[] {
  return Array.from({ length: layers }, (_, l) => Float32Array.from(flat.subarray(l * width, (l + 1) * width)));
}

/**
 * The header a run formats its prompts with: in reference mode the date the template prints is fixed when the
 * run starts (today, as the reference does, unless `--template-date` gave one), so every prompt of the run
 * gets the same date and the circuit can record it.
 */
export function runHeader(header: Header): Header {
  return header.template === 'reference' && header.templateDate === undefined ? { ...header, templateDate: formatTemplateDate(today()) } : header;
}

/** A prompt formatted the way a circuit's pairs were: its template (and reference date) and system message. */
export function circuitPromptSpec(text: string, settings: CircuitSettings): PromptSpec {
  const header: Header = {};
  const t = settings.template;
  if (t === 'chat' || t === 'raw' || t === 'reference') header.template = t;
  if (typeof settings.templateDate === 'string') header.templateDate = settings.templateDate;
  if (typeof settings.system === 'string') header.system = settings.system;
  return promptSpec(text, header);
}

/** How a .cnapairs prompt is sent to the engine: chat template unless `@template raw`, with `@system`. */
export function promptSpec(text: string, header: Header): PromptSpec {
  const spec: PromptSpec = { text };
  if (header.template === 'raw') spec.raw = true;
  if (header.template === 'reference') spec.reference = true;
  if (header.templateDate !== undefined) spec.date = header.templateDate;
  if (header.system !== undefined) spec.system = header.system;
  return spec;
}

export function modelIdentity(info: InspectResult): ModelIdentity {
  return {
    path: info.path,
    fingerprint: info.fingerprint,
    weightsFingerprint: info.weightsFingerprint,
    layers: info.layers,
    intermediateSize: info.intermediateSize,
    totalNeurons: info.totalNeurons,
  };
}

/** Splits a capture batch into one `layers` array (views, no copy) per row. */
export function rowsOf(batch: CaptureBatch, width: number, field: 'mlpInputs' | 'mlpOutputs' = 'mlpInputs'): Float32Array[][] {
  const layers = batch[field];
  if (!layers) throw new Error(`The engine sent no ${field}.`);
  return batch.indices.map((_, r) => layers.map((l) => l.subarray(r * width, (r + 1) * width)));
}

/**
 * Every prompt must fit the model's context: checked before any forward pass (tokenizing is cheap), naming
 * where the first that does not comes from (`file:line`).
 */
export async function checkPromptLengths(ctx: JobContext, info: InspectResult, prompts: readonly { spec: PromptSpec; where: string }[]): Promise<void> {
  const context = info.maxPositions;
  if (context === null || !ctx.engine.tokenize || prompts.length === 0) return;
  const { counts } = await ctx.engine.tokenize(
    ctx.model,
    prompts.map((p) => p.spec),
    { signal: ctx.signal },
  );
  const i = counts.findIndex((c) => c > context);
  if (i < 0) return;
  throw new UserError(`${prompts[i].where}: this prompt is ${counts[i]} tokens long, more than the model's context of ${context}: shorten it.`, 1);
}

export async function runAttribute(ctx: JobContext, opts: AttributeOptions): Promise<AttributeResult> {
  const start = performance.now();
  const { engine, model, signal } = ctx;
  const { pairs } = opts;
  const header = runHeader(pairs.header);
  const reference = header.template === 'reference';
  const genericPrompts = reference ? REFERENCE_GENERIC_PROMPTS : GENERIC_PROMPTS;
  const discovery = pairs.discovery;
  if (discovery.length === 0) {
    throw new UserError(`${pairs.file} has no discovery pairs${pairs.evaluation.length > 0 ? ' (every pair is after @split eval)' : ''}: add + / - pairs before any @split eval.`, 1);
  }

  const info = await engine.inspect(model, { signal });
  await checkPromptLengths(
    ctx,
    info,
    discovery
      .flatMap((p) => [p.positive, p.negative])
      .map((side) => ({
        spec: promptSpec(side.text, pairs.header),
        where: `${pairs.file}:${side.range.start.line + 1}`,
      })),
  );
  const loadMs = performance.now() - start;
  const identity = modelIdentity(info);
  const width = info.intermediateSize;
  let forwardMs = 0;

  const chunk = Math.max(1, Math.floor(opts.chunkPairs ?? defaultChunkPairs(identity.totalNeurons)));
  const totalPrompts = 2 * discovery.length + genericPrompts.length;
  let donePrompts = 0;
  const report = (stage: string) => ctx.onProgress?.({ stage, done: donePrompts, total: totalPrompts });

  /** Runs one capture request and returns its rows in prompt order; the wait counts as forward time. */
  const capture = async (prompts: PromptSpec[], stage: string): Promise<Float32Array[][]> => {
    const rows: Float32Array[][] = new Array(prompts.length);
    const before = donePrompts;
    let callbackMs = 0;
    const t = performance.now();
    await engine.forEachActivation(
      { model, prompts, batchSize: opts.batchSize },
      (b) => {
        const c = performance.now();
        rowsOf(b, width).forEach((layers, r) => {
          rows[b.indices[r]] = layers;
        });
        donePrompts += b.indices.length;
        report(stage);
        callbackMs += performance.now() - c;
      },
      { signal },
    );
    forwardMs += performance.now() - t - callbackMs;
    donePrompts = before + prompts.length;
    return rows;
  };

  async function* pairActivations(): AsyncGenerator<PromptActivations> {
    for (let first = 0; first < discovery.length; first += chunk) {
      const group = discovery.slice(first, first + chunk);
      const prompts = group.flatMap((p) => [promptSpec(p.positive.text, header), promptSpec(p.negative.text, header)]);
      const rows = await capture(prompts, 'discovery prompts');
      for (let k = 0; k < rows.length; k++) {
        const side: Side = k % 2 === 0 ? 'positive' : 'negative';
        yield { pairIndex: first + (k >> 1), side, layers: rows[k] };
      }
    }
  }

  async function* genericActivations(): AsyncGenerator<Float32Array[]> {
    // Generic prompts are raw text (the reference's universal-neuron probe), whatever the template.
    yield* await capture(
      genericPrompts.map((text) => ({ text, raw: true })),
      'generic prompts',
    );
  }

  const storeBytes = discovery.length * identity.totalNeurons * 4;
  const useDisk = opts.pairStore === 'disk' || ((opts.pairStore ?? 'auto') === 'auto' && storeBytes > DISK_STORE_THRESHOLD_BYTES);
  const store: (PairStore & { dispose?: () => Promise<void> }) | undefined = useDisk ? await DiskPairStore.create(identity.totalNeurons, opts.tmpDir) : undefined;
  let delta: Float64Array | undefined;
  try {
    const { top, excludeLayers, universalFilter } = resolveRunSettings(header, {
      flags: { top: opts.top, excludeLayers: opts.excludeLayers, universalFilter: opts.universalFilter },
    });
    const circuit = await discover({
      feature: pairs.feature,
      model: identity,
      pairLines: discovery.map((p) => p.line + 1),
      prompts: pairActivations(),
      top,
      excludeLayers,
      universalFilter,
      // The generic prompts run either way: with the filter off, discover() reports how many circuit
      // neurons are universal, which costs ten short forward passes.
      genericActivations: genericActivations(),
      genericPrompts,
      pairStore: store,
      onDelta: (d) => {
        delta = d;
      },
    });
    if (!delta) throw new Error('discover() reported no per-neuron delta.');
    const totalMs = performance.now() - start;
    // How prompts were formatted, so a sweep of this circuit can check it formats them the same way.
    circuit.settings.template = header.template ?? 'chat';
    if (header.templateDate !== undefined) circuit.settings.templateDate = header.templateDate;
    if (header.system !== undefined) circuit.settings.system = header.system;
    return {
      ...circuit,
      timings: { loadMs, forwardMs, otherMs: Math.max(0, totalMs - loadMs - forwardMs), totalMs },
      layerDeltas: splitLayers(delta, identity.layers, width),
    };
  } finally {
    await store?.dispose?.();
  }
}
