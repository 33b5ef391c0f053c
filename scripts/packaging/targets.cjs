// The platform VSIXs: which of onnxruntime-node's native files each one ships, derived from the binaries
// (the binding and the libraries it links, found by native-libraries.cjs) plus the files ONNX Runtime loads
// by name at run time for a provider the cna.executionProvider setting offers. Everything else under
// onnxruntime-node/bin is another platform's, or a provider we do not offer, and must not be in the package.
//
// No darwin-x64: onnxruntime-node 1.30 ships no Intel macOS binary (bin/napi-v6/darwin has arm64 only),
// so an Intel Mac has nothing to load; VS Code on Apple silicon gets darwin-arm64.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { nativeLibraries } = require('./native-libraries.cjs');

const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6';

/**
 * Loaded with LoadLibrary by ONNX Runtime's WebGPU provider on Windows (Dawn's D3D12 shader compiler), so
 * no import table names them; without them cna.executionProvider "webgpu" cannot start there.
 * DirectML.dll is delay-loaded by onnxruntime.dll for the DirectML provider only, which we do not offer.
 */
const LOADED_AT_RUN_TIME = { 'win32-x64': ['dxcompiler.dll', 'dxil.dll'], 'win32-arm64': ['dxcompiler.dll', 'dxil.dll'] };

const binFolder = (target) => `${ORT_BIN}/${target.replace('-', '/')}`;

/**
 * The onnxruntime-node files `target` must ship: the binding, every library in its folder that it links
 * (transitively, without delay-loaded ones) and the run-time-loaded ones above. Paths relative to `root`.
 */
function nativeFiles(root, target) {
  const dir = binFolder(target);
  const present = new Set(fs.readdirSync(path.join(root, dir)));
  const need = new Set();
  const visit = (file) => {
    if (need.has(file)) return;
    if (!present.has(file)) throw new Error(`${dir}/${file} is linked but not in onnxruntime-node's package`);
    need.add(file);
    for (const lib of nativeLibraries(fs.readFileSync(path.join(root, dir, file))).needed) {
      // Only libraries that onnxruntime-node itself provides; the rest come with the OS.
      const name = lib.replace(/^@rpath\//, '');
      if (present.has(name)) visit(name);
    }
  };
  visit('onnxruntime_binding.node');
  for (const f of LOADED_AT_RUN_TIME[target] ?? []) visit(f);
  return [...need].sort().map((f) => `${dir}/${f}`);
}

/** The extension's .vscodeignore with its onnxruntime-node binary lines swapped for `target`'s files. */
function ignoreFileFor(root, target) {
  const base = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').filter((l) => !l.startsWith(`!${ORT_BIN}/`));
  return [...base, `# ${target}: the binding and the libraries it loads.`, ...nativeFiles(root, target).map((f) => `!${f}`), ''].join('\n');
}

/** Runtime files every package has, whatever the platform. */
const COMMON = [
  'package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'THIRD_PARTY_NOTICES.md',
  'dist/extension.js', 'dist/cli.js', 'dist/worker.js', 'dist/webview.js', 'dist/report.js',
  'node_modules/onnxruntime-node/dist/index.js', 'node_modules/onnxruntime-node/dist/binding.js',
  'node_modules/onnxruntime-common/dist/cjs/index.js',
  'models/demo-instruct/model.onnx', 'models/demo-instruct/tokenizer.json', 'models/demo-base/model.onnx',
  'examples/demo.cnapairs', 'media/icon.png', 'data/mmlu/test.csv', 'data/xstest/xstest-safe-prompts.csv', 'data/jbb-behaviors/harmful-behaviors.csv',
];
/** Never shipped: sources, tests, maps, build tools, caches. */
const NEVER = /^(src|test|webview|scripts|out|tools)\/|\.(map|ts|py|pyc)$|(^|\/)\.vscodeignore$|^media\/icon\.svg$/;

/**
 * What is wrong with a package's file list (paths inside `extension/`, as vsce ls prints them), for
 * `target`; empty when it ships exactly its own native files and every runtime file.
 */
function checkPackageFiles(root, target, files) {
  const problems = [];
  const have = new Set(files.map((f) => f.toLowerCase()));
  const native = nativeFiles(root, target);
  for (const f of [...COMMON, ...native]) {
    if (!have.has(f.toLowerCase())) problems.push(`missing ${f}`);
  }
  const nativeSet = new Set(native);
  for (const f of files) {
    if (f.startsWith(`${ORT_BIN}/`) && !nativeSet.has(f)) problems.push(`not for ${target}: ${f}`);
    else if (NEVER.test(f) && !f.startsWith('node_modules/')) problems.push(`not a runtime file: ${f}`);
  }
  return problems;
}

module.exports = { TARGETS, ORT_BIN, nativeFiles, ignoreFileFor, checkPackageFiles };
