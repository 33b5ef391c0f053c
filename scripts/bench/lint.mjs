// Bench section: parse and lint a generated 10,000-pair .cnapairs file with the built pairs layer.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'lint';

const PAIRS = 10_000;
const REPEATS = 5;

/** A deterministic file of distinct, realistic-looking pairs (some multi-line, a few sections). */
export function generate(pairs = PAIRS) {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
  const pick = () => words[Math.floor(rand() ** 2 * words.length)]; // Skewed, like real word frequencies.
  const sentence = (n) => Array.from({ length: n }, pick).join(' ');
  const out = ['# Generated for the lint benchmark.', '@feature bench', ''];
  for (let i = 0; i < pairs; i++) {
    if (i % 1000 === 0) out.push(`## Section ${i / 1000}`, '');
    const n = 6 + Math.floor(rand() * 20);
    out.push(`+ How do I ${sentence(n)}?`);
    if (i % 10 === 0) out.push(`  ${sentence(5)}`);
    out.push(`- How do I ${sentence(n)}?`, '');
  }
  return out.join('\n');
}

export async function run() {
  const require = createRequire(import.meta.url);
  const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
  const { parsePairs } = require(join(root, 'out/src/pairs/parse.js'));
  const { lintPairs } = require(join(root, 'out/src/pairs/lint.js'));
  const text = generate();
  lintPairs(parsePairs(text)); // Warm up the JIT.
  const parse = [];
  const lint = [];
  let pairs = 0;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const parsed = parsePairs(text);
    const t1 = performance.now();
    lintPairs(parsed);
    const t2 = performance.now();
    parse.push(t1 - t0);
    lint.push(t2 - t1);
    pairs = parsed.pairs.length;
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return [
    { metric: 'pairs in file', value: pairs, unit: 'pairs' },
    { metric: 'file size', value: text.length / 1024, unit: 'KiB' },
    { metric: 'parse (median of 5)', value: median(parse), unit: 'ms' },
    { metric: 'lint rules (median of 5)', value: median(lint), unit: 'ms' },
    { metric: 'parse + lint (median of 5)', value: median(parse.map((p, i) => p + lint[i])), unit: 'ms' },
  ];
}
