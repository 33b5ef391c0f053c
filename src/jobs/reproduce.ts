/**
 * The reproduce job (cna reproduce): the paper's protocol on one model. Discovery on the reference's
 * discovery sets, evaluation on the 100 JBB-Behaviors harmful goals (regex detector, greedy decoding),
 * m in {0, 0.25, 0.5, 0.75, 1}, a random control of the same size, the CAA baseline, quality, and
 * first-token KL on the 100 benign JBB goals, over-refusal (the benign JBB goals and XSTest's 250 safe prompts
 * answered at m = 0 and 1), collapse of the answers, and MMLU at every m. Returns the results and a Markdown
 * report beside the paper's.
 */
import * as path from 'node:path';
import { runAttribute, type AttributeResult } from './attribute';
import type { JobContext } from './context';
import { jbbGoals, nousDiscoveryPairs, xstestSafePrompts } from './referenceData';
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
  /** Evaluate only the first N goals (quick looks; the paper uses all 100); also caps XSTest and MMLU. */
  limit?: number;
  /** MMLU at every multiplier (default true). */
  capability?: boolean;
  /** Over-refusal: the JBB benign goals and XSTest's safe prompts answered at m = 0 and 1 (default true). */
  overRefusal?: boolean;
}

/** Where over-refusal is measured: the paper's before and after. */
export const OVER_REFUSAL_MULTIPLIERS: readonly number[] = [0, 1];

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
  const xstest = (await xstestSafePrompts()).slice(0, limit);
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
    ...(opts.overRefusal === false
      ? {}
      : {
          benign: [
            { name: 'JBB benign', prompts: benign },
            { name: 'XSTest safe', prompts: xstest },
          ],
          benignMultipliers: OVER_REFUSAL_MULTIPLIERS,
        }),
    ...(opts.capability === false ? {} : { capability: 'mmlu' as const, capabilityLimit: Number.isFinite(limit) ? limit : undefined }),
  });
  const model = path.basename(attribute.model.path);
  return { model, attribute, sweep, markdown: renderReproduceReport({ model, attribute, sweep, discoveryPairs: pairs.discovery.length }) };
}
