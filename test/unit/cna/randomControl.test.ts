import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32, randomControlNeurons } from '../../../src/cna/randomControl';
import { NeuronRef } from '../../../src/cna/neurons';
import { UserError } from '../../../src/errors';

test('mulberry32 matches an independent implementation (Python, integer arithmetic)', () => {
  const r = mulberry32(42);
  assert.deepEqual([r(), r(), r()], [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  const z = mulberry32(0);
  assert.deepEqual([z(), z(), z()], [0.26642920868471265, 0.0003297457005828619, 0.2232720274478197]);
});

const circuit: NeuronRef[] = [
  { layer: 5, index: 3 },
  { layer: 2, index: 0 },
  { layer: 5, index: 10 },
  { layer: 5, index: 11 },
  { layer: 7, index: 63 },
];

test('same count per layer, never a circuit neuron, distinct, in range, sorted', () => {
  const control = randomControlNeurons(circuit, 64, 1234);
  const perLayer = (ns: NeuronRef[]) => {
    const m = new Map<number, number>();
    for (const n of ns) m.set(n.layer, (m.get(n.layer) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => a[0] - b[0]);
  };
  assert.deepEqual(perLayer(control), [
    [2, 1],
    [5, 3],
    [7, 1],
  ]);
  const key = (n: NeuronRef) => `${n.layer}:${n.index}`;
  const inCircuit = new Set(circuit.map(key));
  assert.ok(control.every((n) => !inCircuit.has(key(n)) && n.index >= 0 && n.index < 64));
  assert.equal(new Set(control.map(key)).size, control.length);
  const sorted = [...control].sort((a, b) => a.layer - b.layer || a.index - b.index);
  assert.deepEqual(control, sorted);
});

test('deterministic for a seed, different across seeds', () => {
  assert.deepEqual(randomControlNeurons(circuit, 64, 7), randomControlNeurons(circuit, 64, 7));
  assert.notDeepEqual(randomControlNeurons(circuit, 4096, 7), randomControlNeurons(circuit, 4096, 8));
});

test('a layer that is all circuit leaves no room for a control', () => {
  const full: NeuronRef[] = [0, 1, 2].map((index) => ({ layer: 0, index }));
  assert.throws(() => randomControlNeurons(full, 4, 1), UserError);
  // exactly half is fine: the control takes every other neuron
  assert.deepEqual(randomControlNeurons(full.slice(0, 2), 4, 1), [
    { layer: 0, index: 2 },
    { layer: 0, index: 3 },
  ]);
});
