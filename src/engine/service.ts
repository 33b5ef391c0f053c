/**
 * The engine behind the protocol: handles one request at a time (ORT runs block the thread anyway), keeps
 * the last model loaded between requests, and turns results and errors into protocol events. Runs inside
 * the worker thread (src/engine/worker.ts), or in-process for tests.
 */
import { CancelledError, UserError } from '../errors';
import type { EngineError, EngineEvent, EngineRequest, InspectResult, ModelRef, Progress, PromptSpec, RequestType, TokenizeResult } from '../protocol';
import { GENERATE_DEFAULT_MAX_NEW_TOKENS } from '../protocol';
import { CancelToken } from './cancel';
import { captureBatches, encodePrompts } from './capture';
import { generateAll } from './generate';
import { neuronTokens } from './neuronTokens';
import { capturePositions, tokenSpans } from './positions';
import { openModelFolder } from './modelFolder';
import { checkExecutionProvider, DEFAULT_EXECUTION_PROVIDER, defaultThreads, loadModel, type EngineModel, type SessionKind } from './session';
import { TextTokenizer } from './tokenizer';

export type Post = (event: EngineEvent, transfer?: ArrayBuffer[]) => void;

/** Requests that wait their turn in the queue (tokenize does not, see handle()). */
type WorkRequest = Extract<EngineRequest, { type: Exclude<RequestType, 'tokenize' | 'tokenIds'> }>;

/** Tokenizers kept for `tokenize` requests on models other than the loaded one (editor lenses, lint). */
const TOKENIZER_CACHE = 4;

export class EngineService {
  private threads = defaultThreads();
  private executionProvider = DEFAULT_EXECUTION_PROVIDER;
  /** Where optimised sessions are cached (sessionCache.ts); none unless configured. */
  private cacheDir: string | undefined;
  private readonly tokenizers = new Map<string, { tokenizer: TextTokenizer; contextLength: number | null }>();
  private model?: { key: string; path: string; model: EngineModel };
  private queue: Promise<void> = Promise.resolve();
  private readonly tokens = new Map<number, CancelToken>();

  constructor(private readonly post: Post) {}

  handle(req: EngineRequest): void {
    switch (req.type) {
      case 'cancel':
        this.tokens.get(req.id)?.cancel();
        return;
      case 'configure':
        if (req.threads !== undefined && req.threads > 0) this.threads = Math.floor(req.threads);
        if (req.executionProvider !== undefined) this.executionProvider = req.executionProvider.trim() || DEFAULT_EXECUTION_PROVIDER;
        if (req.cacheDir !== undefined) this.cacheDir = req.cacheDir || undefined;
        return;
      case 'tokenize':
      case 'tokenIds':
        // Tokenizing needs no ONNX session, so it does not wait behind queued forward passes: lenses and
        // lint stay live during a long run (the worker reads messages between batches).
        this.tokenize(req);
        return;
      case 'shutdown':
        this.queue = this.queue.then(() => this.dispose());
        return;
      default: {
        const token = new CancelToken();
        this.tokens.set(req.id, token);
        this.queue = this.queue.then(() => this.run(req, token)).finally(() => this.tokens.delete(req.id));
      }
    }
  }

  /** Resolves when every queued request has finished. */
  idle(): Promise<void> {
    return this.queue;
  }

  async dispose(): Promise<void> {
    const m = this.model;
    this.model = undefined;
    if (m) await m.model.release();
  }

  private tokenize(req: Extract<EngineRequest, { type: 'tokenize' | 'tokenIds' }>): void {
    try {
      const { tokenizer, contextLength } = this.tokenizerFor(req.model);
      if (req.type === 'tokenIds') {
        this.post({ type: 'result', id: req.id, request: 'tokenIds', result: { ids: req.texts.map((t) => tokenizer.encode(t, false)) } });
        return;
      }
      const result: TokenizeResult = { counts: req.prompts.map((p: PromptSpec) => tokenizer.encodePrompt(p).length), contextLength };
      this.post({ type: 'result', id: req.id, request: 'tokenize', result });
    } catch (err) {
      this.post({ type: 'error', id: req.id, error: toEngineError(err) });
    }
  }

  /** The loaded model's tokenizer when it is the same folder, else one read from the folder (cached). */
  private tokenizerFor(ref: ModelRef): { tokenizer: TextTokenizer; contextLength: number | null } {
    const loaded = this.model;
    if (loaded && loaded.path === ref.path) {
      return { tokenizer: loaded.model.tokenizer, contextLength: loaded.model.maxPositions ?? null };
    }
    let entry = this.tokenizers.get(ref.path);
    if (!entry) {
      const folder = openModelFolder(ref.path, { variant: ref.variant });
      entry = { tokenizer: new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig, folder.chatTemplate, folder.name), contextLength: folder.config.maxPositions ?? null };
      if (this.tokenizers.size >= TOKENIZER_CACHE) this.tokenizers.delete(this.tokenizers.keys().next().value as string);
      this.tokenizers.set(ref.path, entry);
    }
    return entry;
  }

  private async run(req: WorkRequest, cancel: CancelToken): Promise<void> {
    const progress = (p: Progress) => this.post({ type: 'progress', id: req.id, progress: p });
    try {
      cancel.throwIfCancelled();
      switch (req.type) {
        case 'inspect': {
          const model = await this.load(req.model, false, progress);
          this.post({ type: 'result', id: req.id, request: 'inspect', result: inspect(model) });
          return;
        }
        case 'activations': {
          const model = await this.load(req.model, false, progress);
          const [tokens] = encodePrompts(model, [req.prompt]);
          let layers: Float32Array[] = [];
          await captureBatches(
            model,
            [req.prompt],
            (b) => {
              layers = b.mlpInputs;
            },
            { cancel },
          );
          const formatted = model.tokenizer.format(req.prompt);
          this.post(
            { type: 'result', id: req.id, request: 'activations', result: { tokens, formatted, layers } },
            layers.map((l) => l.buffer as ArrayBuffer),
          );
          return;
        }
        case 'generate': {
          const additive = req.rows.some((r) => (r.steering?.additive?.length ?? 0) > 0);
          const model = await this.load(req.model, additive, progress, 'generate');
          const completions = await generateAll(model, req.rows, {
            maxNewTokens: req.maxNewTokens ?? GENERATE_DEFAULT_MAX_NEW_TOKENS,
            batchSize: req.batchSize,
            cancel,
            onCompletions: (c) => this.post({ type: 'completions', id: req.id, completions: c }),
            onProgress: (done, total) => progress({ stage: 'generate', done, total }),
          });
          this.post({ type: 'result', id: req.id, request: 'generate', result: { completions } });
          return;
        }
        case 'neuronTokens': {
          const model = await this.load(req.model, false, progress);
          this.post({ type: 'result', id: req.id, request: 'neuronTokens', result: neuronTokens(model, req.neurons, req.top) });
          return;
        }
        case 'positions': {
          const model = await this.load(req.model, false, progress, 'positions');
          const ids = encodePrompts(model, req.prompts);
          await capturePositions(
            model,
            ids,
            req.neurons,
            (b) => {
              const spans = b.indices.map((i, r) => tokenSpans(model.tokenizer, req.prompts[i].text, b.tokens[r]));
              this.post(
                { type: 'positions', id: req.id, batch: { ...b, spans } },
                b.values.map((v) => v.buffer as ArrayBuffer),
              );
            },
            { batchSize: req.batchSize, cancel, onProgress: (done, total) => progress({ stage: 'capture', done, total }) },
          );
          this.post({ type: 'result', id: req.id, request: 'positions', result: { prompts: req.prompts.length } });
          return;
        }
        case 'captureBatch': {
          const additive = req.mlpOutputs === true || (req.steering?.additive?.length ?? 0) > 0 || (req.rowSteering ?? []).some((s) => (s?.additive?.length ?? 0) > 0);
          const model = await this.load(req.model, additive, progress, req.logits ? 'generate' : 'capture');
          await captureBatches(
            model,
            req.prompts,
            (batch) => {
              const transfer = [...batch.mlpInputs, ...(batch.mlpOutputs ?? []), ...(batch.logits ? [batch.logits] : [])].map((a) => a.buffer as ArrayBuffer);
              this.post({ type: 'capture', id: req.id, batch }, transfer);
            },
            {
              steering: req.steering,
              rowSteering: req.rowSteering,
              batchSize: req.batchSize,
              mlpOutputs: req.mlpOutputs,
              logits: req.logits,
              cancel,
              onProgress: (done, total) => progress({ stage: 'capture', done, total }),
            },
          );
          const { info } = model;
          this.post({
            type: 'result',
            id: req.id,
            request: 'captureBatch',
            result: { prompts: req.prompts.length, layers: info.layers, intermediateSize: info.intermediateSize, hiddenSize: info.hiddenSize, vocabSize: model.vocabSize },
          });
          return;
        }
      }
    } catch (err) {
      this.post({ type: 'error', id: req.id, error: toEngineError(err) });
    }
  }

  /** The loaded model, reloading when the folder, variant, thread count or instrumentation differ. */
  /** `first`: the session this request needs, built while loading; the other one waits for first use. */
  private async load(ref: ModelRef, additive: boolean, progress: (p: Progress) => void, first: SessionKind = 'capture'): Promise<EngineModel> {
    const key = JSON.stringify([ref.path, ref.variant ?? '', this.threads, this.executionProvider]);
    const current = this.model;
    // An additive graph also serves plain requests (zeros added), so only upgrade, never downgrade.
    if (current && current.key === key && (current.model.additive || !additive)) return current.model;
    // An unknown provider fails here, before the loaded model is dropped.
    checkExecutionProvider(this.executionProvider);
    progress({ stage: 'load', done: 0, total: 1, message: `loading ${ref.path}` });
    await this.dispose();
    const model = await loadModel(ref, { threads: this.threads, additive, executionProvider: this.executionProvider, first, cache: { dir: this.cacheDir } });
    this.model = { key, path: ref.path, model };
    progress({ stage: 'load', done: 1, total: 1 });
    return model;
  }
}

export function inspect(model: EngineModel): InspectResult {
  const { info, folder } = model;
  return {
    path: folder.root,
    name: folder.name,
    onnxFile: folder.onnxPath,
    variant: folder.variant,
    available: folder.available,
    layout: info.layout,
    architecture: folder.config.architecture ?? null,
    layers: info.layers,
    hiddenSize: info.hiddenSize,
    intermediateSize: info.intermediateSize,
    totalNeurons: info.layers * info.intermediateSize,
    dtype: info.dtype,
    quantization: info.quantization,
    mlpSites: info.sites.map((s) => ({ layer: s.layer, tensor: s.tensor })),
    chatTemplate: folder.chatTemplate !== undefined,
    eos: model.eos,
    maxPositions: model.maxPositions ?? null,
    fingerprint: info.fingerprint,
    sources: { ...folder.sources, eos: model.eosSource, context: folder.sources.context ?? null },
    weightsFingerprint: info.weightsFingerprint,
  };
}

export function toEngineError(err: unknown): EngineError {
  if (err instanceof UserError) return { kind: 'user', message: err.message };
  if (err instanceof CancelledError) return { kind: 'cancelled', message: err.message };
  const e = err instanceof Error ? err : new Error(String(err));
  return { kind: 'internal', message: e.message, stack: e.stack };
}
