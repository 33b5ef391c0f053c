// `npm run test:electron`: the same integration suite under @vscode/test-electron, for machines that can
// download VS Code (this one cannot: use `npm run test:vscode`). On a headless Linux box wrap it in
// `xvfb-run -a`. Options: --version <1.100.3|stable|insiders> (default: 1.100.3, the oldest engines.vscode
// allows), --grep <text>. Like test:vscode, a second pass opens the folder untrusted (Restricted Mode) and
// runs test/vscode/suite/untrusted.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildSuite, makeWorkspace, root, testsPath } from './vscode-suite.mjs';

const argv = process.argv.slice(2);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);

buildSuite();
let code = 0;
for (const untrusted of [false, true]) {
  const workspace = makeWorkspace();
  const userData = mkdtempSync(join(tmpdir(), 'cna-electron-user-'));
  if (untrusted) {
    // Trust on, nothing trusted yet, and no start-up prompt (a modal would block the tests).
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(
      join(userData, 'User', 'settings.json'),
      JSON.stringify({
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.untrustedFiles': 'open',
      }),
    );
  }
  const env = { ...(option('--grep') ? { CNA_VSCODE_GREP: option('--grep') } : {}), ...(untrusted ? { CNA_VSCODE_TRUST: 'untrusted' } : {}) };
  try {
    await runTests({
      version: option('--version') ?? '1.100.3',
      extensionDevelopmentPath: root,
      extensionTestsPath: testsPath,
      extensionTestsEnv: env,
      launchArgs: [workspace, '--disable-extensions', ...(untrusted ? [] : ['--disable-workspace-trust']), '--skip-welcome', '--skip-release-notes', '--user-data-dir', userData],
    });
  } catch (err) {
    console.error(`[test:electron] ${untrusted ? 'untrusted pass: ' : ''}${err instanceof Error ? err.message : err}`);
    code = 1;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(userData, { recursive: true, force: true });
  }
}
process.exit(code);
