import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareCircuits, ranks, spearman } from '../../../src/cna/compare';

test('ranks share ties; Spearman is 1 for the same order, -1 for the reverse, null when undefined', () => {
  assert.deepEqual(ranks([10, 30, 20, 30]), [1, 3.5, 2, 3.5]);
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 35, 100]), 1);
  assert.equal(spearman([1, 2, 3], [3, 2, 1]), -1);
  assert.equal(spearman([1], [1]), null);
  assert.equal(spearman([1, 1, 1], [1, 2, 3]), null);
  // Hand-computed: ranks x = 1 2 3 4, y = 2 1 4 3: d^2 = 4, rho = 1 - 6*4/(4*15) = 0.6.
  assert.ok(Math.abs((spearman([1, 2, 3, 4], [2, 1, 4, 3]) as number) - 0.6) < 1e-12);
});

test('compareCircuits counts shared and exclusive neurons per layer and correlates the shared deltas', () => {
  const a = [
    { layer: 0, index: 1, delta: 3 },
    { layer: 1, index: 2, delta: -2 },
    { layer: 1, index: 5, delta: 1 },
    { layer: 2, index: 7, delta: 0.5 },
  ];
  const b = [
    { layer: 1, index: 2, delta: -4 },
    { layer: 2, index: 7, delta: 0.1 },
    { layer: 0, index: 1, delta: 5 },
    { layer: 3, index: 0, delta: 9 },
  ];
  const c = compareCircuits(a, b);
  assert.equal(c.shared, 3);
  assert.equal(c.jaccard, 3 / 5);
  assert.deepEqual(c.layers, [
    { layer: 0, shared: 1, onlyA: 0, onlyB: 0 },
    { layer: 1, shared: 1, onlyA: 1, onlyB: 0 },
    { layer: 2, shared: 1, onlyA: 0, onlyB: 0 },
    { layer: 3, shared: 0, onlyA: 0, onlyB: 1 },
  ]);
  // Shared deltas A = 3, -2, 0.5 and B = 5, -4, 0.1: same order, rho = 1, all signs agree.
  assert.equal(c.rankCorrelation, 1);
  assert.equal(c.signAgreement, 1);
  assert.deepEqual(
    c.sharedNeurons.map((n) => `${n.layer}:${n.index}`),
    ['0:1', '1:2', '2:7'],
  );
});
