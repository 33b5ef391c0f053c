import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNearDuplicates } from '../../../src/pairs/nearDuplicates';

/** The definition, checked pair by pair (the reference the indexed join must agree with). */
function bruteForce(items: { positive: string; negative: string }[], t: number): [number, number][] {
  const j = (x: string, y: string): number => {
    const a = new Set(
      x
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean),
    );
    const b = new Set(
      y
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean),
    );
    const common = [...b].filter((w) => a.has(w)).length;
    return common / (a.size + b.size - common);
  };
  const out: [number, number][] = [];
  for (let later = 0; later < items.length; later++) {
    for (let earlier = 0; earlier < later; earlier++) {
      if (j(items[earlier].positive, items[later].positive) > t && j(items[earlier].negative, items[later].negative) > t) {
        out.push([earlier, later]);
        break;
      }
    }
  }
  return out;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

test('the prefix-filtered join finds exactly the pairs the definition finds', () => {
  const rand = rng(7);
  for (let round = 0; round < 20; round++) {
    const vocab = 15 + Math.floor(rand() * 30);
    const bases = Array.from({ length: 6 }, () => Array.from({ length: 5 + Math.floor(rand() * 20) }, () => `w${Math.floor(rand() * vocab)}`));
    const items = Array.from({ length: 80 }, () => {
      const mutate = (base: string[]): string[] => {
        const words = base.filter(() => rand() > 0.05);
        if (rand() < 0.3) words.push(`w${Math.floor(rand() * vocab)}`);
        return [...new Set(words)];
      };
      const b = Math.floor(rand() * bases.length);
      // Repeats, case and punctuation must not matter: the join compares sets of lower-case words.
      const text = (ws: string[]): string => ws.map((w) => (rand() < 0.2 ? w.toUpperCase() : w)).join(rand() < 0.5 ? ' ' : ', ') + (rand() < 0.3 ? ` ${ws[0]}?` : '');
      return { positive: text(mutate(bases[b])), negative: text(mutate(bases[(b + 1) % bases.length])) };
    }).filter((x) => x.positive.length > 0 && x.negative.length > 0);
    for (const t of [0.9, 0.7, 0.5]) assert.deepEqual(findNearDuplicates(items, t), bruteForce(items, t), `round ${round} t ${t}`);
  }
});

test('undefined and empty items are skipped', () => {
  assert.deepEqual(findNearDuplicates([undefined, { positive: '?!', negative: 'a' }, { positive: 'a', negative: 'b' }, { positive: 'A!', negative: 'b' }]), [[2, 3]]);
});

test('letters beyond ASCII are word characters; punctuation and symbols are not', () => {
  assert.deepEqual(
    findNearDuplicates([
      { positive: 'Ünïcode wörds 中文', negative: 'x' },
      { positive: 'ünïcode—WÖRDS, 中文', negative: 'x' },
    ]),
    [[0, 1]],
  );
  assert.deepEqual(
    findNearDuplicates([
      { positive: 'ab', negative: 'x' },
      { positive: 'a b', negative: 'x' },
    ]),
    [],
  );
});
