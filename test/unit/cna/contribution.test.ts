import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jaccard, LeaveOneOutRanker, pairContribution } from '../../../src/cna/contribution';
import { eligibleMask } from '../../../src/cna/rank';
import { bruteTopK, lcg, randomLayers } from './synthetic';

test('contribution by hand, and it changes sign with d', () => {
  // delta on circuit {0, 2}: +2 and -1; N = 2; sum |delta| = 3
  const delta = [2, 5, -1];
  const d = [1, 100, -3];
  // (+1 * 1 + -1 * -3) / (2 * 3) = 4/6
  assert.equal(pairContribution(d, delta, [0, 2], 2), 4 / 6);
  assert.equal(
    pairContribution(
      d.map((x) => -x),
      delta,
      [0, 2],
      2,
    ),
    -4 / 6,
  );
  assert.equal(pairContribution(d, [0, 5, 0], [0, 2], 2), 0);
});

test('jaccard', () => {
  assert.equal(jaccard([1, 2, 3], [2, 3, 4]), 2 / 4);
  assert.equal(jaccard([], []), 1);
  assert.equal(jaccard([1], [2]), 0);
});

interface Synthetic {
  pos: Float32Array[][];
  neg: Float32Array[][];
}

/** delta and d_i as discovery computes them (float64 sums, float32 differences). */
function statistics(s: Synthetic, total: number) {
  const n = s.pos.length;
  const flat = (layers: Float32Array[]) => {
    const out = new Float64Array(total);
    let o = 0;
    for (const l of layers) for (const v of l) out[o++] = v;
    return out;
  };
  const delta = new Float64Array(total);
  const diffs: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const p = flat(s.pos[i]);
    const q = flat(s.neg[i]);
    const d = new Float32Array(total);
    for (let j = 0; j < total; j++) {
      d[j] = p[j] - q[j];
      delta[j] += (p[j] - q[j]) / n;
    }
    diffs.push(d);
  }
  return { delta, diffs };
}

/** The circuit without pair i, recomputed from the raw activations of the other pairs. */
function bruteWithout(s: Synthetic, i: number, total: number, eligible: Uint8Array, k: number): number[] {
  const others: Synthetic = { pos: s.pos.filter((_, m) => m !== i), neg: s.neg.filter((_, m) => m !== i) };
  const { delta } = statistics(others, total);
  return bruteTopK(delta, (j) => eligible[j] === 1, k);
}

function makeData(seed: number, pairs: number, layers: number, width: number, signal: number[]): Synthetic {
  const rand = lcg(seed);
  const s: Synthetic = { pos: [], neg: [] };
  for (let i = 0; i < pairs; i++) {
    const p = randomLayers(rand, layers, width);
    const q = randomLayers(rand, layers, width);
    for (const j of signal) p[Math.floor(j / width)][j % width] += 5 + rand();
    s.pos.push(p);
    s.neg.push(q);
  }
  return s;
}

test('leave-one-out equals a brute-force recomputation on random data', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const layers = 4;
    const width = 50;
    const total = layers * width;
    const s = makeData(seed, 7, layers, width, []);
    const eligible = eligibleMask(layers, width, [0]);
    const k = 10;
    const { delta, diffs } = statistics(s, total);
    const ranker = new LeaveOneOutRanker(delta, eligible, k, s.pos.length);
    for (let i = 0; i < s.pos.length; i++) {
      const got = ranker.circuitWithout(diffs[i]);
      assert.deepEqual(new Set(got), new Set(bruteWithout(s, i, total, eligible, k)), `seed ${seed}, pair ${i}`);
    }
  }
});

test('a clear circuit takes the fast path; an outlier outside it forces an exact full re-rank', () => {
  const layers = 3;
  const width = 100;
  const total = layers * width;
  const signal = [150, 160, 170, 180, 190, 250, 260, 270];
  const k = 8;
  const eligible = eligibleMask(layers, width, [0]);

  const clear = makeData(11, 9, layers, width, signal);
  const st = statistics(clear, total);
  const fast = new LeaveOneOutRanker(st.delta, eligible, k, 9);
  for (let i = 0; i < 9; i++) {
    assert.deepEqual(new Set(fast.circuitWithout(st.diffs[i])), new Set(bruteWithout(clear, i, total, eligible, k)));
  }
  assert.equal(fast.fullReranks, 0);

  // Neuron 120: +40 on every pair but pair 0, which cancels them (-320): delta is 0, so it is no candidate,
  // yet without pair 0 its delta is 40 and it enters the circuit.
  const outlier = makeData(12, 9, layers, width, signal);
  for (let i = 0; i < 9; i++) outlier.pos[i][1][20] = i === 0 ? -320 : 40;
  for (let i = 0; i < 9; i++) outlier.neg[i][1][20] = 0;
  const so = statistics(outlier, total);
  const ranker = new LeaveOneOutRanker(so.delta, eligible, k, 9, 16);
  const without0 = ranker.circuitWithout(so.diffs[0]);
  assert.ok(without0.includes(120));
  assert.deepEqual(new Set(without0), new Set(bruteWithout(outlier, 0, total, eligible, k)));
  for (let i = 1; i < 9; i++) {
    assert.deepEqual(new Set(ranker.circuitWithout(so.diffs[i])), new Set(bruteWithout(outlier, i, total, eligible, k)));
  }
  assert.ok(ranker.fullReranks > 0);
});
