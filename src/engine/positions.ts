/**
 * Chosen neurons at every position of each prompt (circuit activity), from the `positions` graph
 * (surgery.ts: each layer gathers its `cna_select_L` neurons over all positions, nothing after the last
 * layer runs). Batches are streamed like last-token captures, so memory stays flat; only the chosen
 * neurons ever leave ONNX Runtime.
 */
import * as ort from 'onnxruntime-node';
import type { NeuronRef, PositionBatch } from '../protocol';
import type { CancelToken } from './cancel';
import { planFor } from './capture';
import { leftPad, prefillFeeds } from './forward';
import type { EngineModel } from './session';
import type { TextTokenizer } from './tokenizer';

export interface PositionOptions {
  batchSize?: number;
  /** Padded tokens per forward pass (default 4096). */
  tokenBudget?: number;
  cancel?: CancelToken;
  onProgress?: (done: number, total: number) => void;
}

export async function capturePositions(
  model: EngineModel,
  ids: number[][],
  neurons: readonly NeuronRef[],
  onBatch: (b: Omit<PositionBatch, 'spans'>) => void | Promise<void>,
  opts: PositionOptions = {},
): Promise<void> {
  const { layers, intermediateSize } = model.info;
  // Per layer, the neurons asked for and where each goes in a row's output.
  const select: number[][] = Array.from({ length: layers }, () => []);
  const slot: number[][] = Array.from({ length: layers }, () => []);
  neurons.forEach((n, j) => {
    if (n.layer < 0 || n.layer >= layers || n.index < 0 || n.index >= intermediateSize) throw new Error(`neuron ${n.layer}:${n.index} is outside the model`);
    select[n.layer].push(n.index);
    slot[n.layer].push(j);
  });
  const used = select.map((s, l) => (s.length > 0 ? l : -1)).filter((l) => l >= 0);
  const selectFeeds: Record<string, ort.Tensor> = {};
  for (let l = 0; l < layers; l++) selectFeeds[`cna_select_${l}`] = new ort.Tensor('int64', BigInt64Array.from(select[l].map(BigInt)), [select[l].length]);
  const plan = planFor(model, ids, opts);
  const session = await model.positionsSession();
  const N = neurons.length;
  let done = 0;
  for (const indices of plan) {
    opts.cancel?.throwIfCancelled();
    const batch = leftPad(
      indices.map((i) => ids[i]),
      model.padId,
    );
    const feeds = {
      ...prefillFeeds(
        model,
        batch,
        indices.map(() => undefined),
      ),
      ...selectFeeds,
    };
    const out =
      used.length > 0
        ? await session.run(
            feeds,
            used.map((l) => `cna_positions_${l}`),
          )
        : {};
    opts.cancel?.throwIfCancelled();
    const T = batch.length;
    const values = indices.map((_, r) => {
      const len = batch.lengths[r];
      const row = new Float32Array(len * N);
      for (const l of used) {
        const data = toFloat32(out[`cna_positions_${l}`]);
        const n = select[l].length;
        for (let t = 0; t < len; t++) {
          const at = (r * T + T - len + t) * n;
          for (let j = 0; j < n; j++) row[t * N + slot[l][j]] = data[at + j];
        }
      }
      return row;
    });
    await onBatch({ indices, tokens: indices.map((i) => ids[i]), values });
    done += indices.length;
    opts.onProgress?.(done, ids.length);
  }
}

function toFloat32(t: ort.Tensor | undefined): Float32Array {
  if (!t || t.type !== 'float32') throw new Error('the positions graph returned no float32 output');
  return t.data as Float32Array;
}

/**
 * Where each token of a formatted prompt falls in the prompt's own text: decode growing prefixes (so
 * multi-byte characters split across tokens land on the token that completes them), then shift by where
 * the text sits in the whole decoded prompt. Tokens outside it (template, BOS) get null.
 */
/** Each id's decoded text, per tokenizer: prompts repeat the template's and common words' ids. */
const PIECES = new WeakMap<TextTokenizer, Map<number, string>>();

function pieceOf(tokenizer: TextTokenizer, id: number): string {
  let cache = PIECES.get(tokenizer);
  if (!cache) PIECES.set(tokenizer, (cache = new Map()));
  let piece = cache.get(id);
  if (piece === undefined) cache.set(id, (piece = tokenizer.decode([id], false)));
  return piece;
}

export function tokenSpans(tokenizer: TextTokenizer, text: string, ids: readonly number[]): ([number, number] | null)[] {
  const full = tokenizer.decode([...ids], false);
  const at = full.indexOf(text);
  if (at < 0) return ids.map(() => null);
  // Token by token when the pieces spell the whole (the common case: linear); else growing prefixes.
  const pieces = ids.map((id) => pieceOf(tokenizer, id));
  const exact = pieces.join('') === full;
  const spans: ([number, number] | null)[] = [];
  let prev = 0;
  for (let t = 0; t < ids.length; t++) {
    const end = exact ? prev + pieces[t].length : t === ids.length - 1 ? full.length : tokenizer.decode(ids.slice(0, t + 1), false).length;
    const s = Math.max(prev, at) - at;
    const e = Math.min(end, at + text.length) - at;
    spans.push(e > s ? [s, e] : null);
    prev = Math.max(prev, end);
  }
  return spans;
}
