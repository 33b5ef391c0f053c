// THIRD_PARTY_NOTICES.md against the bundles' real inputs (dist/bundle-inputs.json, written by esbuild.mjs
// on every build): every third-party package that esbuild put into a bundle, and the ones shipped beside
// the bundles, is credited with its licence text, and the committed file is what the generator writes now.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { packageRoot } from '../../../src/jobs/packageRoot';

const root = packageRoot();
const notices = createRequire(__filename)(path.join(root, 'scripts', 'packaging', 'notices.cjs')) as {
  renderNotices(root: string, inputs: Record<string, string[]>): string;
  readBundleInputs(root: string): Record<string, string[]>;
  packageOf(input: string): string | undefined;
};
const committed = fs.readFileSync(path.join(root, 'THIRD_PARTY_NOTICES.md'), 'utf8');
const inputs = notices.readBundleInputs(root);

test('the committed THIRD_PARTY_NOTICES.md is what the generator writes from the current bundles', () => {
  assert.equal(committed, notices.renderNotices(root, inputs), 'stale: run npm run build && npm run notices');
});

test('every package in a bundle, and onnxruntime-node, is credited with its licence text', () => {
  const packages = new Set(
    Object.values(inputs)
      .flat()
      .map((i) => notices.packageOf(i))
      .filter((p): p is string => p !== undefined),
  );
  packages.add('node_modules/onnxruntime-node').add('node_modules/onnxruntime-common');
  assert.ok(packages.has('node_modules/@huggingface/tokenizers') && packages.has('node_modules/chart.js'), [...packages].join());
  const sections = committed.split(/^## /m).slice(1);
  for (const dir of packages) {
    const { name, version } = JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { name: string; version: string };
    const section = sections.find((s) => s.startsWith(`${name} ${version}\n`));
    assert.ok(section, `${name} ${version} is credited`);
    assert.match(section, /```\n[\s\S]*(Permission|Apache License|copyright)[\s\S]*```/i, `${name}: licence text`);
  }
  // Apache-2.0 asks for the licence itself, not a summary.
  assert.match(
    sections.find((s) => s.startsWith('@huggingface/tokenizers '))!,
    /Apache License\s+Version 2\.0/,
  );
});

test('nested copies count as their own package; our sources are not third-party', () => {
  assert.equal(notices.packageOf('node_modules/@microsoft/fast-foundation/node_modules/tslib/tslib.es6.js'), 'node_modules/@microsoft/fast-foundation/node_modules/tslib');
  assert.equal(notices.packageOf('node_modules/chart.js/dist/chart.js'), 'node_modules/chart.js');
  assert.equal(notices.packageOf('src/cna/rank.ts'), undefined);
  // A bundle with a package the notices lack is caught by the first test: the rendering changes.
  const more = { ...inputs, 'dist/extra.js': ['node_modules/@vscode/vsce/out/api.js'] };
  assert.notEqual(notices.renderNotices(root, more), committed);
});
