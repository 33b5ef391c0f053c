import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCircuitForModel, Circuit, multiplierMask, toReferenceJson, validateCircuit } from '../../../src/cna/circuit';
import { UserError } from '../../../src/errors';

function sample(): Circuit {
  return {
    version: 1,
    feature: 'refusal',
    model: { path: 'models/qwen', fingerprint: 'sha256:1111', layers: 4, intermediateSize: 8, totalNeurons: 32 },
    settings: { top: '2', k: 2, excludeLayers: [0, 1], universalFilter: true, genericPrompts: ['The capital of France is'] },
    k: 2,
    neurons: [
      { layer: 3, index: 5, delta: -2.5, meanPositive: 0.5, meanNegative: 3 },
      { layer: 2, index: 0, delta: 1.25, meanPositive: 1.5, meanNegative: 0.25 },
    ],
    universal: [{ layer: 1, index: 7 }],
    pairs: [
      { line: 4, contribution: 0.75, leaveOneOutOverlap: 1 },
      { line: 7, contribution: 0.25, leaveOneOutOverlap: null },
    ],
    notes: ['2 neurons = 6.2% of 32; paper default 0.1% = 1 neurons'],
  };
}

test('a written circuit reads back unchanged', () => {
  const c = sample();
  assert.deepEqual(validateCircuit(JSON.parse(JSON.stringify(c))), c);
});

test('validation names the first problem and where it is', () => {
  const cases: Array<[string, (j: Record<string, unknown> & Circuit) => void, RegExp]> = [
    ['not an object', () => undefined, /the file must be an object/],
    ['feature missing', (j) => delete (j as Partial<Circuit>).feature, /feature must be a string/],
    ['layer out of range', (j) => (j.neurons[1].layer = 4), /neurons\[1\]\.layer must be an integer from 0 to 3, got 4/],
    ['index not an integer', (j) => (j.neurons[0].index = 1.5), /neurons\[0\]\.index must be an integer/],
    ['delta not a number', (j) => ((j.neurons[0] as unknown as Record<string, unknown>).delta = 'big'), /neurons\[0\]\.delta must be a number/],
    ['k disagrees', (j) => (j.k = 3), /k is 3 but the file lists 2 neurons/],
    ['duplicate neuron', (j) => (j.neurons[1] = { ...j.neurons[0] }), /neurons\[1\] \(layer 3, index 5\) appears twice/],
    ['newer version', (j) => (j.version = 2), /version 2 was written by a newer CNA/],
    ['total neurons', (j) => (j.model.totalNeurons = 33), /totalNeurons \(33\) must equal/],
    ['universal filter flag', (j) => ((j.settings as Record<string, unknown>).universalFilter = 'yes'), /universalFilter must be true or false/],
    ['pair line', (j) => (j.pairs[0].line = 0), /pairs\[0\]\.line must be an integer from 1/],
  ];
  for (const [name, mutate, message] of cases) {
    const j = JSON.parse(JSON.stringify(sample()));
    mutate(j);
    const input = name === 'not an object' ? [1, 2] : j;
    assert.throws(
      () => validateCircuit(input, 'my.circuit.json'),
      (e: unknown) => e instanceof UserError && e.exitCode === 1 && message.test(e.message) && e.message.startsWith('my.circuit.json: '),
      name,
    );
  }
});

test('a circuit is refused on another architecture, warned about on other weights, checked for range and emptiness', () => {
  const c = sample();
  c.model.weightsFingerprint = 'w-base';
  const same = { path: 'models/x', fingerprint: 'sha256:1111', weightsFingerprint: 'w-base', layers: 4, intermediateSize: 8 };
  assert.deepEqual(checkCircuitForModel(c, same), []);
  assert.throws(
    () => checkCircuitForModel(c, { ...same, path: 'models/llama', layers: 16 }),
    (e: unknown) => e instanceof UserError && e.exitCode === 2 && /4 layers x 8 MLP neurons .* has 16 x 8/.test(e.message),
  );
  assert.throws(
    () => checkCircuitForModel(c, { ...same, fingerprint: 'sha256:2222' }),
    (e: unknown) => e instanceof UserError && e.exitCode === 2 && /another architecture .*sha256:1111.*sha256:2222/.test(e.message),
  );
  const warnings = checkCircuitForModel(c, { ...same, path: 'models/demo-instruct', weightsFingerprint: 'w-instruct' });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], new RegExp(`found on ${c.model.path}.*other weights.*models/demo-instruct`));
  // A circuit written before the weights fingerprint existed is not warned about.
  assert.deepEqual(checkCircuitForModel({ ...c, model: { ...c.model, weightsFingerprint: undefined } }, { ...same, weightsFingerprint: 'w-instruct' }), []);
  // Without a model identity (the reference layout) only range and emptiness can be checked: exit 1.
  assert.throws(
    () => checkCircuitForModel({ neurons: [{ layer: 4, index: 0 }] }, same, 'ref.json'),
    (e: unknown) => e instanceof UserError && e.exitCode === 1 && /^ref\.json: neuron \(layer 4, index 0\) is outside/.test(e.message),
  );
  assert.throws(
    () => checkCircuitForModel({ neurons: [{ layer: 0, index: 8 }] }, same),
    (e: unknown) => e instanceof UserError && e.exitCode === 1 && /outside/.test(e.message),
  );
  assert.throws(
    () => checkCircuitForModel({ neurons: [] }, same, 'empty.json'),
    (e: unknown) => e instanceof UserError && e.exitCode === 1 && /empty\.json has no neurons/.test(e.message),
  );
});

test('reference JSON uses "layer,position,neuron" keys with position -1', () => {
  const ref = toReferenceJson(sample());
  assert.deepEqual(ref.neurons, { '3,-1,5': -2.5, '2,-1,0': 1.25 });
  assert.deepEqual(Object.keys(ref.neurons), ['3,-1,5', '2,-1,0']);
  assert.equal(ref.prompt, 'refusal');
  assert.equal(typeof ref.total_logit_diff, 'number');
});

test('multiplier mask: ones, m on circuit neurons', () => {
  const mask = multiplierMask(sample(), 4, 8, 0);
  assert.equal(mask.length, 4);
  assert.deepEqual([...mask[3]], [1, 1, 1, 1, 1, 0, 1, 1]);
  assert.deepEqual([...mask[2]], [0, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual([...mask[0]], [1, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual([...multiplierMask([{ layer: 0, index: 1 }], 1, 3, 2.5)[0]], [1, 2.5, 1]);
  assert.throws(() => multiplierMask([{ layer: 4, index: 0 }], 4, 8, 0), /outside a 4 x 8 model/);
});
