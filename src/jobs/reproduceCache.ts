/**
 * Per-model results of a multi-model `cna reproduce`, cached on disk with the settings that produced them, so
 * an interrupted run continues where it stopped. A result is reused only when its key matches: the model
 * folder's files (names, sizes, modification times), the variant, every option that changes a number, and
 * this file's format version.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ModelRef } from '../protocol';
import { attributeJson } from './attribute';
import { writeFileAtomic } from './circuitFile';
import type { ReproduceOptions, ReproduceResult } from './reproduce';

const CACHE_VERSION = 1;

/** What identifies a model's files without loading it. */
function folderSignature(model: ModelRef): unknown[] {
  const dir = path.resolve(model.path);
  if (!existsSync(dir)) return [dir];
  const stat = statSync(dir);
  const files = stat.isDirectory()
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
        .sort()
    : [''];
  return [dir, ...files.map((f) => [f, statSync(path.join(dir, f)).size, Math.round(statSync(path.join(dir, f)).mtimeMs)])];
}

export function cacheKey(model: ModelRef, opts: ReproduceOptions): string {
  const settings = { ...opts, batchSize: undefined };
  const text = JSON.stringify([CACHE_VERSION, folderSignature(model), model.variant ?? null, settings]);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function cacheFile(dir: string, model: ModelRef, key: string): string {
  const name = path.basename(path.resolve(model.path)).replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(dir, `${name}-${key}.json`);
}

/** The cached result for this model and these settings, or undefined. */
export function readCachedResult(dir: string, model: ModelRef, opts: ReproduceOptions): ReproduceResult | undefined {
  const key = cacheKey(model, opts);
  const file = cacheFile(dir, model, key);
  if (!existsSync(file)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { key: string; result: ReproduceResult };
    return saved.key === key ? { ...saved.result, attribute: { ...saved.result.attribute, layerDeltas: [] } } : undefined;
  } catch {
    return undefined; // A damaged entry is recomputed.
  }
}

export async function writeCachedResult(dir: string, model: ModelRef, opts: ReproduceOptions, result: ReproduceResult, signal?: AbortSignal): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const key = cacheKey(model, opts);
  await writeFileAtomic(cacheFile(dir, model, key), attributeJson({ key, result }), signal);
}
