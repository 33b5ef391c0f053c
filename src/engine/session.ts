/**
 * Loads a model folder for the engine: reads the folder, instruments the graph (src/engine/surgery.ts adds
 * `cna_multiplier_L` inputs and `cna_capture_L` outputs), and works out how to feed it (position ids or
 * not, past key/values and their shape, merged-decoder branch flag).
 * Two ONNX Runtime sessions, each created on first use: a capture session whose graph ends at the last
 * captured layer (discovery, universal filter, activations: no head, no logits), and a generation session
 * whose head reads only the last position (generation, first-token logits). A discovery run never builds
 * the second one. Both read the same external weight files (memory-mapped by ORT).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { UserError } from '../errors';
import type { ModelRef } from '../protocol';
import { externalDataFolder } from './externalData';
import { openModelFolder, type ModelFolder } from './modelFolder';
import { missingForProvider } from './providerRequirements';
import { SessionCache, type SessionCacheOptions } from './sessionCache';
import { inspectGraph, instrumentModel, type GraphInfo, type GraphPurpose } from './surgery';
import { TextTokenizer } from './tokenizer';

export interface KvPair {
  past: string;
  present: string;
}

export interface KvLayout {
  pairs: KvPair[];
  heads: number;
  headDim: number;
  dtype: 'float32' | 'float16';
}

export interface EngineModel {
  folder: ModelFolder;
  tokenizer: TextTokenizer;
  info: GraphInfo;
  /** The session for capture-only passes (no logits), created on first use. */
  captureSession(): Promise<ort.InferenceSession>;
  /** The session for generation and last-position logits, created on first use. */
  generationSession(): Promise<ort.InferenceSession>;
  /** The session capturing chosen neurons at every position (circuit activity), created on first use. */
  positionsSession(): Promise<ort.InferenceSession>;
  /** Releases whichever sessions were created. */
  release(): Promise<void>;
  /** The graph also has the CAA inputs/outputs (`cna_additive_L`, `cna_mlp_output_L`). */
  additive: boolean;
  eos: number[];
  /** The file the EOS ids came from. */
  eosSource: string;
  /** Token used for left padding (masked out, so any valid id works). */
  padId: number;
  maxPositions?: number;
  vocabSize: number;
  hasPositionIds: boolean;
  /** Optimum merged decoders switch between prefill and cached decode with this bool input. */
  hasUseCacheBranch: boolean;
  kv?: KvLayout;
  threads: number;
  executionProvider: string;
}

export interface LoadOptions {
  threads?: number;
  additive?: boolean;
  /** onnxruntime-node's provider name: `cpu` (default), `webgpu`, `cuda`, `tensorrt`. */
  executionProvider?: string;
  /** The session created while loading (so load errors surface there); the other one waits for first use. */
  first?: SessionKind;
  /** Where instrumented, optimised graphs are cached between loads (sessionCache.ts); none by default. */
  cache?: SessionCacheOptions;
}

export type SessionKind = 'capture' | 'generate' | 'positions';

export const DEFAULT_EXECUTION_PROVIDER = 'cpu';

/** How to switch the provider back, for both callers (the setting in the editor, the flag in the CLI). */
const BACK_TO_CPU = 'Set the cna.executionProvider setting (CLI: --execution-provider) back to "cpu"';

const KNOWN_INPUTS = /^(input_ids|attention_mask|position_ids|use_cache_branch|past_key_values\.\d+\.(key|value)|cna_.*)$/;

export function defaultThreads(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export async function loadModel(ref: ModelRef, opts: LoadOptions = {}): Promise<EngineModel> {
  const folder = openModelFolder(ref.path, { variant: ref.variant });
  const { experts, modelType } = folder.config;
  if (experts !== undefined && experts > 1) {
    throw new UserError(
      `This model is a mixture of experts (${modelType ?? 'config.json'}: ${experts} routed experts per layer); CNA supports dense gated MLPs only (Llama, Qwen2, Mistral, Gemma, Phi-3, OLMo2, ...).`,
    );
  }
  const tokenizer = new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig, folder.chatTemplate, folder.name);
  const additive = opts.additive ?? false;
  const executionProvider = opts.executionProvider ?? DEFAULT_EXECUTION_PROVIDER;
  // Optimised graphs are specific to the provider that optimised them: only the CPU's are cached.
  const cache = executionProvider === DEFAULT_EXECUTION_PROVIDER && opts.cache ? SessionCache.open(folder.onnxPath, `onnxruntime ${ort.env.versions.node}`, opts.cache) : undefined;
  let info = cache?.readInfo();
  if (!info) {
    info = inspectFolder(folder);
    cache?.writeInfo(info);
  }

  const unknown = info.inputs.map((i) => i.name).filter((n) => !KNOWN_INPUTS.test(n));
  if (unknown.length > 0) {
    throw new UserError(
      `${folder.onnxPath} has inputs this engine does not know how to feed: ${unknown.join(', ')}. Export a decoder with input_ids, attention_mask, position_ids and past_key_values.`,
    );
  }
  if (!info.inputs.some((i) => i.name === 'input_ids')) {
    throw new UserError(`${folder.onnxPath} has no input_ids input; is it a decoder-only language model?`);
  }
  const logits = info.outputs.find((o) => o.name === 'logits');
  if (!logits) throw new UserError(`${folder.onnxPath} has no 'logits' output; is it a causal language model export?`);

  const threads = opts.threads ?? defaultThreads();
  checkExecutionProvider(executionProvider);
  const sessions = new Map<SessionKind, Promise<ort.InferenceSession>>();
  const sessionFor = (kind: SessionKind): Promise<ort.InferenceSession> => {
    let s = sessions.get(kind);
    if (!s) {
      s = openSession(folder, additive, kind, threads, executionProvider, cache);
      sessions.set(kind, s);
      // A failed creation is retried on next use rather than cached.
      s.catch(() => sessions.delete(kind));
    }
    return s;
  };
  await sessionFor(opts.first ?? 'capture');
  const { ids: eos, source: eosSource } = resolveEos(folder, tokenizer);
  const lastDim = logits.shape[logits.shape.length - 1];
  const vocabSize = typeof lastDim === 'number' ? lastDim : (folder.config.vocabSize ?? 0);
  return {
    folder,
    tokenizer,
    info,
    additive,
    eos,
    captureSession: () => sessionFor('capture'),
    generationSession: () => sessionFor('generate'),
    positionsSession: () => sessionFor('positions'),
    release: async () => {
      const open = [...sessions.values()];
      sessions.clear();
      for (const s of open) await (await s.catch(() => undefined))?.release();
    },
    eosSource,
    threads,
    executionProvider,
    // Pads are masked out but still embedded (Gather), so the id must exist in this graph's vocabulary.
    padId: folder.config.pad !== undefined && folder.config.pad < vocabSize ? folder.config.pad : 0,
    maxPositions: folder.config.maxPositions,
    vocabSize,
    hasPositionIds: info.inputs.some((i) => i.name === 'position_ids'),
    hasUseCacheBranch: info.inputs.some((i) => i.name === 'use_cache_branch'),
    kv: kvLayout(folder, info),
  };
}

/**
 * The original graph's description (I/O, sites, layout, fingerprints), checked before any session is built.
 * The weights fingerprint samples external tensors too, read here a few bytes at a time.
 */
function inspectFolder(folder: ModelFolder): GraphInfo {
  const files = new Map<string, number>();
  const readExternal = (location: string, offset: number, length: number): Uint8Array => {
    let fd = files.get(location);
    if (fd === undefined) files.set(location, (fd = fs.openSync(path.join(path.dirname(folder.onnxPath), location), 'r')));
    const buf = Buffer.alloc(length);
    return buf.subarray(0, fs.readSync(fd, buf, 0, length, offset));
  };
  const bytes = readModelBytes(folder.onnxPath);
  // A missing side file gets its one-line message here, before the weights fingerprint reads from it.
  externalDataFolder(folder.onnxPath, bytes);
  try {
    return inspectGraph(bytes, { ...hintOf(folder), readExternal });
  } finally {
    for (const fd of files.values()) fs.closeSync(fd);
  }
}

function hintOf(folder: ModelFolder): { intermediateSize?: number; layers?: number } {
  return { intermediateSize: folder.config.intermediateSize, layers: folder.config.layers };
}

async function openSession(folder: ModelFolder, additive: boolean, purpose: GraphPurpose, threads: number, provider: string, cache?: SessionCache): Promise<ort.InferenceSession> {
  const tuning = sessionTuning(purpose);
  const name = `${purpose}${additive ? '-additive' : ''}`;
  const cached = cache?.graph(name);
  if (cached) {
    try {
      // Already instrumented and optimised: nothing left for ORT's optimisers to do.
      return await createSession(cached, cached, undefined, threads, provider, { ...tuning, graphOptimizationLevel: 'disabled' });
    } catch {
      cache?.drop(name);
    }
  }
  const { instrumented, externalFolder } = readAndInstrument(folder, additive, purpose);
  const staging = cache?.staging(name);
  if (staging) {
    try {
      const session = await createSession(instrumented, folder.onnxPath, externalFolder, threads, provider, {
        ...tuning,
        optimizedModelFilePath: staging.file,
        config: { ...tuning.config, optimized_model_external_initializers_file_name: staging.weights, optimized_model_external_initializers_min_size_in_bytes: '1024' },
      });
      staging.commit();
      return session;
    } catch {
      // Perhaps the cache could not be written (disk full): load once more without it.
      staging.abandon();
    }
  }
  return createSession(instrumented, folder.onnxPath, externalFolder, threads, provider, tuning);
}

interface SessionTuning {
  graphOptimizationLevel?: 'disabled' | 'all';
  optimizedModelFilePath?: string;
  /** Session configuration entries (ORT's `session.*` keys, without the prefix). */
  config?: Record<string, string>;
}

/**
 * Capture sessions skip MatMul weight pre-packing: it copies every weight at load (about 20 s on the real
 * Qwen2.5-0.5B shape here, and the memory of a second copy) and measured no faster for capture batches; decode
 * steps (one row at a time) do gain from it, so generation sessions keep it.
 */
function sessionTuning(purpose: GraphPurpose): SessionTuning {
  return purpose !== 'generate' ? { config: { disable_prepacking: '1' } } : {};
}

/**
 * Reads and instruments the graph in a function of its own, so that only the instrumented bytes are still
 * referenced while ORT copies the weights (peak memory: two copies of the model, not three).
 */
function readAndInstrument(folder: ModelFolder, additive: boolean, purpose: GraphPurpose): { instrumented: Uint8Array; externalFolder?: string } {
  const original = readModelBytes(folder.onnxPath);
  const externalFolder = externalDataFolder(folder.onnxPath, original);
  const { bytes } = instrumentModel(original, { additive, purpose }, hintOf(folder));
  return { instrumented: bytes, externalFolder };
}

function readModelBytes(file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new UserError(`Cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Refuses a provider this onnxruntime-node build does not know, before any model is read. */
export function checkExecutionProvider(name: string): void {
  const known = ort.listSupportedBackends().map((b) => b.name);
  if (!known.includes(name)) {
    throw new UserError(`Unknown execution provider "${name}": this onnxruntime-node offers ${known.map((k) => `"${k}"`).join(', ')}. ${BACK_TO_CPU}.`);
  }
}

/**
 * ORT's provider errors ("OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library",
 * "Failed to get a WebGPU adapter") as one line that names the provider and how to get back to the CPU.
 */
export function explainProviderError(provider: string, message: string): string | undefined {
  // The part a user can act on, without ORT's source paths and C++ signatures.
  const failed = /(Failed to [^\n]*)/.exec(message)?.[1];
  const line = (failed ?? message.split('\n').find((l) => l.trim()) ?? message)
    .replace(/\S*\.(cc|h|cpp):\d+\s*/g, '')
    .trim()
    .slice(0, 200);
  if (/Failed to load (shared )?library|cannot open shared object|providers_shared|\.so\b|\.dll\b/i.test(message)) {
    const missing = missingForProvider(provider, message);
    if (missing) return `The execution provider "${provider}" is not available: ${missing}. ${BACK_TO_CPU}.`;
    const needs =
      provider === 'tensorrt'
        ? "onnxruntime-node's TensorRT provider files, CUDA 12 and TensorRT"
        : provider === 'cuda'
          ? "onnxruntime-node's CUDA 12 provider files (npm install with ONNXRUNTIME_NODE_INSTALL=cuda12) and the CUDA 12 and cuDNN 9 libraries"
          : 'its provider library';
    return `The execution provider "${provider}" is not available: ONNX Runtime could not load ${needs}, which this extension does not ship (${line}). ${BACK_TO_CPU}.`;
  }
  if (/AppendExecutionProvider|adapter|backend not found|execution provider/i.test(message)) {
    return `The execution provider "${provider}" is not available on this machine (${line}). ${BACK_TO_CPU}.`;
  }
  return undefined;
}

async function createSession(
  model: Uint8Array | string,
  file: string,
  externalFolder: string | undefined,
  threads: number,
  provider: string,
  tuning: SessionTuning = {},
): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: tuning.graphOptimizationLevel ?? 'all',
    logSeverityLevel: 3,
  };
  if (tuning.optimizedModelFilePath) options.optimizedModelFilePath = tuning.optimizedModelFilePath;
  const config: Record<string, string> = { ...tuning.config };
  if (externalFolder) config.model_external_initializers_file_folder_path = externalFolder;
  if (Object.keys(config).length > 0) options.extra = { session: config };
  // A provider that fails to load also prints ORT's native error log; the UserError below says it in one line.
  // (Read once, when the first session of this thread initializes ORT.)
  if (provider !== DEFAULT_EXECUTION_PROVIDER) ort.env.logLevel = 'fatal';
  try {
    return typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  } catch (err) {
    const message = (err as Error).message;
    const providerError = provider === DEFAULT_EXECUTION_PROVIDER ? undefined : explainProviderError(provider, message);
    throw new UserError(providerError ?? explainLoadError(file, message));
  }
}

/** ORT's load errors are long and internal; keep the operator or file name the user needs. */
export function explainLoadError(file: string, message: string): string {
  const line = message.split('\n').find((l) => l.trim()) ?? message;
  const op =
    /Could not find an implementation for (\w+)\((\d+)\)/.exec(message) ??
    /([\w.]*:?\w+)\((-?\d+)\) is not a registered function\/op/.exec(message) ??
    /No Op registered for ([\w.]+) with domain_version of (\d+)/.exec(message);
  if (op) {
    return `ONNX Runtime 1.30 (CPU) cannot run ${file}: it has no kernel for operator ${op[1]} (opset ${op[2]}). Export the model with standard ONNX operators, or use another of its ONNX files.`;
  }
  if (/External data|external initializer/i.test(message)) {
    return `ONNX Runtime could not load the external weights of ${file}: ${line.trim().slice(0, 300)}`;
  }
  if (/protobuf|parsing failed|Failed to load model/i.test(message)) {
    return `${file} is not a valid ONNX model (truncated or corrupt?): ${line.trim().slice(0, 300)}`;
  }
  return `ONNX Runtime could not load ${file}: ${line.trim().slice(0, 300)}`;
}

/** EOS ids: genai_config.json (what onnxruntime-genai stops on), generation_config.json, config.json, then the tokenizer's eos_token. */
export function resolveEos(folder: ModelFolder, tokenizer: TextTokenizer): { ids: number[]; source: string } {
  if (folder.genai && folder.genai.eos.length > 0) return { ids: folder.genai.eos, source: 'genai_config.json' };
  if (folder.generation.eos.length > 0) return { ids: folder.generation.eos, source: 'generation_config.json' };
  if (folder.config.eos.length > 0) return { ids: folder.config.eos, source: 'config.json' };
  const t = tokenizer.tokens.eos_token;
  const id = t === undefined ? undefined : tokenizer.tokenId(t);
  return id === undefined ? { ids: [], source: 'none found' } : { ids: [id], source: 'tokenizer_config.json eos_token' };
}

function kvLayout(folder: ModelFolder, info: GraphInfo): KvLayout | undefined {
  const pastInputs = info.inputs.filter((i) => /^past_key_values\.\d+\.(key|value)$/.test(i.name));
  if (pastInputs.length === 0) return undefined;
  const outputs = new Set(info.outputs.map((o) => o.name));
  const pairs = pastInputs.map((i) => {
    const present = i.name.replace(/^past_key_values/, 'present');
    if (!outputs.has(present)) {
      throw new UserError(`${folder.onnxPath} has input ${i.name} but no matching output ${present}.`);
    }
    return { past: i.name, present };
  });
  const first = pastInputs[0];
  const heads = typeof first.shape[1] === 'number' ? first.shape[1] : folder.config.numKvHeads;
  const headDim = typeof first.shape[3] === 'number' ? first.shape[3] : folder.config.headDim;
  if (!heads || !headDim) {
    throw new UserError(`Cannot tell the key/value cache shape of ${folder.onnxPath}: config.json lacks num_key_value_heads or head_dim.`);
  }
  return { pairs, heads, headDim, dtype: first.elemType === 'float16' ? 'float16' : 'float32' };
}
