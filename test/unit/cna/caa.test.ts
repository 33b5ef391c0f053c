import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaaAccumulator } from '../../../src/cna/caa';

const f = (...v: number[]) => new Float32Array(v);

test('CAA vectors are per-layer mean MLP output, positive minus negative', () => {
  const caa = new CaaAccumulator(2, 2);
  caa.addPrompt('positive', [f(1, 2), f(0, 4)]);
  caa.addPrompt('positive', [f(3, 2), f(2, 0)]);
  caa.addPrompt('negative', [f(0, 1), f(1, 1)]);
  // means: positive L0 (2,2) L1 (1,2); negative L0 (0,1) L1 (1,1)
  const v = caa.vectors();
  assert.equal(v.length, 2);
  assert.deepEqual([...v[0]], [2, 1]);
  assert.deepEqual([...v[1]], [0, 1]);
  assert.equal(caa.count('positive'), 2);
});

test('CAA needs both sides and hidden-size vectors', () => {
  const caa = new CaaAccumulator(1, 3);
  caa.addPrompt('positive', [f(1, 2, 3)]);
  assert.throws(() => caa.vectors(), /at least one positive and one negative/);
  assert.throws(() => caa.addPrompt('negative', [f(1, 2)]), /expected 3/);
});
