/**
 * The one typed protocol between the engine worker (src/engine/worker.ts) and its clients (the CLI and the
 * extension host). Requests and events are discriminated unions on `type`; every request carries an `id`
 * that its events echo. Large arrays travel as Float32Array (transferred, not copied).
 */

/** A prompt as the user wrote it; the engine formats it (chat template or raw) and tokenizes it. */
export interface PromptSpec {
  text: string;
  /** Skip the chat template (base models, `@template raw`). */
  raw?: boolean;
  /** Optional system message (`@system`). */
  system?: string;
  /**
   * Format as the reference implementation (neuron_steer) does: the chat template only when the model's name
   * contains "instruct" or "chat", rendered to text and then tokenised again WITH special tokens (two BOS on
   * Llama 3), `raw` ignored.
   */
  reference?: boolean;
  /** The date a template prints (`strftime_now`), YYYY-MM-DD. Default 2024-07-26; in reference mode, today. */
  date?: string;
}

import type { NeuronRef } from './cna/neurons';

export type { NeuronRef };

/** New tokens per answer when a generate request says none (the reference's 150). */
export const GENERATE_DEFAULT_MAX_NEW_TOKENS = 150;

/** How one row is steered. Omitted = the unchanged model. */
export interface Steering {
  /** Circuit neurons (down_proj input channels) scaled by `multiplier` at every position. */
  neurons: NeuronRef[];
  multiplier: number;
  /** CAA baseline: vectors (already scaled by alpha) added to a layer's down_proj output at every position. */
  additive?: { layer: number; vector: Float32Array }[];
}

/** Which model to run, and how. */
export interface ModelRef {
  /** Model folder, HF cache folder, or a .onnx file. */
  path: string;
  /** ONNX variant (`fp16`, `q4`, `model_quantized`, a file name); default: best for a CPU. */
  variant?: string;
}

export interface InspectResult {
  path: string;
  /** The model's name (folder or repository name); reference formatting applies the chat template by it. */
  name: string;
  onnxFile: string;
  variant: string;
  available: string[];
  layout: string;
  architecture: string | null;
  layers: number;
  hiddenSize: number;
  intermediateSize: number;
  totalNeurons: number;
  dtype: string;
  quantization: string;
  mlpSites: { layer: number; tensor: string }[];
  chatTemplate: boolean;
  eos: number[];
  maxPositions: number | null;
  fingerprint: string;
  /** Where each fact came from (a file name), e.g. `{eos: 'genai_config.json'}`. */
  sources: { decoder: string; shapes: string; eos: string; context: string | null };
  /** A sample of the weight values: differs between a base model and its fine-tune. */
  weightsFingerprint: string;
}

export interface ActivationsResult {
  /** Token ids of the formatted prompt. */
  tokens: number[];
  /** The text the model saw (rendered chat template or the raw prompt). */
  formatted: string;
  /** Per layer: the down_proj input at the last token (intermediateSize floats). */
  layers: Float32Array[];
}

export interface GenerateRow {
  prompt: PromptSpec;
  steering?: Steering;
}

export type StopReason = 'eos' | 'length' | 'context';

export interface Completion {
  /** Index into the request's rows. */
  row: number;
  /** Generated token ids (without the EOS token). */
  tokens: number[];
  text: string;
  stop: StopReason;
}

export interface GenerateResult {
  completions: Completion[];
}

/** One streamed batch of captures at the last token of each prompt. */
export interface CaptureBatch {
  /** Indices into the request's prompts, one per row of this batch. */
  indices: number[];
  /** Token count of each row's formatted prompt. */
  tokenCounts: number[];
  /** Per layer: rows x intermediateSize floats, row-major (down_proj input). */
  mlpInputs: Float32Array[];
  /** Per layer: rows x hiddenSize floats (down_proj output), when asked for. */
  mlpOutputs?: Float32Array[];
  /** rows x vocab logits at the last token, when asked for. */
  logits?: Float32Array;
}

/** A token a neuron's output writes towards (promoted) or away from (suppressed), with its logit effect. */
export interface NeuronToken {
  id: number;
  /** The token as text (special tokens kept). */
  token: string;
  /** W_U · (g ⊙ W_down[:, i]) for this token: the logit change per unit of the neuron's activation. */
  score: number;
}

export interface NeuronTokens extends NeuronRef {
  /** Highest scores first. */
  promoted: NeuronToken[];
  /** Lowest scores first. */
  suppressed: NeuronToken[];
}

export interface NeuronTokensResult {
  neurons: NeuronTokens[];
  vocabSize: number;
}

/** One streamed batch of per-position captures of chosen neurons. */
export interface PositionBatch {
  /** Indices into the request's prompts, one per row. */
  indices: number[];
  /** Per row: the token ids of the formatted prompt. */
  tokens: number[][];
  /**
   * Per row and token: its [start, end) characters in the prompt's own text, or null for tokens outside it
   * (chat template, BOS).
   */
  spans: ([number, number] | null)[][];
  /** Per row: tokens x neurons values, row-major, neurons in the request's order (down_proj input). */
  values: Float32Array[];
}

export interface CaptureSummary {
  prompts: number;
  layers: number;
  intermediateSize: number;
  hiddenSize: number;
  vocabSize: number;
}

/** Token counts of prompts, formatted exactly as capture formats them (chat template unless raw). */
export interface TokenizeResult {
  /** One per prompt of the request, in order. */
  counts: number[];
  /** The model's context length (max_position_embeddings), or null when config.json does not say. */
  contextLength: number | null;
}

export interface EngineResults {
  inspect: InspectResult;
  tokenize: TokenizeResult;
  tokenIds: { ids: number[][] };
  neuronTokens: NeuronTokensResult;
  positions: { prompts: number };
  activations: ActivationsResult;
  generate: GenerateResult;
  captureBatch: CaptureSummary;
}

export interface RequestBodies {
  inspect: { model: ModelRef };
  /** Reads only the model's tokenizer (no ONNX session), and runs ahead of queued forward passes. */
  tokenize: { model: ModelRef; prompts: PromptSpec[] };
  /** Ids of plain texts, encoded without special tokens (tokenizer only; runs ahead like tokenize). */
  tokenIds: { model: ModelRef; texts: string[] };
  /** Promoted and suppressed tokens of neurons, read from the model's weights (no forward pass). */
  neuronTokens: { model: ModelRef; neurons: NeuronRef[]; top: number };
  /** Chosen neurons at every position of each prompt: one `positions` event per batch. */
  positions: { model: ModelRef; prompts: PromptSpec[]; neurons: NeuronRef[]; batchSize?: number };
  activations: { model: ModelRef; prompt: PromptSpec };
  generate: { model: ModelRef; rows: GenerateRow[]; maxNewTokens?: number; batchSize?: number };
  /** Generic streaming capture for discovery and evaluation: one `capture` event per batch. */
  captureBatch: {
    model: ModelRef;
    prompts: PromptSpec[];
    steering?: Steering;
    /** Per prompt, steering that replaces `steering` for that row (null: unsteered), e.g. one ablation per row. */
    rowSteering?: (Steering | null)[];
    batchSize?: number;
    mlpOutputs?: boolean;
    logits?: boolean;
  };
}

export type RequestType = keyof RequestBodies;

export type EngineRequest =
  | { [K in RequestType]: { type: K; id: number } & RequestBodies[K] }[RequestType]
  | { type: 'cancel'; id: number }
  /**
   * Session options for the next model load (a change reloads the model): ORT intra-op threads and the
   * execution provider (`cpu`, `webgpu`, `cuda`, `tensorrt`: onnxruntime-node's names); and the folder of the
   * session cache (engine/sessionCache.ts; empty: none).
   */
  | { type: 'configure'; threads?: number; executionProvider?: string; cacheDir?: string }
  | { type: 'shutdown' };

export type ErrorKind = 'user' | 'cancelled' | 'internal';

export interface EngineError {
  kind: ErrorKind;
  message: string;
  /** Only for internal errors: where it happened, for bug reports. */
  stack?: string;
}

export interface Progress {
  stage: 'load' | 'capture' | 'generate';
  done: number;
  total: number;
  message?: string;
}

export type EngineEvent =
  | { type: 'progress'; id: number; progress: Progress }
  | { type: 'capture'; id: number; batch: CaptureBatch }
  | { type: 'positions'; id: number; batch: PositionBatch }
  | { type: 'completions'; id: number; completions: Completion[] }
  | { [K in RequestType]: { type: 'result'; id: number; request: K; result: EngineResults[K] } }[RequestType]
  | { type: 'error'; id: number; error: EngineError };
