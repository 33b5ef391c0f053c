// Each platform VSIX's file list (what vsce packs with that platform's ignore file, the same lists
// `npm run package` zips) against what the platform must load: the onnxruntime-node binding and the
// libraries its binaries link (read from the ELF / Mach-O / PE files themselves), no other platform's
// binaries, every runtime file, no sources. `npm run package` runs the same check on the built .vsix files.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageRoot } from '../../../src/jobs/packageRoot';

const root = packageRoot();
const load = createRequire(__filename);
const targets = load(path.join(root, 'scripts', 'packaging', 'targets.cjs')) as {
  TARGETS: string[];
  ORT_BIN: string;
  nativeFiles(root: string, target: string): string[];
  ignoreFileFor(root: string, target: string): string;
  checkPackageFiles(root: string, target: string, files: string[]): string[];
};
const { nativeLibraries } = load(path.join(root, 'scripts', 'packaging', 'native-libraries.cjs')) as {
  nativeLibraries(buf: Buffer): { format: string; needed: string[]; delayLoaded: string[] };
};
const vsce = load(path.join(root, 'node_modules', '@vscode', 'vsce')) as {
  listFiles(o: { cwd: string; ignoreFile: string; packageManager: number }): Promise<string[]>;
};
const bin = (target: string, file: string) => path.join(root, targets.ORT_BIN, target.replace('-', '/'), file);

test('five targets; no darwin-x64, because onnxruntime-node ships no binary for it', () => {
  assert.deepEqual(targets.TARGETS, ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64']);
  assert.ok(!fs.existsSync(path.join(root, targets.ORT_BIN, 'darwin', 'x64')));
});

test('the binaries say what they load: read from ELF, Mach-O and PE', () => {
  const linux = nativeLibraries(fs.readFileSync(bin('linux-x64', 'onnxruntime_binding.node')));
  assert.equal(linux.format, 'elf');
  assert.ok(linux.needed.includes('libonnxruntime.so.1'), linux.needed.join());
  const mac = nativeLibraries(fs.readFileSync(bin('darwin-arm64', 'onnxruntime_binding.node')));
  assert.equal(mac.format, 'macho');
  assert.ok(mac.needed.includes('@rpath/libonnxruntime.1.dylib'), mac.needed.join());
  const win = nativeLibraries(fs.readFileSync(bin('win32-x64', 'onnxruntime.dll')));
  assert.equal(win.format, 'pe');
  // DirectML is delay-loaded (its provider only), so it is not a file the package must carry.
  assert.ok(win.delayLoaded.includes('DirectML.dll') && !win.needed.includes('DirectML.dll'), `${win.needed} / ${win.delayLoaded}`);
  assert.ok(nativeLibraries(fs.readFileSync(bin('win32-arm64', 'onnxruntime_binding.node'))).needed.includes('onnxruntime.dll'));
});

test('each platform ships its binding and the libraries it links, and nothing of the others', () => {
  const expect: Record<string, string[]> = {
    'linux-x64': ['libonnxruntime.so.1', 'onnxruntime_binding.node'],
    'linux-arm64': ['libonnxruntime.so.1', 'onnxruntime_binding.node'],
    // libonnxruntime.1.30.0.dylib is a second copy of the library the binding loads by its install name.
    'darwin-arm64': ['libonnxruntime.1.dylib', 'onnxruntime_binding.node'],
    'win32-x64': ['dxcompiler.dll', 'dxil.dll', 'onnxruntime.dll', 'onnxruntime_binding.node'],
    'win32-arm64': ['dxcompiler.dll', 'dxil.dll', 'onnxruntime.dll', 'onnxruntime_binding.node'],
  };
  for (const t of targets.TARGETS) {
    assert.deepEqual(
      targets.nativeFiles(root, t).map((f) => path.basename(f)),
      expect[t],
      t,
    );
  }
});

// vsce walks the whole tree (7 s a listing here), so two listings: `vsce ls` itself (.vscodeignore, the
// linux-x64 lines) and the generated Windows one, the most different; `npm run package` checks all five.
test('vsce ls lists exactly the runtime files, for linux-x64 and for win32-x64', async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cna-vsix-files-'));
  try {
    const windows = path.join(scratch, 'win32-x64.vscodeignore');
    fs.writeFileSync(windows, targets.ignoreFileFor(root, 'win32-x64'));
    for (const [t, ignoreFile] of [
      ['linux-x64', path.join(root, '.vscodeignore')],
      ['win32-x64', windows],
    ]) {
      const files = await vsce.listFiles({ cwd: root, ignoreFile, packageManager: 0 });
      assert.deepEqual(targets.checkPackageFiles(root, t, files), [], t);
      const native = files.filter((f) => f.startsWith(`${targets.ORT_BIN}/`)).sort();
      assert.deepEqual(native, targets.nativeFiles(root, t), t);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

test("every target's ignore file allows exactly its own native files", () => {
  for (const t of targets.TARGETS) {
    const allowed = targets
      .ignoreFileFor(root, t)
      .split('\n')
      .filter((l) => l.startsWith(`!${targets.ORT_BIN}/`))
      .map((l) => l.slice(1));
    assert.deepEqual(allowed, targets.nativeFiles(root, t), t);
  }
});

test("the check fails a package with a missing library, another platform's binary or a source file", () => {
  const good = [
    'package.json',
    'README.md',
    'CHANGELOG.md',
    'LICENSE',
    'THIRD_PARTY_NOTICES.md',
    'dist/extension.js',
    'dist/cli.js',
    'dist/worker.js',
    'dist/webview.js',
    'dist/report.js',
    'node_modules/onnxruntime-node/dist/index.js',
    'node_modules/onnxruntime-node/dist/binding.js',
    'node_modules/onnxruntime-common/dist/cjs/index.js',
    'models/demo-instruct/model.onnx',
    'models/demo-instruct/tokenizer.json',
    'models/demo-base/model.onnx',
    'examples/demo.cnapairs',
    'media/icon.png',
    'data/mmlu/test.csv',
    'data/xstest/xstest-safe-prompts.csv',
    'data/jbb-behaviors/harmful-behaviors.csv',
    ...targets.nativeFiles(root, 'linux-x64'),
  ];
  assert.deepEqual(targets.checkPackageFiles(root, 'linux-x64', good), []);
  const lib = `${targets.ORT_BIN}/linux/x64/libonnxruntime.so.1`;
  assert.deepEqual(
    targets.checkPackageFiles(
      root,
      'linux-x64',
      good.filter((f) => f !== lib),
    ),
    [`missing ${lib}`],
  );
  const mac = `${targets.ORT_BIN}/darwin/arm64/libonnxruntime.1.dylib`;
  assert.deepEqual(targets.checkPackageFiles(root, 'linux-x64', [...good, mac]), [`not for linux-x64: ${mac}`]);
  assert.deepEqual(targets.checkPackageFiles(root, 'linux-x64', [...good, 'src/cli.ts']), ['not a runtime file: src/cli.ts']);
  // The same list is wrong for Windows: it lacks onnxruntime.dll and carries Linux binaries.
  assert.ok(targets.checkPackageFiles(root, 'win32-x64', good).some((p) => /missing .*win32\/x64\/onnxruntime\.dll/.test(p)));
});
