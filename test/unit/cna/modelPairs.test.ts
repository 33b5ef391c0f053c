// Base/instruct pairs by name and the overlap of their circuits.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { baseInstructPairs, circuitOverlap, familyStem, isInstructName } from '../../../src/cna/modelPairs';

test('base and instruct models pair by name', () => {
  assert.equal(familyStem('demo-base'), 'demo');
  assert.equal(familyStem('Qwen2.5-1.5B-Instruct'), 'qwen2.5-1.5b');
  assert.equal(familyStem('gemma-2-2b-it'), 'gemma-2-2b');
  assert.ok(isInstructName('Llama-3.2-1B-Instruct') && isInstructName('gemma-2-2b-it') && !isInstructName('summit-7b'));
  assert.deepEqual(baseInstructPairs(['demo-base', 'demo-instruct']), [[0, 1]]);
  assert.deepEqual(baseInstructPairs(['Qwen2.5-1.5B-Instruct', 'Llama-3.2-1B', 'Qwen2.5-1.5B', 'Llama-3.2-1B-Instruct']), [
    [1, 3],
    [2, 0],
  ]);
  assert.deepEqual(baseInstructPairs(['demo-instruct', 'other-base']), []);
});

test('circuit overlap by layer', () => {
  const base = [
    { layer: 4, index: 1 },
    { layer: 4, index: 2 },
    { layer: 5, index: 7 },
  ];
  const instruct = [
    { layer: 4, index: 2 },
    { layer: 5, index: 7 },
    { layer: 5, index: 8 },
    { layer: 3, index: 0 },
  ];
  const o = circuitOverlap(base, instruct);
  assert.equal(o.shared, 2);
  assert.equal(o.jaccard, 2 / 5);
  assert.deepEqual(o.layers, [
    { layer: 3, base: 0, instruct: 1, shared: 0 },
    { layer: 4, base: 2, instruct: 1, shared: 1 },
    { layer: 5, base: 1, instruct: 2, shared: 1 },
  ]);
});
