/**
 * The paper's multi-model sweep (`cna reproduce --model A --model B ...`): its protocol on each model in turn,
 * one report with every model's row beside the paper's, and for each base/instruct pair the overlap of their
 * circuits and whether steering the base changes what it does. Each model's result is cached with its
 * settings (reproduceCache.ts): a rerun after an interruption starts at the first model not yet done.
 */
import * as path from 'node:path';
import { baseInstructPairs, BEHAVIOUR_CHANGE_POINTS, circuitOverlap, type LayerOverlap } from '../cna/modelPairs';
import type { ModelRef } from '../protocol';
import type { JobContext } from './context';
import { throwIfCancelled } from './context';
import { runReproduce, type ReproduceOptions, type ReproduceResult } from './reproduce';
import { readCachedResult, writeCachedResult } from './reproduceCache';
import { renderComparison, renderMultiReport } from './reproduceReport';

export interface ModelComparison {
  base: string;
  instruct: string;
  /** Circuit neurons in both, by layer (null when the architectures differ). */
  overlap: { layers: LayerOverlap[]; shared: number; jaccard: number } | null;
  /** The base model steered by its own circuit: m = 1 against m = 0. */
  baseSteering: {
    refusalBefore: number;
    refusalAfter: number;
    /** Share of evaluation prompts whose answer at m = 0 differs from the one at m = 1. */
    changedAnswers: number;
    kl: number | null;
    /** Refusal (harmful goals or any benign set) moves by more than BEHAVIOUR_CHANGE_POINTS. */
    behaviourChanges: boolean;
  };
}

export interface ModelsReproduceResult {
  models: ReproduceResult[];
  /** Model names whose results came from the cache. */
  cached: string[];
  comparisons: ModelComparison[];
  markdown: string;
}

export async function runReproduceModels(ctx: Omit<JobContext, 'model'>, models: readonly ModelRef[], opts: ReproduceOptions & { cacheDir?: string }): Promise<ModelsReproduceResult> {
  const { cacheDir, ...settings } = opts;
  const results: ReproduceResult[] = [];
  const cached: string[] = [];
  for (const [i, model] of models.entries()) {
    throwIfCancelled(ctx.signal);
    const name = path.basename(path.resolve(model.path));
    const prefix = `model ${i + 1}/${models.length} ${name}:`;
    const hit = cacheDir ? readCachedResult(cacheDir, model, settings) : undefined;
    if (hit) {
      ctx.onNote?.(`${prefix} results from the cache (same files and settings)`);
      results.push(hit);
      cached.push(hit.model);
      continue;
    }
    const r = await runReproduce({ ...ctx, model, onProgress: (p) => ctx.onProgress?.({ ...p, stage: `${prefix} ${p.stage}` }), onNote: (m) => ctx.onNote?.(`${prefix} ${m}`) }, settings);
    if (cacheDir) await writeCachedResult(cacheDir, model, settings, r, ctx.signal);
    results.push(r);
  }
  const comparisons = baseInstructPairs(results.map((r) => r.model)).map(([b, i]) => compareModels(results[b], results[i]));
  const markdown = renderMultiReport(
    results.map((r) => ({ model: r.model, attribute: r.attribute, sweep: r.sweep, discoveryPairs: r.attribute.pairs.length })),
    comparisons.flatMap(renderComparison),
  );
  return { models: results, cached, comparisons, markdown };
}

export function compareModels(base: ReproduceResult, instruct: ReproduceResult): ModelComparison {
  const sameShape = base.attribute.model.layers === instruct.attribute.model.layers && base.attribute.model.intermediateSize === instruct.attribute.model.intermediateSize;
  const s = base.sweep;
  const at = (m: number) => s.points.find((p) => p.multiplier === m);
  const [before, after] = [at(1), at(0)];
  const answers = (m: number) => new Map(s.samples.filter((x) => x.kind === 'circuit' && x.multiplier === m).map((x) => [x.prompt, x.answer]));
  const [a1, a0] = [answers(1), answers(0)];
  const changed = [...a1].filter(([p, a]) => a0.has(p) && a0.get(p) !== a).length;
  const moved = (x: number | undefined, y: number | undefined) => x !== undefined && y !== undefined && Math.abs(x - y) * 100 > BEHAVIOUR_CHANGE_POINTS;
  const benignMoved = (before?.overRefusal ?? []).some((b, k) => moved(b.refusalRate, after?.overRefusal?.[k]?.refusalRate));
  return {
    base: base.model,
    instruct: instruct.model,
    overlap: sameShape ? circuitOverlap(base.attribute.neurons, instruct.attribute.neurons) : null,
    baseSteering: {
      refusalBefore: before?.refusalRate ?? NaN,
      refusalAfter: after?.refusalRate ?? NaN,
      changedAnswers: a1.size === 0 ? NaN : changed / a1.size,
      kl: after?.kl ?? null,
      behaviourChanges: moved(before?.refusalRate, after?.refusalRate) || benignMoved,
    },
  };
}
