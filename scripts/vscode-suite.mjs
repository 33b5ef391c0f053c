// Shared by test-vscode.mjs (code-server) and test-electron.mjs: build the extension and the
// integration suite, and make a throw-away workspace (test/vscode/fixtures + examples/) to open.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const testsPath = join(root, 'out', 'vscode', 'index.js');

export function buildSuite() {
  const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  // A stale dist/ or out/vscode/ would test yesterday's code.
  run(['esbuild.mjs']);
  rmSync(join(root, 'out', 'vscode'), { recursive: true, force: true });
  run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'test/vscode/tsconfig.json']);
}

/** A fresh folder holding the fixtures at its root and a copy of examples/; tests may edit it freely. */
export function makeWorkspace() {
  const workspace = mkdtempSync(join(tmpdir(), 'cna-workspace-'));
  cpSync(join(root, 'test', 'vscode', 'fixtures'), workspace, { recursive: true });
  if (existsSync(join(root, 'examples'))) cpSync(join(root, 'examples'), join(workspace, 'examples'), { recursive: true });
  return workspace;
}
