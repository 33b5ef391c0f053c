// THIRD_PARTY_NOTICES.md from what actually ships: the npm packages esbuild put into the bundles (read from
// the bundles' inputs, dist/bundle-inputs.json, written by esbuild.mjs), the packages shipped beside them
// (onnxruntime-node, loaded at run time), and bundled data files that carry a `<name>.LICENSE.md`.
// Each entry quotes the package's own licence file (and NOTICE file, for Apache-2.0); a package whose npm
// tarball has no licence file gets its declared licence's standard text and the copyright line found in it.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** Shipped from node_modules, not bundled (native code, .vscodeignore / the CLI package). */
const SHIPPED_BESIDE = ['node_modules/onnxruntime-node', 'node_modules/onnxruntime-common'];

const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
documentation files (the "Software"), to deal in the Software without restriction, including without limitation the
rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit
persons to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial portions of the
Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE
WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`;

/** The package folder (relative, e.g. node_modules/@scope/name) that holds a bundle input, if any. */
function packageOf(input) {
  return /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
}

/** Bundle name -> its inputs, as esbuild.mjs wrote them. */
function readBundleInputs(root) {
  const file = path.join(root, 'dist', 'bundle-inputs.json');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The packages and data files to credit: folder or file -> the bundles they are in. */
function shippedThirdParty(root, bundleInputs) {
  const where = new Map();
  const add = (key, bundle) => where.set(key, [...new Set([...(where.get(key) ?? []), bundle])].sort());
  for (const [bundle, inputs] of Object.entries(bundleInputs)) {
    for (const input of inputs) {
      const pkg = packageOf(input);
      if (pkg) add(pkg, bundle);
      else {
        const licence = input.replace(/\.[^./]+$/, '.LICENSE.md');
        if (licence !== input && fs.existsSync(path.join(root, licence))) add(licence, bundle);
      }
    }
  }
  for (const pkg of SHIPPED_BESIDE) add(pkg, 'node_modules (loaded at run time)');
  return where;
}

function licenceFiles(dir) {
  return fs.readdirSync(dir).filter((f) => /^(licen[cs]e|copying|notices?)(\.(md|txt))?$/i.test(f)).sort();
}

/** The first copyright line in a package's own files (for packages that ship no licence file). */
function copyrightLine(dir) {
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') stack.push(full);
      else if (e.isFile() && /\.(js|cjs|mjs|ts)$/.test(e.name)) {
        const m = /Copyright (?:\(c\)|©) [^\n*]+/i.exec(fs.readFileSync(full, 'utf8'));
        if (m) return m[0].trim();
      }
    }
  }
  return undefined;
}

function packageSection(root, folder, bundles) {
  const dir = path.join(root, folder);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const licence = typeof manifest.license === 'string' ? manifest.license : manifest.license?.type ?? 'UNKNOWN';
  const lines = [`## ${manifest.name} ${manifest.version}`, '', `Licence: ${licence}. In: ${bundles.join(', ')}.`];
  const repo = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  if (repo) lines.push(`Source: ${repo.replace(/^git\+/, '')}`);
  const files = licenceFiles(dir);
  for (const f of files) lines.push('', `${f}:`, '', '```', fs.readFileSync(path.join(dir, f), 'utf8').trim(), '```');
  if (files.length === 0) {
    if (licence !== 'MIT') throw new Error(`${folder} ships no licence file and declares ${licence}: add its text by hand`);
    const found = copyrightLine(dir);
    const author = typeof manifest.author === 'string' ? manifest.author : manifest.author?.name;
    if (!found && !author) throw new Error(`${folder} ships no licence file and names no copyright holder`);
    const copyright = found ?? `Copyright (c) ${author}`;
    const source = found ? `its files say "${found}"` : `its package.json names the author "${author}"`;
    lines.push('', `The npm package has no licence file; its package.json declares MIT and ${source}. The MIT licence:`, '', '```', copyright, '', MIT, '```');
  }
  return lines.join('\n');
}

function dataSection(root, file, bundles) {
  return [`## ${path.basename(file).replace(/\.LICENSE\.md$/, '')} (data, ${file})`, '', `In: ${bundles.join(', ')}.`, '', fs.readFileSync(path.join(root, file), 'utf8').trim().replace(/^#+ /gm, '**').replace(/^\*\*(.*)$/gm, '**$1**')].join('\n');
}

/** The whole THIRD_PARTY_NOTICES.md. */
function renderNotices(root, bundleInputs) {
  const where = shippedThirdParty(root, bundleInputs);
  const keys = [...where.keys()].sort((a, b) => a.localeCompare(b));
  const packages = keys.filter((k) => !k.endsWith('.LICENSE.md'));
  const data = keys.filter((k) => k.endsWith('.LICENSE.md'));
  return [
    '# Third-party notices',
    '',
    'Generated by `npm run notices` from what the extension and the `cna` CLI ship: the npm packages bundled into',
    '`dist/*.js` (esbuild\'s inputs), `onnxruntime-node` and `onnxruntime-common` (shipped beside the bundles), and',
    'bundled data files. ONNX Runtime\'s native library carries further third-party components, listed in its',
    '`ThirdPartyNotices.txt` (https://github.com/microsoft/onnxruntime/blob/main/ThirdPartyNotices.txt). The example',
    'prompt files and `data/` carry their sources\' notices in the files themselves (MIT; XSTest in `data/xstest`: CC-BY-4.0).',
    '',
    ...packages.map((k) => `${packageSection(root, k, where.get(k))}\n`),
    ...data.map((k) => `${dataSection(root, k, where.get(k))}\n`),
  ].join('\n');
}

module.exports = { renderNotices, readBundleInputs, shippedThirdParty, packageOf };
