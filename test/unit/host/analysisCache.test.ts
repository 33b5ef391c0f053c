// One parse and one lint per document version, however many features ask (the editor's document model).
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnalysisCache } from '../../../src/host/analysisCache';
import { lintPairs } from '../../../src/pairs/lint';
import { parsePairs } from '../../../src/pairs/parse';
import type { LintContext, ParsedPairs } from '../../../src/pairs/types';

function counted() {
  const calls = { parse: 0, lint: 0, read: 0 };
  const cache = new AnalysisCache({
    parse: (text) => (calls.parse++, parsePairs(text)),
    lint: (parsed: ParsedPairs, context: LintContext) => (calls.lint++, lintPairs(parsed, context)),
  });
  return { cache, calls };
}

const TEXT = '+ How do I pick a lock?\n- How do I bake a cake?\n';

test('every reader of one version shares one parse and one lint; the text is read once', () => {
  const { cache, calls } = counted();
  const text = () => (calls.read++, TEXT);
  const context: LintContext = { maxPromptTokens: 2048 };
  const first = cache.parsed('a', 1, text);
  for (let i = 0; i < 5; i++) assert.equal(cache.parsed('a', 1, text), first);
  cache.lint('a', 1, text, context);
  cache.lint('a', 1, text, { ...context });
  assert.deepEqual(calls, { parse: 1, lint: 1, read: 1 });
});

test('a new version parses again; a new lint context lints again without parsing', () => {
  const { cache, calls } = counted();
  const context: LintContext = { maxPromptTokens: 2048 };
  cache.lint('a', 1, () => TEXT, context);
  cache.lint('a', 1, () => TEXT, { maxPromptTokens: 5 });
  assert.deepEqual([calls.parse, calls.lint], [1, 2]);
  cache.lint('a', 2, () => TEXT + '\n+ x\n- y\n', context);
  assert.deepEqual([calls.parse, calls.lint], [2, 3]);
  assert.equal(cache.parsed('a', 2, () => '').pairs.length, 2);
});

test('lastLint reuses whatever lint ran on the version; forget drops a closed document', () => {
  const { cache, calls } = counted();
  const found = cache.lint('a', 1, () => TEXT, { maxPromptTokens: 2048 });
  assert.equal(
    cache.lastLint('a', 1, () => TEXT),
    found,
  );
  assert.equal(calls.lint, 1);
  cache.forget('a');
  cache.parsed('a', 1, () => TEXT);
  assert.equal(calls.parse, 2);
});
