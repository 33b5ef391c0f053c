// `npm run test:electron`: the same integration suite under @vscode/test-electron, for machines that can
// download VS Code (this one cannot: use `npm run test:vscode`). On a headless Linux box wrap it in
// `xvfb-run -a`. Options: --version <1.100.3|stable|insiders> (default: 1.100.3, the oldest engines.vscode
// allows), --grep <text>.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildSuite, makeWorkspace, root, testsPath } from './vscode-suite.mjs';

const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);

buildSuite();
const workspace = makeWorkspace();
const userData = mkdtempSync(join(tmpdir(), 'cna-electron-user-'));
let code = 0;
try {
  await runTests({
    version: option('--version') ?? '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: testsPath,
    extensionTestsEnv: option('--grep') ? { CNA_VSCODE_GREP: option('--grep') } : {},
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--user-data-dir', userData],
  });
} catch (err) {
  console.error(`[test:electron] ${err instanceof Error ? err.message : err}`);
  code = 1;
} finally {
  rmSync(workspace, { recursive: true, force: true });
  rmSync(userData, { recursive: true, force: true });
}
process.exit(code);
