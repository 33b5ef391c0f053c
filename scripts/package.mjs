// `npm run package`: the production bundles, then one VSIX per platform onnxruntime-node 1.30 has binaries
// for (scripts/packaging/targets.cjs says why there is no darwin-x64), each with only its own native files;
// every package's file list is checked against what its platform must load, and the sizes printed.
// The development bundles are rebuilt at the end (the tests and the debugger expect them).
// Usage: node scripts/package.mjs [--target linux-x64,win32-x64]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { TARGETS, checkPackageFiles, ignoreFileFor } = require('./packaging/targets.cjs');
const { vsixFiles } = require('./packaging/zip-entries.cjs');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const only = argv.includes('--target') ? argv[argv.indexOf('--target') + 1].split(',') : TARGETS;
const unknown = only.filter((t) => !TARGETS.includes(t));
if (unknown.length > 0) {
  console.error(`unknown target ${unknown.join(', ')}: one of ${TARGETS.join(', ')} (no darwin-x64: onnxruntime-node 1.30 has no Intel macOS binary)`);
  process.exit(2);
}

const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const scratch = mkdtempSync(join(tmpdir(), 'cna-package-'));
const rows = [];
let failed = false;
try {
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });
  for (const target of only) {
    const ignoreFile = join(scratch, `${target}.vscodeignore`);
    writeFileSync(ignoreFile, ignoreFileFor(root, target));
    const out = `cna-vscode-${target}.vsix`;
    execFileSync(process.execPath, [vsce, 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', out], { cwd: root, stdio: 'inherit' });
    const files = vsixFiles(join(root, out));
    const problems = checkPackageFiles(root, target, files);
    for (const p of problems) console.error(`${out}: ${p}`);
    failed ||= problems.length > 0;
    rows.push(`| ${target} | ${out} | ${(statSync(join(root, out)).size / 2 ** 20).toFixed(1)} MiB | ${files.length} | ${problems.length ? `${problems.length} problems` : 'ok'} |`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'inherit' });
}
console.log(['', '| target | file | size | files | check |', '|---|---|---|---|---|', ...rows].join('\n'));
process.exit(failed ? 1 : 0);
