import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseK, eligibleMask, parseLayerSpec, parseTop, rankByMagnitude, selectTop } from '../../../src/cna/rank';
import { UserError } from '../../../src/errors';
import { bruteTopK, lcg } from './synthetic';

test('parseTop: percentages and counts', () => {
  assert.deepEqual(parseTop('0.1%'), { kind: 'percent', percent: 0.1 });
  assert.deepEqual(parseTop(' 2 % '), { kind: 'percent', percent: 2 });
  assert.deepEqual(parseTop('.5%'), { kind: 'percent', percent: 0.5 });
  assert.deepEqual(parseTop('200'), { kind: 'count', count: 200 });
  assert.deepEqual(parseTop(1600), { kind: 'count', count: 1600 });
  for (const bad of ['0%', '101%', '0', '-5', '1.5', 'abc', '', '%', 2.5]) {
    assert.throws(() => parseTop(bad), UserError, String(bad));
  }
});

test('parseLayerSpec: ranges, lists, none, and layers the model lacks', () => {
  assert.deepEqual(parseLayerSpec('0-1'), [0, 1]);
  assert.deepEqual(parseLayerSpec('0,1,5'), [0, 1, 5]);
  assert.deepEqual(parseLayerSpec(' 5, 0 - 2 ,1'), [0, 1, 2, 5]);
  assert.deepEqual(parseLayerSpec(''), []);
  assert.deepEqual(parseLayerSpec('none'), []);
  assert.throws(() => parseLayerSpec('2-1'), UserError);
  assert.throws(() => parseLayerSpec('0,x'), /0-1 or 0,1,5/);
  assert.throws(() => parseLayerSpec('0-28', 28), /layers 0 to 27/);
  assert.deepEqual(parseLayerSpec('26-27', 28), [26, 27]);
});

test('k as a percentage of all MLP neurons records the reference count', () => {
  const c = chooseK(parseTop('0.1%'), 1_532_000, 1_500_000);
  assert.equal(c.k, 1532);
  assert.equal(c.alternativeK, 200);
  assert.equal(c.note, '0.1% = 1,532 neurons; reference default 200');
  // Qwen2.5-1.5B: 28 x 8960 = 250,880 neurons -> 250.88 -> 251
  assert.equal(chooseK(parseTop('0.1%'), 250_880, 240_000).k, 251);
  // never below 1
  assert.equal(chooseK(parseTop('0.1%'), 100, 100).k, 1);
});

test('k as a count records the paper percentage', () => {
  const c = chooseK(parseTop('200'), 250_880, 240_000);
  assert.equal(c.k, 200);
  assert.equal(c.alternativeK, 251);
  assert.equal(c.note, '200 neurons = 0.08% of 250,880; paper default 0.1% = 251 neurons');
});

test('k is clamped to the neurons that may be ranked, and says so', () => {
  const c = chooseK(parseTop('200'), 1000, 150);
  assert.equal(c.k, 150);
  assert.match(c.note, /clamped to the 150 neurons/);
});

test('ties break by layer, then index', () => {
  // 3 layers x 2: all |delta| equal except one
  const delta = new Float64Array([1, -1, 1, 2, -1, 1]);
  const all = eligibleMask(3, 2, []);
  assert.deepEqual(rankByMagnitude(delta, all, 4), [3, 0, 1, 2]);
  // reversed input order of equal values gives the same answer
  assert.deepEqual(rankByMagnitude(delta, all, 6), [3, 0, 1, 2, 4, 5]);
});

test('excluded layers and masked neurons never enter the ranking', () => {
  const delta = new Float64Array([9, 8, 1, 2, 3, 4]);
  assert.deepEqual(rankByMagnitude(delta, eligibleMask(3, 2, [0]), 2), [5, 4]);
  const universal = new Uint8Array([0, 0, 0, 0, 0, 1]);
  assert.deepEqual(rankByMagnitude(delta, eligibleMask(3, 2, [0], universal), 2), [4, 3]);
  assert.deepEqual([...eligibleMask(3, 2, [0, 2])], [0, 0, 1, 1, 0, 0]);
});

test('heap selection equals a full sort on random data with many ties', () => {
  const rand = lcg(7);
  for (let trial = 0; trial < 20; trial++) {
    const n = 500;
    // values from a small set, so ties are common
    const values = Array.from({ length: n }, () => Math.floor(rand() * 11) - 5);
    const k = 1 + Math.floor(rand() * 60);
    const keep = (j: number) => j % 7 !== 3;
    assert.deepEqual(
      selectTop(n, (j) => Math.abs(values[j]), k, keep),
      bruteTopK(values, keep, k),
    );
  }
});

test('NaN never outranks a number', () => {
  assert.deepEqual(
    selectTop(3, (j) => [NaN, 0, 1][j], 2),
    [2, 1],
  );
});
