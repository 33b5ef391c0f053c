/**
 * Feeds for one batched forward pass of the instrumented graph. Rows are LEFT-padded so every row's last real
 * token sits at the last position (the capture position and the position whose logits predict the next
 * token); padding is masked out in `attention_mask` and `position_ids` count real tokens only, as in
 * Hugging Face's batched generation.
 */
import * as ort from 'onnxruntime-node';
import type { Steering } from '../protocol';
import type { EngineModel } from './session';

export type Feeds = Record<string, ort.Tensor>;

export interface PaddedBatch {
  rows: number;
  /** Padded length. */
  length: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  positionIds: BigInt64Array;
  /** Real tokens per row. */
  lengths: number[];
}

export function leftPad(ids: number[][], padId: number): PaddedBatch {
  const rows = ids.length;
  const length = Math.max(...ids.map((r) => r.length));
  const inputIds = new BigInt64Array(rows * length).fill(BigInt(padId));
  const attentionMask = new BigInt64Array(rows * length);
  // Pads get position 1 like HF's `position_ids.masked_fill_(attention_mask == 0, 1)`; they are masked anyway.
  const positionIds = new BigInt64Array(rows * length).fill(1n);
  ids.forEach((row, b) => {
    const offset = length - row.length;
    for (let t = 0; t < row.length; t++) {
      inputIds[b * length + offset + t] = BigInt(row[t]);
      attentionMask[b * length + offset + t] = 1n;
      positionIds[b * length + offset + t] = BigInt(t);
    }
  });
  return { rows, length, inputIds, attentionMask, positionIds, lengths: ids.map((r) => r.length) };
}

export function int64(data: BigInt64Array, dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', data, dims);
}

/** `cna_multiplier_L` [rows, 1, I] for every layer: ones, with each row's circuit neurons set to its multiplier. */
export function multiplierFeeds(model: EngineModel, steering: (Steering | undefined)[]): Feeds {
  const { layers, intermediateSize: size } = model.info;
  const rows = steering.length;
  const feeds: Feeds = {};
  const perLayer: Float32Array[] = [];
  for (let l = 0; l < layers; l++) perLayer.push(new Float32Array(rows * size).fill(1));
  steering.forEach((s, b) => {
    if (!s) return;
    for (const n of s.neurons) {
      if (n.layer < 0 || n.layer >= layers || n.index < 0 || n.index >= size) continue;
      perLayer[n.layer][b * size + n.index] = s.multiplier;
    }
  });
  for (let l = 0; l < layers; l++) feeds[`cna_multiplier_${l}`] = new ort.Tensor('float32', perLayer[l], [rows, 1, size]);
  if (model.additive) Object.assign(feeds, additiveFeeds(model, steering));
  return feeds;
}

/** `cna_additive_L` [rows, 1, H]: zeros, plus each row's CAA vectors. */
function additiveFeeds(model: EngineModel, steering: (Steering | undefined)[]): Feeds {
  const { layers, hiddenSize: size } = model.info;
  const rows = steering.length;
  const feeds: Feeds = {};
  for (let l = 0; l < layers; l++) {
    const data = new Float32Array(rows * size);
    steering.forEach((s, b) => {
      for (const a of s?.additive ?? []) if (a.layer === l) data.set(a.vector.subarray(0, size), b * size);
    });
    feeds[`cna_additive_${l}`] = new ort.Tensor('float32', data, [rows, 1, size]);
  }
  return feeds;
}

/** Past key/values of length 0 (first pass), in the graph's dtype. */
export function emptyPast(model: EngineModel, rows: number): Feeds {
  const feeds: Feeds = {};
  if (!model.kv) return feeds;
  const { heads, headDim, dtype } = model.kv;
  for (const p of model.kv.pairs) {
    const data = dtype === 'float16' ? new Uint16Array(0) : new Float32Array(0);
    feeds[p.past] = new ort.Tensor(dtype, data, [rows, heads, 0, headDim]);
  }
  return feeds;
}

/** Feeds for a pass over a whole padded batch with no cache, capturing at each row's last token. */
export function prefillFeeds(model: EngineModel, batch: PaddedBatch, steering: (Steering | undefined)[]): Feeds {
  const { rows, length } = batch;
  const feeds: Feeds = {
    input_ids: int64(batch.inputIds, [rows, length]),
    attention_mask: int64(batch.attentionMask, [rows, length]),
    cna_capture_index: int64(new BigInt64Array(rows).fill(BigInt(length - 1)), [rows]),
    ...multiplierFeeds(model, steering),
    ...emptyPast(model, rows),
  };
  if (model.hasPositionIds) feeds.position_ids = int64(batch.positionIds, [rows, length]);
  if (model.hasUseCacheBranch) feeds.use_cache_branch = new ort.Tensor('bool', new Uint8Array([0]), [1]);
  return feeds;
}

/** Float32 view of a float32 or float16 tensor (fp16 logits of fp16 models). */
export function toFloat32(t: ort.Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') {
    const src = t.data as Uint16Array;
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = halfToFloat(src[i]);
    return out;
  }
  throw new Error(`expected a float tensor, got ${t.type}`);
}

/** One IEEE half-precision value (its 16 bits) as a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Logits of the last position of every row: [rows, vocab], whether the graph returns all positions or one. */
export function lastLogits(t: ort.Tensor): { data: Float32Array; vocab: number } {
  const all = toFloat32(t);
  const [rows, seq, vocab] = t.dims.length === 3 ? t.dims : [t.dims[0], 1, t.dims[1]];
  if (seq === 1) return { data: all, vocab };
  const out = new Float32Array(rows * vocab);
  for (let b = 0; b < rows; b++) out.set(all.subarray((b * seq + seq - 1) * vocab, (b * seq + seq) * vocab), b * vocab);
  return { data: out, vocab };
}

/** A copy whose buffer holds exactly this array, so it can be transferred to another thread. */
export function owned(a: Float32Array): Float32Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}
