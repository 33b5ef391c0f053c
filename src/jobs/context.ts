/**
 * What every job needs from its caller (the CLI or the extension host): an engine, the model to run, a
 * cancellation signal and a progress sink. Jobs never create the engine themselves, so both callers share
 * one worker and tests can pass a scripted engine.
 */
import type { EngineClient } from '../engine/client';
import { CancelledError } from '../errors';
import type { ModelRef } from '../protocol';

/** The part of EngineClient the jobs use (`tokenize` for the prompt-length check, skipped without it). */
export type Engine = Pick<EngineClient, 'inspect' | 'generate' | 'forEachActivation'> & Partial<Pick<EngineClient, 'tokenize' | 'tokenIds'>>;

export interface JobProgress {
  /** What is running now, e.g. `discovery pairs`, `generic prompts`, `generation`. */
  stage: string;
  done: number;
  total: number;
}

export interface JobContext {
  engine: Engine;
  model: ModelRef;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  /** One-line notes for the user (e.g. which eval prompts were chosen); the CLI prints them on stderr. */
  onNote?: (message: string) => void;
}

/** Throws CancelledError once the signal has fired (between steps that the engine does not see). */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
