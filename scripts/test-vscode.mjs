// `npm run test:vscode`: the integration suite (test/vscode) inside a real VS Code, offline, through
// code-server + Debian's chromium (test/harness). Builds the extension and the suite, installs the
// harness on first use, runs, and ends with one line: `vscode: N passed, M failed`.
// Options: --grep <text> (only matching tests), --verbose (raw page console too), --timeout <s> (480).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSuite, makeWorkspace, root, testsPath } from './vscode-suite.mjs';

const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const started = Date.now();
const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;

for (const bin of ['/usr/bin/chromium', 'rg']) {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
  } catch {
    console.error(`test:vscode needs ${bin}: apt-get install -y chromium ripgrep libkrb5-dev (see .ci/run)`);
    console.log('vscode: 0 passed, 1 failed');
    process.exit(1);
  }
}

buildSuite();
const { harnessReady, installHarness } = await import('../test/harness/install.mjs');
if (!harnessReady()) {
  console.log('[test:vscode] installing the harness (code-server, playwright-core) once into test/harness/node_modules');
  installHarness();
}
const { runSuite } = await import('../test/harness/run.mjs');

const workspace = makeWorkspace();
const resultsDir = join(root, 'test-results', 'vscode');
rmSync(resultsDir, { recursive: true, force: true });
const env = {};
if (option('--grep')) env.CNA_VSCODE_GREP = option('--grep');

console.log(`[test:vscode] starting code-server and chromium (${seconds()})`);
const result = await runSuite({
  extensionPath: root,
  testsPath,
  workspace,
  resultsDir,
  timeoutMs: Number(option('--timeout') ?? 480) * 1000,
  env,
  verbose: argv.includes('--verbose'),
});
rmSync(workspace, { recursive: true, force: true });

if (result.reason) console.log(`[test:vscode] ${result.reason}`);
if (!result.reported) console.log('[test:vscode] the suite did not report its counts (see test-results/vscode/code-server.log, failure.png)');
for (const failure of result.failures) console.log(`[test:vscode] FAILED ${failure}`);
console.log(`[test:vscode] finished in ${seconds()}, screenshots and logs in test-results/vscode/`);
const failed = result.reported ? result.failed : Math.max(result.failed, 1);
console.log(`vscode: ${result.passed} passed, ${failed} failed`);
process.exit(result.code === 0 && result.reported && result.failed === 0 ? 0 : 1);
