/**
 * The capability job (`cna sweep --capability mmlu`, `cna reproduce`): the bundled MMLU subset under each
 * steering, zero-shot and few-shot, scored by the log-probability of the answer letters after the prompt
 * (formatted as every other prompt of the run: chat template unless raw). Forward passes only, one capture
 * request per steering with last-token logits; no generation.
 *
 * A few-shot prompt longer than the model's context drops solved examples until it fits (the result says how
 * many were used on average); a question that does not fit even alone is skipped and counted.
 */
import { performance } from 'node:perf_hooks';
import {
  accuracyScore,
  CHANCE_ACCURACY,
  formatQuestion,
  letterLogProbs,
  letterPieces,
  letterTokenIds,
  predictedChoice,
  type CapabilityPoint,
  type CapabilityRun,
  type ChoiceQuestion,
} from '../cna/capability';
import { UserError } from '../errors';
import type { Header } from '../pairs/types';
import type { PromptSpec, Steering } from '../protocol';
import { promptSpec } from './attribute';
import type { JobContext } from './context';
import { mmluQuestions } from './referenceData';

export const CAPABILITY_CHECKS = ['mmlu'] as const;
export type CapabilityName = (typeof CAPABILITY_CHECKS)[number];
export type { CapabilityPoint, CapabilityRun };
/** Zero-shot and Hendrycks et al.'s 5-shot. */
export const MMLU_SHOTS: readonly number[] = [0, 5];

/** Checks a `--capability` value. */
export function capabilityName(value: string): CapabilityName {
  if ((CAPABILITY_CHECKS as readonly string[]).includes(value)) return value as CapabilityName;
  throw new UserError(`--capability must be one of ${CAPABILITY_CHECKS.join(', ')}, not '${value}'.`);
}

export interface CapabilityVariant {
  multiplier: number;
  /** Omitted = the unchanged model. */
  steering?: Steering;
}

export interface CapabilityOptions {
  name?: CapabilityName;
  /** How prompts are formatted (template, system message, date), as the run's other prompts. */
  header: Header;
  variants: readonly CapabilityVariant[];
  /** Solved examples per prompt, one run each (default 0 and 5). */
  shots?: readonly number[];
  /** Default: the bundled subset (data/mmlu/test.csv) and its dev questions. */
  questions?: readonly ChoiceQuestion[];
  dev?: readonly ChoiceQuestion[];
  /** Only the first N questions (quick looks). */
  limit?: number;
  batchSize?: number;
}

export interface CapabilityDetail {
  multiplier: number;
  shots: number;
  /** Index into the questions. */
  question: number;
  shotsUsed: number;
  logProbs: number[];
  predicted: number;
}

export interface CapabilityResult {
  points: CapabilityPoint[];
  details: CapabilityDetail[];
  questions: number;
  ms: number;
}

export async function runCapability(ctx: JobContext, opts: CapabilityOptions): Promise<CapabilityResult> {
  const start = performance.now();
  const name = opts.name ?? 'mmlu';
  const shotsList = [...(opts.shots ?? MMLU_SHOTS)];
  const questions = (opts.questions ?? (await mmluQuestions('test'))).slice(0, opts.limit ?? Infinity);
  const dev = opts.dev ?? (await mmluQuestions('dev'));
  if (questions.length === 0) throw new UserError('No capability questions to score.');
  if (!ctx.engine.tokenize || !ctx.engine.tokenIds) throw new Error('The capability check needs an engine that tokenizes.');
  const devOf = new Map<string, ChoiceQuestion[]>();
  for (const d of dev) devOf.set(d.subject, [...(devOf.get(d.subject) ?? []), d]);
  const maxShots = Math.max(...shotsList);

  // Every question with 0..maxShots examples, tokenized once, to find what fits the context.
  const textOf = (q: number, s: number) => formatQuestion(questions[q], (devOf.get(questions[q].subject) ?? []).slice(0, s));
  const candidates = questions.flatMap((_, q) => Array.from({ length: maxShots + 1 }, (_, s) => promptSpec(textOf(q, s), opts.header)));
  const tok = await ctx.engine.tokenize(ctx.model, candidates, { signal: ctx.signal });
  const letters = letterTokenIds((await ctx.engine.tokenIds(ctx.model, letterPieces(), { signal: ctx.signal })).ids);
  const fits = (q: number, s: number) => tok.contextLength === null || tok.counts[q * (maxShots + 1) + s] <= tok.contextLength;
  const available = (q: number) => devOf.get(questions[q].subject)?.length ?? 0;

  // Per run and question: the examples used (-1 = skipped); the prompts to run, each once.
  const used = shotsList.map((k) =>
    questions.map((_, q) => {
      for (let s = Math.min(k, available(q)); s >= 0; s--) if (fits(q, s)) return s;
      return -1;
    }),
  );
  const promptIndex = new Map<string, number>();
  const specs: PromptSpec[] = [];
  used.forEach((row) =>
    row.forEach((s, q) => {
      const key = `${q}:${s}`;
      if (s < 0 || promptIndex.has(key)) return;
      promptIndex.set(key, specs.length);
      specs.push(candidates[q * (maxShots + 1) + s]);
    }),
  );

  const points: CapabilityPoint[] = [];
  const details: CapabilityDetail[] = [];
  const total = specs.length * opts.variants.length;
  for (const [v, variant] of opts.variants.entries()) {
    const logProbs: number[][] = new Array<number[]>(specs.length);
    await ctx.engine.forEachActivation(
      { model: ctx.model, prompts: specs, logits: true, batchSize: opts.batchSize, ...(variant.steering ? { steering: variant.steering } : {}) },
      (b) => {
        if (!b.logits) throw new Error('The engine sent no logits.');
        const vocab = b.logits.length / b.indices.length;
        b.indices.forEach((p, r) => {
          logProbs[p] = letterLogProbs(b.logits!.subarray(r * vocab, (r + 1) * vocab), letters);
        });
      },
      {
        signal: ctx.signal,
        onProgress: (p) => {
          if (p.stage === 'capture') ctx.onProgress?.({ stage: name.toUpperCase(), done: v * specs.length + p.done, total });
        },
      },
    );
    const runs = shotsList.map((k, r): CapabilityRun => {
      const predicted: number[] = [];
      const answers: number[] = [];
      let shotSum = 0;
      used[r].forEach((s, q) => {
        if (s < 0) return;
        const lp = logProbs[promptIndex.get(`${q}:${s}`)!];
        const choice = predictedChoice(lp);
        predicted.push(choice);
        answers.push(questions[q].answer);
        shotSum += s;
        details.push({ multiplier: variant.multiplier, shots: k, question: q, shotsUsed: s, logProbs: lp, predicted: choice });
      });
      const skipped = used[r].filter((s) => s < 0).length;
      return { shots: k, ...accuracyScore(predicted, answers), meanShots: predicted.length === 0 ? 0 : shotSum / predicted.length, skipped };
    });
    const headline = runs.reduce((a, b) => (b.shots > a.shots ? b : a));
    points.push({ name, ...headline, chance: CHANCE_ACCURACY, runs });
  }
  return { points, details, questions: questions.length, ms: performance.now() - start };
}
