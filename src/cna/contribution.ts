/**
 * Per-pair contribution and leave-one-out overlap (docs/cnapairs.md, "Per-pair contribution").
 *
 * c_i = sum_{j in C} sign(delta_j) * d_i[j] / (N * sum_{j in C} |delta_j|): pair i's share of the circuit's
 * separation. Because delta = mean_i d_i, the N shares sum to 1; swapping a pair's sides negates d_i.
 *
 * Leave-one-out: without pair i, delta^(-i) = (N * delta - d_i) / (N - 1) on every neuron, so the circuit
 * without i is a re-rank, with no forward pass. Dividing by N - 1 does not change the order, so we rank by
 * |N * delta_j - d_i[j]|.
 *
 * Exactness of the fast path. Let S be the M neurons with the largest |delta| (M = max(4k, k + 64)), and
 * tau the largest |delta_j| of an eligible neuron outside S. For j outside S,
 * |N delta_j - d_i[j]| <= N tau + D_i, where D_i = max |d_i[j]| over eligible j outside S. Rank S exactly;
 * if its k-th value kappa is strictly above N tau + D_i, no outside neuron can reach the top k (not even
 * on a tie), so the top k of S is the top k of all. Otherwise (a pair with an outlier far outside the
 * circuit) that pair gets a full re-rank. Both paths give the same set; the fast path saves the selection
 * over all neurons, the bound costs one linear pass over d_i, which reading d_i costs anyway.
 */
import { PairStore } from './accumulate';
import { rankByMagnitude, selectTop } from './rank';

export interface PairContributionRow {
  /** The pair's line in the .cnapairs file (supplied by the caller). */
  line: number;
  contribution: number;
  /** Jaccard of the circuit with and without this pair; null when there is only one pair. */
  leaveOneOutOverlap: number | null;
}

/** c_i for one pair's difference vector d (flat) along circuit C (flat indices). 0 if delta is 0 on C. */
export function pairContribution(d: ArrayLike<number>, delta: ArrayLike<number>, circuit: readonly number[], pairCount: number): number {
  let num = 0;
  let den = 0;
  for (const j of circuit) {
    num += Math.sign(delta[j]) * d[j];
    den += Math.abs(delta[j]);
  }
  return den === 0 ? 0 : num / (pairCount * den);
}

/** |A ∩ B| / |A ∪ B|; two empty sets are identical (1). */
export function jaccard(a: readonly number[], b: readonly number[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  const union = sa.size + sb.size - inter;
  return union === 0 ? 1 : inter / union;
}

/** The circuit without one pair, exactly, from delta and that pair's d_i (see the header). */
export class LeaveOneOutRanker {
  /** Candidate flat indices, ascending (so position order is the (layer, index) tie-break order). */
  private readonly candidates: number[];
  private readonly inCandidates: Uint8Array;
  private readonly tau: number;
  private readonly eligibleCount: number;
  /** How many pairs needed the full re-rank (for tests and the benchmark). */
  fullReranks = 0;

  constructor(
    private readonly delta: Float64Array,
    private readonly eligible: Uint8Array,
    private readonly k: number,
    private readonly pairCount: number,
    candidateCount = Math.max(4 * k, k + 64),
  ) {
    this.candidates = rankByMagnitude(delta, eligible, candidateCount).sort((a, b) => a - b);
    this.inCandidates = new Uint8Array(delta.length);
    for (const j of this.candidates) this.inCandidates[j] = 1;
    let tau = 0;
    let eligibleCount = 0;
    for (let j = 0; j < delta.length; j++) {
      if (eligible[j] !== 1) continue;
      eligibleCount++;
      if (this.inCandidates[j] === 0) tau = Math.max(tau, Math.abs(delta[j]));
    }
    this.tau = tau;
    this.eligibleCount = eligibleCount;
  }

  /** Flat indices of the top k without the pair whose difference is d, best first. */
  circuitWithout(d: ArrayLike<number>): number[] {
    const n = this.pairCount;
    const delta = this.delta;
    const key = (j: number) => Math.abs(n * delta[j] - d[j]);
    const cand = this.candidates;
    const top = selectTop(cand.length, (p) => key(cand[p]), this.k).map((p) => cand[p]);
    if (cand.length === this.eligibleCount || top.length < this.k) return top;
    let outside = 0;
    for (let j = 0; j < d.length; j++) {
      if (this.eligible[j] === 1 && this.inCandidates[j] === 0) outside = Math.max(outside, Math.abs(d[j]));
    }
    const bound = n * this.tau + outside;
    const kappa = key(top[this.k - 1]);
    // The margin covers rounding in n * delta - d; when in doubt, re-rank everything.
    if (kappa > bound * (1 + 1e-9) + Number.MIN_VALUE) return top;
    this.fullReranks++;
    return selectTop(delta.length, key, this.k, (j) => this.eligible[j] === 1);
  }
}

export interface PairContributionInput {
  store: PairStore;
  /** Line of each pair, indexed by pair index 0..N-1. */
  lines: readonly number[];
  delta: Float64Array;
  /** Neurons that may be ranked (layer exclusion and universal filter applied). */
  eligible: Uint8Array;
  /** The circuit as flat indices. */
  circuit: readonly number[];
}

/** One row per pair: contribution and leave-one-out overlap, reading each d_i once from the store. */
export async function pairContributions(input: PairContributionInput): Promise<PairContributionRow[]> {
  const n = input.lines.length;
  const k = input.circuit.length;
  const ranker = n > 1 ? new LeaveOneOutRanker(input.delta, input.eligible, k, n) : undefined;
  const rows: PairContributionRow[] = [];
  for (let i = 0; i < n; i++) {
    const d = await input.store.get(i);
    rows.push({
      line: input.lines[i],
      contribution: pairContribution(d, input.delta, input.circuit, n),
      leaveOneOutOverlap: ranker ? jaccard(input.circuit, ranker.circuitWithout(d)) : null,
    });
  }
  return rows;
}
