/**
 * Damage on benign prompts: KL(p_base || p_steered) of the first-token distribution, from the two logits
 * vectors of one prompt. Log-softmax in float64 with the max subtracted, so large logits never overflow.
 */

function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
  return out;
}

/** KL(p || q) in nats, p = softmax(base), q = softmax(steered). Tokens with p = 0 add nothing. */
export function firstTokenKL(baseLogits: ArrayLike<number>, steeredLogits: ArrayLike<number>): number {
  if (baseLogits.length !== steeredLogits.length) {
    throw new Error(`KL needs logits of equal length, got ${baseLogits.length} and ${steeredLogits.length}.`);
  }
  const lp = logSoftmax(baseLogits);
  const lq = logSoftmax(steeredLogits);
  let kl = 0;
  for (let i = 0; i < lp.length; i++) {
    const p = Math.exp(lp[i]);
    if (p === 0) continue;
    kl += p * (lp[i] - lq[i]);
  }
  // Rounding can leave a tiny negative value for identical distributions; KL is never below 0.
  return Math.max(0, kl);
}

/** Mean first-token KL over prompts; NaN when there is no prompt. */
export function meanFirstTokenKL(base: readonly ArrayLike<number>[], steered: readonly ArrayLike<number>[]): number {
  if (base.length !== steered.length) {
    throw new Error(`KL needs as many steered as base logits, got ${steered.length} and ${base.length}.`);
  }
  if (base.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < base.length; i++) sum += firstTokenKL(base[i], steered[i]);
  return sum / base.length;
}
