// `npm run pack:cli`: the `cna` command line as an npm package, `cna-cli-<version>.tgz`, that installs with
// `npm install -g` offline: the production bundles (dist/cli.js, dist/worker.js: our code, the tokenizer and
// the chat-template engine), the demo models, the reference data and examples, and onnxruntime-node as a
// bundled dependency with the native files of all five platforms (the same per-platform lists as the VSIXs,
// scripts/packaging/targets.cjs; no darwin-x64, as onnxruntime-node 1.30 has none). Its install script,
// which downloads the CUDA provider on Linux x64, is left out: the package installs without a network and
// runs on the CPU (README, "Remote and GPU", for CUDA). The package is staged in a temporary folder because
// the extension's package.json cannot carry `files` (vsce refuses it beside .vscodeignore).
// Usage: node scripts/pack-cli.mjs [--out DIR]   (prints the tarball's path last)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { TARGETS, nativeFiles } = createRequire(import.meta.url)('./packaging/targets.cjs');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const outDir = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : root;
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const ort = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));

const stage = mkdtempSync(join(tmpdir(), 'cna-cli-pack-'));
const copy = (from, to = from) => {
  mkdirSync(dirname(join(stage, to)), { recursive: true });
  cpSync(join(root, from), join(stage, to), { recursive: true });
};
try {
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'inherit' });
  for (const f of ['dist/cli.js', 'dist/worker.js', 'LICENSE', 'THIRD_PARTY_NOTICES.md', 'CHANGELOG.md', 'data']) copy(f);
  for (const f of readdirSync(join(root, 'examples')).filter((n) => n.endsWith('.cnapairs'))) copy(`examples/${f}`);
  for (const model of readdirSync(join(root, 'models'))) {
    for (const f of readdirSync(join(root, 'models', model)).filter((n) => /\.(onnx|onnx_data|json)$|^README\.md$/.test(n))) copy(`models/${model}/${f}`);
  }

  // onnxruntime-node: its JS, each platform's binding and the libraries it loads; no install script.
  const node = ort('onnxruntime-node');
  const common = ort('onnxruntime-common');
  for (const f of ['README.md', 'dist/index.js', 'dist/binding.js', 'dist/backend.js', 'dist/version.js']) copy(`node_modules/onnxruntime-node/${f}`);
  for (const t of TARGETS) for (const f of nativeFiles(root, t)) copy(f);
  const { scripts: _scripts, devDependencies: _dev, ...nodeManifest } = node;
  writeFileSync(join(stage, 'node_modules/onnxruntime-node/package.json'), `${JSON.stringify({ ...nodeManifest, dependencies: { 'onnxruntime-common': common.version } }, null, 2)}\n`);
  for (const f of ['package.json', 'README.md', 'dist/cjs']) copy(`node_modules/onnxruntime-common/${f}`);

  writeFileSync(join(stage, 'README.md'), readme());
  writeFileSync(
    join(stage, 'package.json'),
    `${JSON.stringify(
      {
        name: 'cna-cli',
        version: manifest.version,
        description: 'Contrastive Neuron Attribution on the command line: find the MLP neurons of a local ONNX language model that carry a behaviour such as refusal, and steer it by scaling them.',
        license: manifest.license,
        repository: manifest.repository,
        bugs: manifest.bugs,
        homepage: manifest.homepage,
        keywords: manifest.keywords,
        engines: { node: manifest.engines.node },
        os: ['linux', 'darwin', 'win32'],
        cpu: ['x64', 'arm64'],
        bin: { cna: 'dist/cli.js' },
        dependencies: { 'onnxruntime-node': node.version, 'onnxruntime-common': common.version },
        bundleDependencies: ['onnxruntime-node', 'onnxruntime-common'],
      },
      null,
      2,
    )}\n`,
  );

  mkdirSync(outDir, { recursive: true });
  const out = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8' }))[0];
  const tarball = join(outDir, out.filename);
  console.error(`${out.filename}: ${(statSync(tarball).size / 2 ** 20).toFixed(1)} MiB packed, ${(out.unpackedSize / 2 ** 20).toFixed(1)} MiB unpacked, ${out.entryCount} files`);
  console.log(tarball);
} finally {
  rmSync(stage, { recursive: true, force: true });
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: root, stdio: 'ignore' });
}

function readme() {
  return `# cna-cli

Contrastive Neuron Attribution (CNA) on the command line: find the few MLP neurons of a local ONNX language
model that carry a behaviour such as refusal, and steer it by scaling them. The VS Code extension
(\`cna-tools.cna-vscode\`) runs the same engine.

\`\`\`sh
npm install -g cna-cli-${manifest.version}.tgz     # no network needed: ONNX Runtime and the demo model are inside
cna --help
cna lint my-pairs.cnapairs
cna attribute my-pairs.cnapairs --out circuit.json          # the bundled demo model unless --model or @model
cna sweep my-pairs.cnapairs --circuit circuit.json --multipliers 0,0.5,1
\`\`\`

The examples (\`examples/demo.cnapairs\` and others) are in the package folder
(\`$(npm root -g)/cna-cli/examples\`). Node.js ${manifest.engines.node}; Linux x64/arm64, macOS arm64, Windows x64/arm64
(ONNX Runtime 1.30 has no Intel macOS build). CPU by default; \`--execution-provider cuda\` needs onnxruntime-node's
CUDA 12 provider files, which this package does not include (see the project README, "Remote and GPU").

MIT licence; third-party licences in THIRD_PARTY_NOTICES.md.
`;
}
