import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUniversal, UniversalNeuronCounter } from '../../../src/cna/universal';

test('top 20 on exactly 80% of prompts is universal, on 70% is not', () => {
  // One layer of 25 neurons, 10 generic prompts. Neurons 5..24 have |a| = 10 (ties: lower index first).
  // Neuron 0 is +100 on prompts 0-7 (8 of 10), neuron 1 is -100 on prompts 0-6 (7 of 10; |.| counts).
  const counter = new UniversalNeuronCounter({ layers: 1, intermediateSize: 25 });
  for (let p = 0; p < 10; p++) {
    const a = new Float32Array(25);
    for (let i = 5; i < 25; i++) a[i] = i % 2 ? 10 : -10;
    a[2] = 1;
    if (p < 8) a[0] = 100;
    if (p < 7) a[1] = -100;
    counter.addGenericPrompt([a]);
  }
  assert.equal(counter.promptCount, 10);
  assert.equal(counter.countOf({ layer: 0, index: 0 }), 8);
  assert.equal(counter.countOf({ layer: 0, index: 1 }), 7);
  // When 0 and 1 are both big, 23 and 24 drop out of the top 20 (ties broken by index): 23 is in on
  // prompts 7-9, 24 on prompts 8-9.
  assert.equal(counter.countOf({ layer: 0, index: 23 }), 3);
  assert.equal(counter.countOf({ layer: 0, index: 24 }), 2);
  const universal = counter.universalNeurons().map((n) => n.index);
  assert.deepEqual(universal, [0, ...Array.from({ length: 18 }, (_, i) => 5 + i)]);
});

test('per layer, not global', () => {
  // 2 layers x 21 neurons; layer 1 values are tiny but still its own top 20.
  const counter = new UniversalNeuronCounter({ layers: 2, intermediateSize: 21 }, 20);
  const l0 = Float32Array.from({ length: 21 }, (_, i) => 1000 + i);
  const l1 = Float32Array.from({ length: 21 }, (_, i) => (i === 0 ? 0 : 1e-3));
  counter.addGenericPrompt([l0, l1]);
  const mask = counter.universalMask();
  assert.equal(mask[0], 0); // 1000 is the smallest of layer 0
  assert.equal(mask[21], 0); // 0 is the smallest of layer 1
  assert.equal(
    mask.reduce((a, b) => a + b, 0),
    40,
  );
});

test('threshold arithmetic', () => {
  assert.equal(isUniversal(8, 10), true);
  assert.equal(isUniversal(7, 10), false);
  assert.equal(isUniversal(4, 5), true);
  assert.equal(isUniversal(5, 7), false); // 71% (the reference's int(7 * 0.8) = 5 would say yes)
  assert.equal(isUniversal(0, 0), false);
});
