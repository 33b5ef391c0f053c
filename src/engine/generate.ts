/**
 * Batched greedy generation with a key/value cache. Each row has its own prompt and its own steering (so a
 * multiplier sweep runs as rows of one batch), its own stop on EOS, and the repetition penalty of
 * generation_config.json. Finished rows keep riding along (their tokens are ignored) until every row stops.
 */
import * as ort from 'onnxruntime-node';
import type { Completion, GenerateRow, StopReason, Steering } from '../protocol';
import type { CancelToken } from './cancel';
import { batchRule, encodePrompts, planBatches } from './capture';
import { int64, lastLogits, leftPad, multiplierFeeds, prefillFeeds, type Feeds } from './forward';
import type { EngineModel } from './session';

export interface GenerationOptions {
  maxNewTokens: number;
  /** Defaults to the model's generation_config.json value. */
  repetitionPenalty?: number;
  cancel?: CancelToken;
  /** Called after every forward pass (step 0 is the prompt), e.g. for per-token timings. */
  onStep?: (step: number) => void;
}

export interface RowOutput {
  tokens: number[];
  stop: StopReason;
}

/**
 * Greedy choice with HF's repetition penalty: every token already in the row (prompt or generated) has its
 * logit divided by the penalty when positive and multiplied when negative. Ties go to the lowest id.
 */
export function pickToken(logits: Float32Array, offset: number, vocab: number, seen: Set<number> | undefined, penalty: number): number {
  let best = -1;
  let bestScore = -Infinity;
  for (let v = 0; v < vocab; v++) {
    let s = logits[offset + v];
    if (seen && seen.has(v)) s = s < 0 ? s * penalty : s / penalty;
    if (s > bestScore || best < 0) {
      best = v;
      bestScore = s;
    }
  }
  return best;
}

/** Generates for one batch of already-tokenized rows. */
export async function generateBatch(model: EngineModel, rows: { ids: number[]; steering?: Steering }[], opts: GenerationOptions): Promise<RowOutput[]> {
  const penalty = opts.repetitionPenalty ?? model.folder.generation.repetitionPenalty ?? 1;
  const eos = new Set(model.eos);
  const n = rows.length;
  const batch = leftPad(
    rows.map((r) => r.ids),
    model.padId,
  );
  const steering = rows.map((r) => r.steering);
  const seen = penalty !== 1 ? rows.map((r) => new Set(r.ids)) : undefined;
  const outputs: RowOutput[] = rows.map(() => ({ tokens: [], stop: 'length' }));
  const active = rows.map(() => true);
  const limit = model.maxPositions ?? Infinity;

  const fetches = ['logits', ...(model.kv?.pairs.map((p) => p.present) ?? [])];
  const multipliers = multiplierFeeds(model, steering);
  opts.cancel?.throwIfCancelled();
  const session = await model.generationSession();
  let out = await session.run(prefillFeeds(model, batch, steering), fetches);
  opts.onStep?.(0);
  let mask = batch.attentionMask;
  let width = batch.length;
  const positions = batch.lengths.slice();
  // Without a cache the whole (growing) sequence is recomputed every step.
  const sequences = model.kv ? undefined : rows.map((r) => r.ids.slice());

  for (let step = 1; ; step++) {
    const { data, vocab } = lastLogits(out.logits);
    const next = new Array<number>(n).fill(model.padId);
    for (let b = 0; b < n; b++) {
      if (!active[b]) continue;
      const token = pickToken(data, b * vocab, vocab, seen?.[b], penalty);
      if (eos.has(token)) {
        active[b] = false;
        outputs[b].stop = 'eos';
        continue;
      }
      outputs[b].tokens.push(token);
      seen?.[b].add(token);
      sequences?.[b].push(token);
      next[b] = token;
      if (outputs[b].tokens.length >= opts.maxNewTokens) {
        active[b] = false;
      } else if (positions[b] >= limit) {
        // The new token would sit at position `positions[b]`, past the context.
        active[b] = false;
        outputs[b].stop = 'context';
      }
    }
    if (!active.some((a) => a)) break;
    opts.cancel?.throwIfCancelled();

    if (!model.kv || sequences) {
      // Finished rows keep their last sequence; only active rows matter.
      for (let b = 0; b < n; b++) positions[b] += 1;
      out = await session.run(prefillFeeds(model, leftPad(sequences ?? [], model.padId), steering), ['logits']);
      opts.onStep?.(step);
      continue;
    }
    // One new token per row on top of the cache.
    const grown = new BigInt64Array(n * (width + 1));
    for (let b = 0; b < n; b++) {
      grown.set(mask.subarray(b * width, (b + 1) * width), b * (width + 1));
      grown[b * (width + 1) + width] = 1n;
    }
    mask = grown;
    width += 1;
    const feeds: Feeds = {
      input_ids: int64(
        BigInt64Array.from(next, (t) => BigInt(t)),
        [n, 1],
      ),
      attention_mask: int64(mask, [n, width]),
      cna_capture_index: int64(new BigInt64Array(n), [n]),
      ...multipliers,
    };
    if (model.hasPositionIds)
      feeds.position_ids = int64(
        BigInt64Array.from(positions, (p) => BigInt(p)),
        [n, 1],
      );
    if (model.hasUseCacheBranch) feeds.use_cache_branch = new ort.Tensor('bool', new Uint8Array([1]), [1]);
    for (const p of model.kv.pairs) feeds[p.past] = out[p.present];
    for (let b = 0; b < n; b++) positions[b] += 1;
    out = await session.run(feeds, fetches);
    opts.onStep?.(step);
  }
  return outputs;
}

export interface GenerateAllOptions extends GenerationOptions {
  batchSize?: number;
  onCompletions?: (completions: Completion[]) => void;
  onProgress?: (done: number, total: number) => void;
}

/** Generates for every row, in batches of similar prompt length; completions come back in row order. */
export async function generateAll(model: EngineModel, rows: GenerateRow[], opts: GenerateAllOptions): Promise<Completion[]> {
  const ids = encodePrompts(
    model,
    rows.map((r) => r.prompt),
  );
  const rule = batchRule(model, opts.batchSize ?? 8);
  const plan = planBatches(
    ids.map((r) => r.length),
    rule.batchSize,
    Number.POSITIVE_INFINITY,
    rule.equalLengths,
  );
  const completions: Completion[] = new Array(rows.length);
  let done = 0;
  for (const indices of plan) {
    const outs = await generateBatch(
      model,
      indices.map((i) => ({ ids: ids[i], steering: rows[i].steering })),
      opts,
    );
    const batch = outs.map((o, k): Completion => ({
      row: indices[k],
      tokens: o.tokens,
      text: model.tokenizer.decode(o.tokens),
      stop: o.stop,
    }));
    for (const c of batch) completions[c.row] = c;
    done += batch.length;
    opts.onCompletions?.(batch);
    opts.onProgress?.(done, rows.length);
  }
  return completions;
}
