/**
 * Sweep bookkeeping: for each multiplier, the refusal rate and quality of the answers and the first-token
 * KL on benign prompts. The engine generates; this file only scores.
 */
import { UserError } from '../errors';
import { parseNumberList } from '../pairs/directives';
import type { CapabilityPoint } from './capability';
import { collapseStats, type CollapseStats } from './collapse';
import { meanFirstTokenKL } from './kl';
import { quality } from './quality';
import { RefusalDetector, refusalRate } from './refusal';

export const DEFAULT_MULTIPLIERS: readonly number[] = [0, 0.25, 0.5, 0.75, 1, 1.5, 2];

/** Parses `0,0.5,1` or `0 0.5 1` (or a mix); keeps the given order. */
export function parseMultipliers(spec: string, what: 'multiplier' | 'alpha' = 'multiplier'): number[] {
  const r = parseNumberList(spec, { what, ...(what === 'multiplier' ? { min: 0 } : {}) });
  if (!r.ok) throw new UserError(r.message[0].toUpperCase() + r.message.slice(1));
  return r.value;
}

/** What the engine produced for one multiplier. */
export interface SweepRun {
  multiplier: number;
  /** One completion per evaluation prompt. */
  answers: readonly string[];
  /** First-token logits per benign prompt without steering and with it (same order); omit to skip KL. */
  baseLogits?: readonly ArrayLike<number>[];
  steeredLogits?: readonly ArrayLike<number>[];
}

export interface SweepPoint {
  multiplier: number;
  refusalRate: number;
  quality: number;
  /** Mean first-token KL(base || steered); null when no logits were given. */
  kl: number | null;
  /** Number of answers scored. */
  n: number;
  /** Shares of duplicated, empty and stalled answers; `collapsed` flags a point that must not read as success. */
  collapse: CollapseStats;
  /** Refusal on harmless prompts (over-refusal), per benign set, at this multiplier. */
  overRefusal?: BenignScore[];
  /** Multiple-choice accuracy at this multiplier (`--capability mmlu`). */
  capability?: CapabilityPoint;
}

/** Refusal and collapse on one set of harmless prompts: every refusal there is an over-refusal. */
export interface BenignScore {
  /** The set, e.g. `XSTest safe` or `JBB benign`. */
  set: string;
  refusalRate: number;
  n: number;
  collapse: CollapseStats;
}

export function benignScore(set: string, answers: readonly string[], detector: RefusalDetector): BenignScore {
  return { set, refusalRate: refusalRate(answers, detector), n: answers.length, collapse: collapseStats(answers, (a) => detector.isRefusal(a)) };
}

export function sweepPoint(run: SweepRun, detector: RefusalDetector): SweepPoint {
  const haveKl = run.baseLogits !== undefined && run.steeredLogits !== undefined;
  return {
    multiplier: run.multiplier,
    refusalRate: refusalRate(run.answers, detector),
    quality: quality(run.answers),
    kl: haveKl ? meanFirstTokenKL(run.baseLogits!, run.steeredLogits!) : null,
    n: run.answers.length,
    collapse: collapseStats(run.answers, (a) => detector.isRefusal(a)),
  };
}

export function sweepPoints(runs: readonly SweepRun[], detector: RefusalDetector): SweepPoint[] {
  return runs.map((r) => sweepPoint(r, detector));
}
