// Entry point that VS Code loads as `extensionTestsPath`: runs every suite/*.test.js with mocha
// inside the extension host, the same way under code-server (test/harness) and @vscode/test-electron.
// With CNA_VSCODE_TRUST=untrusted (the harness's Restricted Mode pass) it runs suite/untrusted/*.test.js.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import { reportResult } from './harness';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000 });
  const grep = process.env.CNA_VSCODE_GREP;
  if (grep) mocha.grep(grep);
  const suiteDir = path.join(__dirname, 'suite', ...(process.env.CNA_VSCODE_TRUST === 'untrusted' ? ['untrusted'] : []));
  for (const file of fs
    .readdirSync(suiteDir)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(suiteDir, file));
  }
  return new Promise((resolve, reject) => {
    const failedTitles: string[] = [];
    const runner = mocha.run((failures) => {
      const passed = runner.stats?.passes ?? 0;
      const failed = failures;
      console.log(`vscode-suite: ${passed} passed, ${failed} failed`);
      reportResult({ passed, failed, failures: failedTitles }).then(() => (failed > 0 ? reject(new Error(`${failed} test(s) failed`)) : resolve()), reject);
    });
    runner.on('fail', (t, err: Error) => failedTitles.push(`${t.fullTitle()}: ${err.message}`));
  });
}
