// Bench section: parse and lint a generated 10,000-pair .cnapairs file with the built pairs layer, and count
// what one edit of it costs the editor's document model (src/host/analysisCache.ts): one parse and one lint.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'lint';

const PAIRS = 10_000;
const REPEATS = 5;

/** A deterministic file of distinct, realistic-looking pairs (some multi-line, a few sections). */
export function generate(pairs = PAIRS) {
  let seed = 12345;
  const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
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
  const edit = editCost(require(join(root, 'out/src/host/analysisCache.js')).AnalysisCache, parsePairs, lintPairs, text);
  return [
    { metric: 'pairs in file', value: pairs, unit: 'pairs' },
    { metric: 'file size', value: text.length / 1024, unit: 'KiB' },
    { metric: 'parse (median of 5)', value: median(parse), unit: 'ms' },
    { metric: 'lint rules (median of 5)', value: median(lint), unit: 'ms' },
    { metric: 'parse + lint (median of 5)', value: median(parse.map((p, i) => p + lint[i])), unit: 'ms' },
    { metric: 'parsesPerEdit', value: edit.parses, unit: 'parses' },
    { metric: 'lintsPerEdit', value: edit.lints, unit: 'lints' },
    { metric: 'editor features after one edit (median of 5)', value: edit.ms, unit: 'ms' },
  ];
}

/**
 * One edit as the editor sees it (src/host/documents.ts): a new version, then every feature that reads the
 * document asks the document model for it: diagnostics lint, and lenses, folding, outline, quick fixes, token
 * counts and the results' pair matching read the parse. Counts what the model actually runs.
 */
function editCost(AnalysisCache, parsePairs, lintPairs, text) {
  const calls = { parse: 0, lint: 0 };
  const cache = new AnalysisCache({
    parse: (t) => (calls.parse++, parsePairs(t)),
    lint: (parsed, context) => (calls.lint++, lintPairs(parsed, context)),
  });
  const context = { maxPromptTokens: 2048 };
  const readers = ['lenses', 'folding', 'outline', 'quick fixes', 'token counts', 'pair matching'];
  cache.lint('bench', 0, () => text, context); // The document as opened.
  const times = [];
  let per = { parses: 0, lints: 0 };
  for (let version = 1; version <= REPEATS; version++) {
    const edited = text + `\n+ Edit ${version}\n- Tide ${version}\n`;
    const before = { ...calls };
    const t0 = performance.now();
    cache.lint('bench', version, () => edited, context);
    for (const _ of readers) cache.parsed('bench', version, () => edited);
    times.push(performance.now() - t0);
    per = { parses: calls.parse - before.parse, lints: calls.lint - before.lint };
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return { ...per, ms: median(times) };
}
