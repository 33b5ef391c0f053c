/**
 * The engine as the CLI and the extension host see it: promise-returning calls over the typed protocol of
 * src/protocol.ts, with progress callbacks, streamed batches, and cancellation through an AbortSignal.
 * The engine runs in a worker thread (`worker.js` next to this file: dist/worker.js in the bundles,
 * out/src/engine/worker.js in the compiled test tree), or in-process when a test asks for it.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError, UserError } from '../errors';
import type {
  ActivationsResult,
  CaptureBatch,
  CaptureSummary,
  Completion,
  NeuronRef,
  NeuronTokensResult,
  PositionBatch,
  EngineError,
  EngineEvent,
  EngineRequest,
  EngineResults,
  GenerateResult,
  InspectResult,
  ModelRef,
  Progress,
  PromptSpec,
  RequestBodies,
  RequestType,
  TokenizeResult,
} from '../protocol';

/**
 * The worker's stack. Node's default (about 1 MB for a worker) is too small for ONNX Runtime once the process's
 * arguments pass about 14.5 KB (a long prompt or path): it crashes with SIGSEGV. Every engine (CLI and
 * editor) is created here, so all of them get it.
 */
export const WORKER_STACK_MB = 16;

export interface ClientOptions {
  /** The worker script; default: worker.js next to this module. */
  workerPath?: string;
  /** Run the engine on the calling thread (tests only: a blocking run then blocks the caller). */
  inProcess?: boolean;
  /** ORT intra-op threads; default: the number of cores. */
  threads?: number;
  /** ORT execution provider (`cpu`, `webgpu`, `cuda`, `tensorrt`); default `cpu`. */
  executionProvider?: string;
  /** Folder for the session cache (sessionCache.ts); none by default. */
  cacheDir?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  options: CallOptions & {
    onBatch?: (b: CaptureBatch) => void | Promise<void>;
    onPositions?: (b: PositionBatch) => void | Promise<void>;
    onCompletions?: (c: Completion[]) => void;
  };
  /** Streamed callbacks run one after another; the result waits for them. */
  chain: Promise<void>;
  cleanup: () => void;
}

interface Transport {
  send(req: EngineRequest): void;
  close(): Promise<void>;
}

export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly transport: Transport;
  private closed = false;

  private constructor(opts: ClientOptions) {
    this.transport = opts.inProcess ? this.inProcess() : this.worker(opts.workerPath ?? path.join(__dirname, 'worker.js'));
    if (opts.threads !== undefined || opts.executionProvider !== undefined || opts.cacheDir !== undefined) {
      this.transport.send({ type: 'configure', threads: opts.threads, executionProvider: opts.executionProvider, cacheDir: opts.cacheDir });
    }
  }

  static start(opts: ClientOptions = {}): EngineClient {
    return new EngineClient(opts);
  }

  inspect(model: ModelRef, opts: CallOptions = {}): Promise<InspectResult> {
    return this.call('inspect', { model }, opts);
  }

  /** Token counts of prompts as capture formats them; reads only the tokenizer, and skips the queue. */
  tokenize(model: ModelRef, prompts: PromptSpec[], opts: CallOptions = {}): Promise<TokenizeResult> {
    return this.call('tokenize', { model, prompts }, opts);
  }

  activations(model: ModelRef, prompt: PromptSpec, opts: CallOptions = {}): Promise<ActivationsResult> {
    return this.call('activations', { model, prompt }, opts);
  }

  generate(body: RequestBodies['generate'], opts: CallOptions & { onCompletions?: (c: Completion[]) => void } = {}): Promise<GenerateResult> {
    return this.call('generate', body, opts);
  }

  /** Streams last-token captures batch by batch to `onBatch` (memory stays flat); resolves after the last. */
  forEachActivation(body: RequestBodies['captureBatch'], onBatch: (b: CaptureBatch) => void | Promise<void>, opts: CallOptions = {}): Promise<CaptureSummary> {
    return this.call('captureBatch', body, { ...opts, onBatch });
  }

  /** Ids of plain texts without special tokens; reads only the tokenizer, and skips the queue. */
  tokenIds(model: ModelRef, texts: string[], opts: CallOptions = {}): Promise<{ ids: number[][] }> {
    return this.call('tokenIds', { model, texts }, opts);
  }

  /** Promoted and suppressed tokens of each neuron, from the model's weights. */
  neuronTokens(model: ModelRef, neurons: NeuronRef[], top: number, opts: CallOptions = {}): Promise<NeuronTokensResult> {
    return this.call('neuronTokens', { model, neurons, top }, opts);
  }

  /** Streams chosen neurons at every position of each prompt, batch by batch. */
  forEachPosition(body: RequestBodies['positions'], onPositions: (b: PositionBatch) => void | Promise<void>, opts: CallOptions = {}): Promise<{ prompts: number }> {
    return this.call('positions', body, { ...opts, onPositions });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.transport.close();
    for (const p of this.pending.values()) p.reject(new CancelledError('The engine was closed.'));
    this.pending.clear();
  }

  private call<K extends RequestType>(type: K, body: RequestBodies[K], options: Pending['options']): Promise<EngineResults[K]> {
    if (this.closed) return Promise.reject(new Error('The engine client is closed.'));
    if (options.signal?.aborted) return Promise.reject(new CancelledError());
    const id = this.nextId++;
    return new Promise<EngineResults[K]>((resolve, reject) => {
      const onAbort = () => this.transport.send({ type: 'cancel', id });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (v: unknown) => void,
        reject,
        options,
        chain: Promise.resolve(),
        cleanup: () => options.signal?.removeEventListener('abort', onAbort),
      });
      this.transport.send({ type, id, ...body } as EngineRequest);
    });
  }

  private dispatch(event: EngineEvent): void {
    const p = this.pending.get(event.id);
    if (!p) return;
    switch (event.type) {
      case 'progress':
        p.options.onProgress?.(event.progress);
        return;
      case 'capture': {
        const onBatch = p.options.onBatch;
        if (onBatch) p.chain = p.chain.then(() => onBatch(event.batch));
        return;
      }
      case 'positions': {
        const onPositions = p.options.onPositions;
        if (onPositions) p.chain = p.chain.then(() => onPositions(event.batch));
        return;
      }
      case 'completions': {
        const onCompletions = p.options.onCompletions;
        if (onCompletions) p.chain = p.chain.then(() => onCompletions(event.completions));
        return;
      }
      case 'result':
      case 'error':
        this.pending.delete(event.id);
        p.cleanup();
        p.chain.then(
          () => (event.type === 'result' ? p.resolve(event.result) : p.reject(fromEngineError(event.error))),
          (err: unknown) => p.reject(err instanceof Error ? err : new Error(String(err))),
        );
        return;
    }
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) {
      p.cleanup();
      p.reject(err);
    }
    this.pending.clear();
  }

  private worker(file: string): Transport {
    const worker = new Worker(file, { resourceLimits: { stackSizeMb: WORKER_STACK_MB } });
    worker.on('message', (e: EngineEvent) => this.dispatch(e));
    worker.on('error', (err) => this.failAll(new Error(`The engine worker crashed: ${err.message}`)));
    worker.on('exit', (code) => {
      if (!this.closed) this.failAll(new Error(`The engine worker exited unexpectedly (code ${code}).`));
    });
    return {
      send: (req) => worker.postMessage(req),
      close: async () => {
        const exited = new Promise<void>((r) => worker.once('exit', () => r()));
        worker.postMessage({ type: 'shutdown' } satisfies EngineRequest);
        const timer = setTimeout(() => void worker.terminate(), 5000);
        await exited;
        clearTimeout(timer);
      },
    };
  }

  private inProcess(): Transport {
    // Loaded lazily so that the worker-thread path never pulls onnxruntime-node into the caller's thread.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EngineService } = require('./service') as typeof import('./service');
    const service = new EngineService((e) => setImmediate(() => this.dispatch(e)));
    return {
      send: (req) => service.handle(req),
      close: async () => {
        service.handle({ type: 'shutdown' });
        await service.idle();
      },
    };
  }
}

export function fromEngineError(e: EngineError): Error {
  if (e.kind === 'user') return new UserError(e.message);
  if (e.kind === 'cancelled') return new CancelledError(e.message);
  const err = new Error(`engine: ${e.message}`);
  if (e.stack) err.stack = e.stack;
  return err;
}
