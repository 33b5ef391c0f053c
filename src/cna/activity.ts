/**
 * Circuit activity per token: how strongly a prompt's tokens push the circuit's neurons toward the positive
 * side. For circuit neuron j with last-token means mu+_j, mu-_j (delta_j = mu+_j - mu-_j), a value a at any
 * position scores z_j = (a - (mu+_j + mu-_j) / 2) / delta_j: 0 halfway between the two means, +0.5 at the
 * positive mean, -0.5 at the negative mean, whatever the neuron's sign or scale. A token's score is the mean
 * of z_j over the circuit: about +0.5 where the circuit reads like the average positive prompt's last token,
 * about -0.5 like the average negative's. (A circuit file without means, the reference layout, centres at 0.)
 */

export interface ActivityNeuron {
  layer: number;
  index: number;
  delta: number;
  meanPositive: number;
  meanNegative: number;
}

export const ACTIVITY_SCORE_DEFINITION =
  'mean over the circuit neurons of (activation - midpoint of the last-token positive and negative means) / delta: +0.5 = like the average positive prompt, -0.5 = like the average negative';

export interface TokenActivity {
  /** One score per token. */
  scores: number[];
  /** tokens x neurons z values, row-major. */
  z: Float64Array;
}

/** Scores of every token from `values` (tokens x neurons, neurons in `neurons` order). */
export function tokenActivity(values: ArrayLike<number>, neurons: readonly ActivityNeuron[]): TokenActivity {
  const N = neurons.length;
  const T = N === 0 ? 0 : values.length / N;
  const z = new Float64Array(T * N);
  const scores: number[] = [];
  const mid = neurons.map((n) => (n.meanPositive + n.meanNegative) / 2);
  for (let t = 0; t < T; t++) {
    let sum = 0;
    for (let j = 0; j < N; j++) {
      const d = neurons[j].delta;
      const v = d === 0 ? 0 : (values[t * N + j] - mid[j]) / d;
      z[t * N + j] = v;
      sum += v;
    }
    scores.push(N === 0 ? 0 : sum / N);
  }
  return { scores, z };
}

/** The `k` neurons with the largest |z| at token t, largest first. */
export function topNeuronsAt(activity: TokenActivity, t: number, neurons: readonly ActivityNeuron[], k = 5): { layer: number; index: number; z: number }[] {
  const N = neurons.length;
  return neurons
    .map((n, j) => ({ layer: n.layer, index: n.index, z: activity.z[t * N + j] }))
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.layer - b.layer || a.index - b.index)
    .slice(0, k);
}
