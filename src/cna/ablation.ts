/**
 * What ablating neurons does to the next-token distribution of a prompt, from first-token logits only (no
 * generation): KL(p_base || p_ablated) and the change of the refusal-token mass, the probability that the
 * answer starts with a refusal opener's first token.
 */
import { firstTokenKL } from './kl';

/**
 * Openers of a refusal. Their first tokens (encoded without special tokens, with and without a leading space)
 * form the refusal-token set; "I" is in it (from "I cannot"), so the mass is an upper bound on the chance of
 * opening with a refusal, and its change is what the page reports.
 */
export const REFUSAL_OPENERS = ["I'm sorry", 'I cannot', "I can't", 'I apologize', 'Sorry', 'Unfortunately', 'As an AI', "I won't"];

/** The texts whose first tokens make the refusal-token set. */
export function refusalOpenerTexts(): string[] {
  return REFUSAL_OPENERS.flatMap((t) => [t, ` ${t}`]);
}

/** Distinct first ids of each encoding (empty encodings skipped). */
export function firstTokenSet(encodings: readonly (readonly number[])[]): number[] {
  return [...new Set(encodings.filter((e) => e.length > 0).map((e) => e[0]))].sort((a, b) => a - b);
}

/** softmax(logits) summed over `ids` (ids outside the vocabulary add nothing). */
export function tokenMass(logits: ArrayLike<number>, ids: readonly number[]): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  let mass = 0;
  for (const id of ids) if (id >= 0 && id < logits.length) mass += Math.exp(logits[id] - max);
  return mass / sum;
}

export interface AblationEffect {
  /** Mean over prompts of KL(p_base || p_ablated) of the first token, in nats. */
  kl: number;
  /** Mean refusal-token mass without and with the ablation, and their difference (after - before). */
  refusalMassBefore: number;
  refusalMassAfter: number;
  refusalMassChange: number;
}

/** Sums one ablation's effect prompt by prompt, so no prompt's logits need to be kept. */
export class AblationAccumulator {
  private kl = 0;
  private before = 0;
  private after = 0;
  private n = 0;

  constructor(private readonly refusalIds: readonly number[]) {}

  add(base: ArrayLike<number>, ablated: ArrayLike<number>): void {
    this.kl += firstTokenKL(base, ablated);
    this.before += tokenMass(base, this.refusalIds);
    this.after += tokenMass(ablated, this.refusalIds);
    this.n++;
  }

  result(): AblationEffect {
    const n = this.n;
    if (n === 0) throw new Error('ablation effect of no prompt');
    return { kl: this.kl / n, refusalMassBefore: this.before / n, refusalMassAfter: this.after / n, refusalMassChange: (this.after - this.before) / n };
  }
}

/** The effect of one ablation over prompts: `base[p]` and `ablated[p]` are prompt p's first-token logits. */
export function ablationEffect(base: readonly ArrayLike<number>[], ablated: readonly ArrayLike<number>[], refusalIds: readonly number[]): AblationEffect {
  if (base.length !== ablated.length) throw new Error(`ablation needs logits of the same prompts, got ${base.length} and ${ablated.length}`);
  const acc = new AblationAccumulator(refusalIds);
  base.forEach((b, p) => acc.add(b, ablated[p]));
  return acc.result();
}
