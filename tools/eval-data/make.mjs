#!/usr/bin/env node
// Regenerates data/mmlu/ and data/xstest/ from the upstream repositories (the generated files are committed;
// this script is only for regeneration). Usage:
//   npm run compile-tests && node tools/eval-data/make.mjs HENDRYCKS_TEST_GIT_DIR XSTEST_GIT_DIR
// MMLU: hendrycks/test at commit 785eba5, data/dev and data/test; the subset is the first TEST_PER_SUBJECT
// rows of each subject's test CSV (file order) and its 5 dev rows (the few-shot examples).
// XSTest: paul-rottger/exaggerated-safety, xstest_prompts.csv, the rows labelled "safe".
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MMLU_COMMIT = '785eba57b455b9f9be12a0d3c1106d67274fea0e';
const TEST_PER_SUBJECT = 5;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The project's own CSV reader (compiled by `npm run compile-tests`).
const { parseCsv } = createRequire(import.meta.url)(join(root, 'out', 'src', 'jobs', 'referenceData.js'));
const [mmluGit, xstestGit] = process.argv.slice(2);
if (!mmluGit || !xstestGit) {
  console.error('usage: node tools/eval-data/make.mjs HENDRYCKS_TEST_GIT_DIR XSTEST_GIT_DIR');
  process.exit(2);
}
const git = (dir, ...args) => execFileSync('git', ['--git-dir', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });

const cell = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const csv = (rows) => rows.map((r) => r.map(cell).join(',')).join('\n') + '\n';

const files = git(mmluGit, 'ls-tree', '--name-only', `${MMLU_COMMIT}:data/test`)
  .split('\n')
  .filter((f) => f.endsWith('_test.csv'));
const subjects = files.map((f) => f.replace(/_test\.csv$/, '')).sort();
const header = ['subject', 'question', 'A', 'B', 'C', 'D', 'answer'];
const test = [header];
const dev = [header];
for (const s of subjects) {
  const take = (split, n) => {
    const rows = parseCsv(git(mmluGit, 'show', `${MMLU_COMMIT}:data/${split}/${s}_${split}.csv`)).filter((r) => r.length === 6);
    if (rows.length < n) throw new Error(`${s} ${split}: ${rows.length} rows`);
    return rows.slice(0, n).map((r) => [s, ...r]);
  };
  test.push(...take('test', TEST_PER_SUBJECT));
  dev.push(...take('dev', 5));
}
mkdirSync(join(root, 'data', 'mmlu'), { recursive: true });
writeFileSync(join(root, 'data', 'mmlu', 'test.csv'), csv(test));
writeFileSync(join(root, 'data', 'mmlu', 'dev.csv'), csv(dev));
writeFileSync(join(root, 'data', 'mmlu', 'LICENSE'), git(mmluGit, 'show', `${MMLU_COMMIT}:LICENSE`));
console.log(`mmlu: ${subjects.length} subjects, ${test.length - 1} test rows, ${dev.length - 1} dev rows`);

const xs = parseCsv(git(xstestGit, 'show', 'HEAD:xstest_prompts.csv'));
const label = xs[0].indexOf('label');
const safe = [xs[0], ...xs.slice(1).filter((r) => r[label] === 'safe')];
mkdirSync(join(root, 'data', 'xstest'), { recursive: true });
writeFileSync(join(root, 'data', 'xstest', 'xstest-safe-prompts.csv'), csv(safe));
writeFileSync(join(root, 'data', 'xstest', 'LICENSE'), git(xstestGit, 'show', 'HEAD:LICENSE'));
console.log(`xstest: ${safe.length - 1} safe prompts (upstream ${git(xstestGit, 'rev-parse', 'HEAD').trim()})`);
