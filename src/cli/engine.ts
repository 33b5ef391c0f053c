/**
 * What the engine-backed commands share: which model (`--model`, else the bundled demo model), the worker
 * thread (dist/worker.js next to dist/cli.js), progress on stderr, and Ctrl-C as cancellation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { parseLayerSpec } from '../cna/rank';
import { EngineClient } from '../engine/client';
import { readModelConfig } from '../engine/modelFolder';
import { defaultCacheDir } from '../engine/sessionCache';
import { packageRoot } from '../jobs/packageRoot';
import type { ModelRef, Progress } from '../protocol';
import { stringOption, wholeNumberOption, type ParsedArgs } from './args';
import type { CliIO } from './command';

/** Options every engine command accepts. */
export const ENGINE_VALUE_OPTIONS = ['model', 'variant', 'threads', 'execution-provider'];

export const DEMO_MODEL = path.join('models', 'demo-instruct');

export function modelRef(args: ParsedArgs, fallback?: string): ModelRef {
  let p = stringOption(args, 'model') ?? fallback;
  if (p === undefined) {
    p = path.join(packageRoot(), DEMO_MODEL);
    if (!fs.existsSync(p)) {
      throw new UserError(`No --model given and the bundled demo model (${DEMO_MODEL}) is not installed. Pass --model DIR with an ONNX model folder.`);
    }
  }
  return { path: p, variant: stringOption(args, 'variant') };
}

/**
 * Layers to leave out, checked against the model's config.json before it loads (seconds on a real model):
 * `--exclude-layers`, else the file's `@exclude-layers`.
 */
export function checkExcludedLayers(model: ModelRef, flag: string | undefined, directive: readonly number[] | undefined): void {
  const layers = readModelConfig(model.path)?.layers;
  const spec = flag ?? directive?.join(',');
  if (layers !== undefined && spec !== undefined) parseLayerSpec(spec, layers);
}

/** Progress lines on stderr: a rewritten line on a terminal, plain lines otherwise. */
export function progressPrinter(io: CliIO): (p: Progress) => void {
  let last = '';
  return (p) => {
    const line = p.stage === 'load' ? (p.done === 0 ? `loading model ${p.message?.replace(/^loading /, '') ?? ''}` : 'model loaded') : `${p.stage} ${p.done}/${p.total}`;
    if (line === last) return;
    last = line;
    // On a terminal the line is redrawn in place, so it must not wrap: clip it to the width.
    const columns = io.stderrColumns?.();
    const fit = columns !== undefined && line.length > columns - 1 ? line.slice(0, Math.max(0, columns - 4)) + '...' : line;
    io.stderr(io.stderrIsTTY ? `\r\x1b[K${fit}` : `${line}\n`);
  };
}

/** Runs `fn` with an engine worker; Ctrl-C cancels the running request. Always shuts the worker down. */
export async function withEngine<T>(args: ParsedArgs, io: CliIO, fn: (client: EngineClient, signal: AbortSignal) => Promise<T>): Promise<T> {
  const threads = wholeNumberOption(args, 'threads', 1);
  const client = EngineClient.start({ threads, executionProvider: stringOption(args, 'execution-provider'), cacheDir: defaultCacheDir() });
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    return await fn(client, abort.signal);
  } finally {
    process.removeListener('SIGINT', onSigint);
    if (io.stderrIsTTY) io.stderr('\r\x1b[K');
    await client.close();
  }
}
