import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discover, PromptActivations } from '../../../src/cna/discover';
import { ModelIdentity } from '../../../src/cna/circuit';
import { lcg, randomLayers, rows } from './synthetic';

const model = (layers: number, width: number): ModelIdentity => ({
  path: 'models/tiny',
  fingerprint: 'sha256:abc',
  layers,
  intermediateSize: width,
  totalNeurons: layers * width,
});

// 2 layers x 3 neurons, 2 pairs (hand example):
// d1 = P1 - N1 = [[1,-1,0],[2,0,0]], d2 = P2 - N2 = [[3,-1,0],[0,-3,2]], delta = [[2,-1,0],[1,-1.5,1]]
const handPrompts: PromptActivations[] = [
  { pairIndex: 0, side: 'positive', layers: rows([1, 0, 2], [3, 1, 0]) },
  { pairIndex: 0, side: 'negative', layers: rows([0, 1, 2], [1, 1, 0]) },
  { pairIndex: 1, side: 'negative', layers: rows([0, 1, 0], [1, 4, 0]) },
  { pairIndex: 1, side: 'positive', layers: rows([3, 0, 0], [1, 1, 2]) },
];

async function* stream<T>(items: readonly T[]): AsyncIterable<T> {
  for (const x of items) yield x;
}

test('discovery on a hand-computed example', async () => {
  const c = await discover({
    feature: 'refusal',
    model: model(2, 3),
    pairLines: [5, 9],
    prompts: stream(handPrompts),
    top: 3,
    excludeLayers: 'none',
    universalFilter: false,
  });
  // |delta|: (0,0) 2, (1,1) 1.5, then a three-way tie at 1: (0,1) wins on layer, index
  assert.deepEqual(
    c.neurons.map((n) => [n.layer, n.index, n.delta, n.meanPositive, n.meanNegative]),
    [
      [0, 0, 2, 2, 0],
      [1, 1, -1.5, 1, 2.5],
      [0, 1, -1, 0, 1],
    ],
  );
  assert.equal(c.k, 3);
  assert.equal(c.settings.top, '3');
  assert.deepEqual(c.settings.excludeLayers, []);
  // c1 = (1*1 + -1*0 + -1*-1) / (2 * 4.5) = 2/9; c2 = (3 + 3 + 1) / 9 = 7/9
  assert.equal(c.pairs.length, 2);
  assert.equal(c.pairs[0].line, 5);
  assert.ok(Math.abs(c.pairs[0].contribution - 2 / 9) < 1e-12);
  assert.ok(Math.abs(c.pairs[1].contribution - 7 / 9) < 1e-12);
  // Without pair 1 the circuit is d2's top 3 {(0,0),(1,1),(1,2)}; without pair 2 it is d1's
  // {(1,0),(0,0),(0,1)}: 2 shared of 4 either way.
  assert.equal(c.pairs[0].leaveOneOutOverlap, 0.5);
  assert.equal(c.pairs[1].leaveOneOutOverlap, 0.5);
  assert.match(c.notes[0], /^3 neurons = 50% of 6; paper default 0.1% = 1 neurons/);
});

test('excluded layers leave the ranking (default 0-1)', async () => {
  const c = await discover({
    feature: 'f',
    model: model(2, 3),
    pairLines: [1, 2],
    prompts: handPrompts,
    top: 2,
    excludeLayers: [0],
    universalFilter: false,
  });
  assert.deepEqual(
    c.neurons.map((n) => [n.layer, n.index]),
    [
      [1, 1],
      [1, 0],
    ],
  );
  await assert.rejects(discover({ feature: 'f', model: model(2, 3), pairLines: [1, 2], prompts: handPrompts, universalFilter: false }), /No neuron is left to rank/);
});

/** Synthetic data with a planted circuit in layers 2-3 and one universal neuron that also separates. */
function planted(pairs: number, swapPair?: number) {
  const layers = 4;
  const width = 100; // wide enough that random neurons are rarely in a top 20 on 8 of 10 prompts
  const rand = lcg(99);
  const prompts: PromptActivations[] = [];
  for (let i = 0; i < pairs; i++) {
    const p = randomLayers(rand, layers, width, 0.1);
    const q = randomLayers(rand, layers, width, 0.1);
    for (const [l, j, s] of [
      [2, 4, 3],
      [2, 9, -2],
      [3, 0, 4],
      [3, 7, 2.5],
      [3, 29, 1],
    ] as const)
      p[l][j] += s;
    p[3][10] += 10; // universal neuron (see generic) with the largest delta
    prompts.push({ pairIndex: i, side: i === swapPair ? 'negative' : 'positive', layers: p });
    prompts.push({ pairIndex: i, side: i === swapPair ? 'positive' : 'negative', layers: q });
  }
  const generic = Array.from({ length: 10 }, () => {
    const g = randomLayers(rand, layers, width, 0.1);
    g[3][10] = 50;
    return g;
  });
  return { model: model(layers, width), prompts, generic };
}

test('universal neurons are left out by default and kept with the switch', async () => {
  const d = planted(6);
  const base = { feature: 'f', model: d.model, pairLines: [1, 2, 3, 4, 5, 6], top: 4 };
  const on = await discover({ ...base, prompts: d.prompts, genericActivations: d.generic, genericPrompts: ['a'] });
  assert.ok(on.universal.some((n) => n.layer === 3 && n.index === 10));
  assert.deepEqual(
    on.neurons.map((n) => [n.layer, n.index]),
    [
      [3, 0],
      [2, 4],
      [3, 7],
      [2, 9],
    ],
  );
  assert.equal(on.settings.universalFilter, true);
  assert.deepEqual(on.settings.genericPrompts, ['a']);
  assert.match(on.notes[1], /1 of them would otherwise be in the circuit/);

  const off = await discover({ ...base, prompts: d.prompts, universalFilter: false });
  assert.deepEqual(
    off.neurons.map((n) => [n.layer, n.index]),
    [
      [3, 10],
      [3, 0],
      [2, 4],
      [3, 7],
    ],
  );
  assert.equal(off.universal.length, 0);
  assert.equal(off.settings.universalFilter, false);
});

test('contributions sum to 1 and a swapped pair turns negative', async () => {
  const d = planted(8);
  const lines = [3, 6, 9, 12, 15, 18, 21, 24];
  const c = await discover({ feature: 'f', model: d.model, pairLines: lines, prompts: d.prompts, top: 5, genericActivations: d.generic });
  const sum = c.pairs.reduce((a, p) => a + p.contribution, 0);
  assert.ok(Math.abs(sum - 1) < 1e-6, `sum ${sum}`);
  assert.deepEqual(
    c.pairs.map((p) => p.line),
    lines,
  );
  assert.ok(c.pairs[2].contribution > 0);
  for (const p of c.pairs) assert.ok(p.leaveOneOutOverlap! > 0.5);

  const swapped = planted(8, 2);
  const s = await discover({ feature: 'f', model: d.model, pairLines: lines, prompts: swapped.prompts, top: 5, genericActivations: swapped.generic });
  assert.deepEqual(
    s.neurons.map((n) => [n.layer, n.index]),
    c.neurons.map((n) => [n.layer, n.index]),
  );
  assert.ok(s.pairs[2].contribution < 0, `swapped contribution ${s.pairs[2].contribution}`);
  assert.ok(Math.abs(s.pairs.reduce((a, p) => a + p.contribution, 0) - 1) < 1e-6);
});

test('a missing side or a stray pair index is an engine error', async () => {
  await assert.rejects(discover({ feature: 'f', model: model(2, 3), pairLines: [1, 2], prompts: handPrompts.slice(0, 3), top: 1, excludeLayers: '', universalFilter: false }), /Only 1 of 2 pairs/);
  await assert.rejects(discover({ feature: 'f', model: model(2, 3), pairLines: [1], prompts: handPrompts, top: 1, excludeLayers: '', universalFilter: false }), /pair 1, but there are 1 pairs/);
  await assert.rejects(discover({ feature: 'f', model: model(2, 3), pairLines: [1, 2], prompts: handPrompts, top: 1, excludeLayers: '' }), /generic prompts/);
});
