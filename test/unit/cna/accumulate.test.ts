import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPairStore, PairDifferences, SideMeans } from '../../../src/cna/accumulate';
import { rows } from './synthetic';

const shape = { layers: 2, intermediateSize: 3 };

test('means and signed delta by hand', () => {
  const m = new SideMeans(shape);
  m.addPrompt('positive', rows([1, 0, 2], [3, 1, 0]));
  m.addPrompt('positive', rows([3, 0, 0], [1, 1, 2]));
  m.addPrompt('negative', rows([0, 1, 2], [1, 1, 0]));
  m.addPrompt('negative', rows([0, 1, 0], [1, 4, 0]));
  m.addPrompt('negative', rows([0, 1, 1], [1, 1, 3]));
  assert.equal(m.count('positive'), 2);
  assert.equal(m.count('negative'), 3);
  assert.deepEqual([...m.mean('positive')], [2, 0, 1, 2, 1, 1]);
  assert.deepEqual([...m.mean('negative')], [0, 1, 1, 1, 2, 1]);
  assert.deepEqual([...m.delta()], [2, -1, 0, 1, -1, 0]);
});

test('sums are float64: float32 accumulation would lose the small values', () => {
  const m = new SideMeans({ layers: 1, intermediateSize: 1 });
  m.addPrompt('positive', rows([1e8]));
  for (let i = 0; i < 999; i++) m.addPrompt('positive', rows([1]));
  m.addPrompt('negative', rows([0]));
  // float32 would round 1e8 + 1 back to 1e8 each time: mean 1e5 exactly instead of 100000.999
  assert.equal(m.mean('positive')[0], (1e8 + 999) / 1000);
});

test('shape errors name the layer', () => {
  const m = new SideMeans(shape);
  assert.throws(() => m.addPrompt('positive', rows([1, 2, 3])), /expected 2 layers/);
  assert.throws(() => m.addPrompt('positive', rows([1, 2, 3], [1, 2])), /layer 1 has 2 values/);
  assert.throws(() => m.delta(), /at least one positive and one negative/);
});

test('pair differences: p - n in either order, stored flat', async () => {
  const store = new MemoryPairStore();
  const pd = new PairDifferences(shape, store);
  await pd.addPrompt(1, 'negative', rows([0, 1, 2], [1, 1, 0]));
  await pd.addPrompt(0, 'positive', rows([3, 0, 0], [1, 1, 2]));
  await pd.addPrompt(1, 'positive', rows([1, 0, 2], [3, 1, 0]));
  assert.deepEqual(pd.completePairs(), [1]);
  assert.deepEqual(pd.incompletePairs(), [0]);
  await pd.addPrompt(0, 'negative', rows([0, 1, 0], [1, 4, 0]));
  assert.deepEqual([...store.get(1)], [1, -1, 0, 2, 0, 0]);
  assert.deepEqual([...store.get(0)], [3, -1, 0, 0, -3, 2]);
  await assert.rejects(pd.addPrompt(0, 'positive', rows([0, 0, 0], [0, 0, 0])), /third prompt/);
  await pd.addPrompt(2, 'positive', rows([0, 0, 0], [0, 0, 0]));
  await assert.rejects(pd.addPrompt(2, 'positive', rows([0, 0, 0], [0, 0, 0])), /two positive prompts/);
});
