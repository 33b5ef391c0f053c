/**
 * Circuit activity per token: how strongly, and toward which side, the circuit's neurons fire at each token
 * of a prompt. For circuit neuron j with delta_j (mean on positive prompts minus mean on negative, at the
 * last token), a value a at any position reads z_j = a / delta_j: the activation in units of the neuron's own
 * delta, positive when it pushes the way the positive prompts do. A token's score is the |delta|-weighted
 * mean of z_j, i.e. sum_j sign(delta_j) a_j / sum_j |delta_j|: 0 where the circuit is silent, +1 where it
 * fires one full delta toward the positive side on average, -1 one delta toward the negative side.
 * (Centring on the last-token means instead would score every ordinary token by its distance from the
 * last-token statistics, a constant offset that hides where the circuit really fires.)
 */

export interface ActivityNeuron {
  layer: number;
  index: number;
  delta: number;
}

export const ACTIVITY_SCORE_DEFINITION =
  'sum over circuit neurons of sign(delta) x activation / sum of |delta|: 0 = the circuit is silent, +1 = one delta toward the positive side on average, -1 toward the negative side';

export interface TokenActivity {
  /** One score per token. */
  scores: number[];
  /** tokens x neurons z values (activation / delta), row-major. */
  z: Float64Array;
}

/** Scores of every token from `values` (tokens x neurons, neurons in `neurons` order). */
export function tokenActivity(values: ArrayLike<number>, neurons: readonly ActivityNeuron[]): TokenActivity {
  const N = neurons.length;
  const T = N === 0 ? 0 : values.length / N;
  const z = new Float64Array(T * N);
  const scores: number[] = [];
  const total = neurons.reduce((s, n) => s + Math.abs(n.delta), 0);
  for (let t = 0; t < T; t++) {
    let sum = 0;
    for (let j = 0; j < N; j++) {
      const d = neurons[j].delta;
      const a = values[t * N + j];
      z[t * N + j] = d === 0 ? 0 : a / d;
      sum += Math.sign(d) * a;
    }
    scores.push(total === 0 ? 0 : sum / total);
  }
  return { scores, z };
}

/** The `k` neurons that move token t's score most (largest |delta_j z_j| = |activation|), largest first. */
export function topNeuronsAt(activity: TokenActivity, t: number, neurons: readonly ActivityNeuron[], k = 5): { layer: number; index: number; z: number }[] {
  const N = neurons.length;
  // A short sorted list instead of sorting all N per token (N is a few hundred, tokens many).
  const best: { j: number; w: number }[] = [];
  for (let j = 0; j < N; j++) {
    const w = Math.abs(neurons[j].delta * activity.z[t * N + j]);
    if (best.length === k && w <= best[k - 1].w) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].w < w) at--;
    best.splice(at, 0, { j, w });
    if (best.length > k) best.pop();
  }
  return best.map(({ j }) => ({ layer: neurons[j].layer, index: neurons[j].index, z: activity.z[t * N + j] }));
}
