/**
 * Last-token captures over many prompts, streamed batch by batch so memory stays flat however many prompts
 * there are: each batch's activations go to `onBatch` and are dropped before the next batch runs.
 */
import { UserError } from '../errors';
import type { CaptureBatch, PromptSpec, Steering } from '../protocol';
import type { CancelToken } from './cancel';
import { lastLogits, leftPad, owned, prefillFeeds, toFloat32 } from './forward';
import type { EngineModel } from './session';

export interface CaptureOptions {
  steering?: Steering;
  /** Per prompt, steering replacing `steering` for that row (null: unsteered). */
  rowSteering?: (Steering | null)[];
  /** Rows per forward pass (default 8). */
  batchSize?: number;
  /** Padded tokens per forward pass, bounding memory for long prompts (default 4096). */
  tokenBudget?: number;
  mlpOutputs?: boolean;
  logits?: boolean;
  cancel?: CancelToken;
  onProgress?: (done: number, total: number) => void;
}

/** Token ids of every prompt, checked against the context length. */
export function encodePrompts(model: EngineModel, prompts: PromptSpec[]): number[][] {
  return prompts.map((p, i) => {
    const ids = model.tokenizer.encodePrompt(p);
    if (ids.length === 0) throw new UserError(`Prompt ${i + 1} is empty after formatting.`);
    checkContext(model, ids.length, prompts.length > 1 ? i : undefined);
    const bad = model.vocabSize > 0 ? ids.find((t) => t >= model.vocabSize) : undefined;
    if (bad !== undefined) {
      throw new UserError(`The tokenizer produced id ${bad}, but the model's vocabulary has ${model.vocabSize} tokens: tokenizer.json does not belong to this model.`);
    }
    return ids;
  });
}

/**
 * How rows may share a forward pass without changing any row's result:
 * - GroupQueryAttention (onnxruntime-genai exports) derives each row's length from the mask sum and assumes
 *   the real tokens come first, so left-padded rows would be wrong: batch equal lengths only.
 * - int8 graphs quantize activations per tensor (DynamicQuantizeLinear), so every row changes the others'
 *   scale: one row per pass.
 */
export function batchRule(model: EngineModel, batchSize: number): { batchSize: number; equalLengths: boolean } {
  return {
    batchSize: model.info.quantization === 'int8' ? 1 : batchSize,
    equalLengths: model.info.layout === 'genai',
  };
}

export function checkContext(model: EngineModel, tokens: number, index?: number): void {
  if (model.maxPositions !== undefined && tokens > model.maxPositions) {
    const which = index === undefined ? 'The prompt' : `Prompt ${index + 1}`;
    throw new UserError(`${which} is ${tokens} tokens long, more than the model's context of ${model.maxPositions} (${model.folder.config.contextSource ?? 'max_position_embeddings'}). Shorten it.`);
  }
}

/**
 * Groups prompt indices into batches of similar length (sorted longest first, so padding is small), at most
 * `batchSize` rows and `tokenBudget` padded tokens each (a single longer prompt still gets its own batch).
 * `equalLengths` keeps padding out entirely, for graphs that cannot take left padding.
 */
export function planBatches(lengths: number[], batchSize: number, tokenBudget: number, equalLengths = false): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  for (const i of order) {
    const width = current.length > 0 ? lengths[current[0]] : lengths[i];
    const full = current.length >= batchSize || (current.length + 1) * width > tokenBudget;
    if (current.length > 0 && (full || (equalLengths && lengths[i] !== width))) {
      batches.push(current);
      current = [];
    }
    current.push(i);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * The batches `ids` run in on this model (its batch rule, at most `batchSize` rows and `tokenBudget` tokens).
 * Default 16 rows: captures have no head, and the larger MatMuls cut discovery's forward passes by about 10%
 * against 8 rows on the Qwen2.5-0.5B shape (cna attribute, 40 discovery pairs: 18.9 s -> 17.1 s).
 */
export function planFor(model: EngineModel, ids: number[][], opts: { batchSize?: number; tokenBudget?: number }): number[][] {
  const rule = batchRule(model, opts.batchSize ?? 16);
  return planBatches(
    ids.map((r) => r.length),
    rule.batchSize,
    opts.tokenBudget ?? 4096,
    rule.equalLengths,
  );
}

export async function captureBatches(model: EngineModel, prompts: PromptSpec[], onBatch: (batch: CaptureBatch) => void | Promise<void>, opts: CaptureOptions = {}): Promise<void> {
  const ids = encodePrompts(model, prompts);
  await captureTokenBatches(model, ids, onBatch, opts);
}

export async function captureTokenBatches(model: EngineModel, ids: number[][], onBatch: (batch: CaptureBatch) => void | Promise<void>, opts: CaptureOptions = {}): Promise<void> {
  const { layers } = model.info;
  const plan = planFor(model, ids, opts);
  const fetches: string[] = [];
  for (let l = 0; l < layers; l++) fetches.push(`cna_capture_${l}`);
  if (opts.mlpOutputs) {
    if (!model.additive) throw new Error('mlpOutputs needs a model loaded with additive instrumentation');
    for (let l = 0; l < layers; l++) fetches.push(`cna_mlp_output_${l}`);
  }
  if (opts.logits) fetches.push('logits');
  // Logits need the head: the generation graph (last position only); captures alone need much less.
  const session = opts.logits ? await model.generationSession() : await model.captureSession();
  let done = 0;
  for (const indices of plan) {
    opts.cancel?.throwIfCancelled();
    const batch = leftPad(
      indices.map((i) => ids[i]),
      model.padId,
    );
    const feeds = prefillFeeds(
      model,
      batch,
      indices.map((i) => (opts.rowSteering ? (opts.rowSteering[i] ?? undefined) : opts.steering)),
    );
    const out = await session.run(feeds, fetches);
    // A cancel that arrived during the pass: drop its result too.
    opts.cancel?.throwIfCancelled();
    const result: CaptureBatch = {
      indices,
      tokenCounts: batch.lengths,
      mlpInputs: Array.from({ length: layers }, (_, l) => owned(toFloat32(out[`cna_capture_${l}`]))),
    };
    if (opts.mlpOutputs) {
      result.mlpOutputs = Array.from({ length: layers }, (_, l) => owned(toFloat32(out[`cna_mlp_output_${l}`])));
    }
    if (opts.logits) result.logits = owned(lastLogits(out.logits).data);
    done += indices.length;
    await onBatch(result);
    opts.onProgress?.(done, ids.length);
  }
}
