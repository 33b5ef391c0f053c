// `npm run test:vscode`: the integration suite (test/vscode) inside a real VS Code, offline, through
// code-server + Debian's chromium (test/harness). Builds the extension and the suite, installs the
// harness on first use, runs, and ends with one line: `vscode: N passed, M failed`.
// Two passes, each in a fresh code-server: `trusted` (workspace trust disabled: test/vscode/suite/*.test.ts)
// and `untrusted` (trust on, the folder not trusted, Restricted Mode: test/vscode/suite/untrusted/*.test.ts).
// Options: --grep <text> (only matching tests), --pass trusted|untrusted|all (all), --verbose (raw page
// console too), --timeout <s> (480, per pass).
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

const resultsRoot = join(root, 'test-results', 'vscode');
rmSync(resultsRoot, { recursive: true, force: true });
const which = option('--pass') ?? 'all';
if (!['trusted', 'untrusted', 'all'].includes(which)) {
  console.error('--pass must be trusted, untrusted or all');
  process.exit(2);
}
const passes = which === 'all' ? ['trusted', 'untrusted'] : [which];

let passed = 0;
let failed = 0;
let ok = true;
for (const pass of passes) {
  const untrusted = pass === 'untrusted';
  const workspace = makeWorkspace();
  const resultsDir = untrusted ? join(resultsRoot, 'untrusted') : resultsRoot;
  const env = untrusted ? { CNA_VSCODE_TRUST: 'untrusted' } : {};
  if (option('--grep')) env.CNA_VSCODE_GREP = option('--grep');

  console.log(`[test:vscode] ${pass} pass: starting code-server and chromium (${seconds()})`);
  const result = await runSuite({
    extensionPath: root,
    testsPath,
    workspace,
    resultsDir,
    timeoutMs: Number(option('--timeout') ?? 480) * 1000,
    env,
    verbose: argv.includes('--verbose'),
    workspaceTrust: untrusted,
  });
  rmSync(workspace, { recursive: true, force: true });

  const where = untrusted ? 'test-results/vscode/untrusted/' : 'test-results/vscode/';
  if (result.reason) console.log(`[test:vscode] ${pass} pass: ${result.reason}`);
  if (!result.reported) console.log(`[test:vscode] ${pass} pass: the suite did not report its counts (see ${where}code-server.log, failure.png)`);
  for (const failure of result.failures) console.log(`[test:vscode] FAILED (${pass}) ${failure}`);
  passed += result.passed;
  failed += result.reported ? result.failed : Math.max(result.failed, 1);
  ok &&= result.code === 0 && result.reported && result.failed === 0;
}
console.log(`[test:vscode] finished in ${seconds()}, screenshots and logs in test-results/vscode/`);
console.log(`vscode: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
