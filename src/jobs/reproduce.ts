/**
 * The reproduce job (cna reproduce): the paper's protocol on one model. Discovery on the reference's
 * discovery sets, evaluation on the 100 JBB-Behaviors harmful goals (regex detector, greedy decoding),
 * m in {0, 0.25, 0.5, 0.75, 1}, a random control of the same size, the CAA baseline, quality, and
 * first-token KL on the 100 benign JBB goals. Returns the results and a Markdown report beside the paper's.
 */
import * as path from 'node:path';
import { runAttribute, type AttributeResult } from './attribute';
import type { JobContext } from './context';
import { jbbGoals, nousDiscoveryPairs } from './referenceData';
import { renderReproduceReport } from './reproduceReport';
import { DEFAULT_MAX_NEW_TOKENS, runSweep, type SweepResult } from './sweep';

export const REPRODUCE_MULTIPLIERS: readonly number[] = [0, 0.25, 0.5, 0.75, 1];

export interface ReproduceOptions {
  maxNewTokens?: number;
  multipliers?: number[];
  /** Circuit size (default the paper's 0.1%). */
  top?: string;
  /** Default true (the paper); false reproduces the reference code. */
  universalFilter?: boolean;
  caa?: boolean;
  seed?: number;
  batchSize?: number;
  /** Evaluate only the first N goals (quick looks; the paper uses all 100). */
  limit?: number;
}

export interface ReproduceResult {
  model: string;
  attribute: AttributeResult;
  sweep: SweepResult;
  markdown: string;
}

export async function runReproduce(ctx: JobContext, opts: ReproduceOptions = {}): Promise<ReproduceResult> {
  const pairs = await nousDiscoveryPairs();
  const limit = opts.limit ?? Infinity;
  const harmful = (await jbbGoals('harmful')).slice(0, limit);
  const benign = (await jbbGoals('benign')).slice(0, limit);
  const attribute = await runAttribute(ctx, { pairs, top: opts.top, universalFilter: opts.universalFilter, batchSize: opts.batchSize });
  const sweep = await runSweep(ctx, {
    pairs,
    circuit: attribute,
    circuitFile: '(found by this run)',
    multipliers: opts.multipliers ?? [...REPRODUCE_MULTIPLIERS],
    evaluation: {
      prompts: harmful,
      klPrompts: benign,
      description: `the ${harmful.length} JBB-Behaviors harmful goals (KL on the ${benign.length} benign goals)`,
    },
    detector: 'regex',
    control: 'random',
    seed: opts.seed,
    caa: opts.caa ?? true,
    maxNewTokens: opts.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS,
    batchSize: opts.batchSize,
  });
  const model = path.basename(attribute.model.path);
  return { model, attribute, sweep, markdown: renderReproduceReport({ model, attribute, sweep, discoveryPairs: pairs.discovery.length }) };
}
