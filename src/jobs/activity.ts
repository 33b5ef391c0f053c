/**
 * Circuit activity: the circuit's neurons at every token of chosen prompts (src/engine/positions.ts), scored
 * per token (src/cna/activity.ts). Prompts are run in the order given and reported one by one, so the editor
 * can ask for the pairs on screen only and drop the request when the view moves.
 */
import { tokenActivity, topNeuronsAt, type ActivityNeuron } from '../cna/activity';
import type { EngineClient } from '../engine/client';
import type { PromptSpec } from '../protocol';
import type { JobContext } from './context';

export type ActivityEngine = Pick<EngineClient, 'forEachPosition'>;

export interface ActivityContext extends Omit<JobContext, 'engine'> {
  engine: ActivityEngine;
}

export interface PromptActivity {
  /** Index into the prompts given. */
  prompt: number;
  tokens: number[];
  /** Per token: characters [start, end) of the prompt's own text, or null (template, BOS). */
  spans: ([number, number] | null)[];
  scores: number[];
  /** Per token: the circuit neurons with the largest |z| there. */
  top: { layer: number; index: number; z: number }[][];
}

export async function runActivity(
  ctx: ActivityContext,
  prompts: readonly PromptSpec[],
  circuit: readonly ActivityNeuron[],
  opts: { batchSize?: number; topPerToken?: number; onPrompt?: (a: PromptActivity) => void } = {},
): Promise<PromptActivity[]> {
  const out: PromptActivity[] = new Array<PromptActivity>(prompts.length);
  const neurons = circuit.map(({ layer, index }) => ({ layer, index }));
  await ctx.engine.forEachPosition(
    { model: ctx.model, prompts: [...prompts], neurons, batchSize: opts.batchSize },
    (b) => {
      b.indices.forEach((p, r) => {
        const act = tokenActivity(b.values[r], circuit);
        const a: PromptActivity = {
          prompt: p,
          tokens: b.tokens[r],
          spans: b.spans[r],
          scores: act.scores,
          top: act.scores.map((_, t) => topNeuronsAt(act, t, circuit, opts.topPerToken ?? 5)),
        };
        out[p] = a;
        opts.onPrompt?.(a);
      });
    },
    { signal: ctx.signal, onProgress: (p) => p.stage === 'capture' && ctx.onProgress?.({ stage: 'circuit activity', done: p.done, total: p.total }) },
  );
  return out;
}
