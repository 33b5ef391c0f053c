// Bundles: the extension host, the command line, the engine worker, and (browser) the webview.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  // Native and runtime-loaded packages stay outside the bundle.
  external: ['vscode', 'onnxruntime-node'],
  logLevel: 'info',
  metafile: true,
};

const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];
if (existsSync('src/engine/worker.ts')) {
  builds.push({ ...node, entryPoints: ['src/engine/worker.ts'], outfile: 'dist/worker.js' });
}
if (existsSync('webview/main.ts')) {
  builds.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    logLevel: 'info',
    metafile: true,
  });
  // The HTML report's charts (inlined into the report, src/jobs/reproduceHtml.ts).
  builds.push({ ...builds[builds.length - 1], entryPoints: ['webview/report.ts'], outfile: 'dist/report.js', sourcemap: false, minify: true });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  // What went into each bundle, for THIRD_PARTY_NOTICES.md (scripts/notices.mjs and its test).
  const inputs = Object.fromEntries(builds.map((b, i) => [b.outfile, Object.keys(results[i].metafile.inputs).sort()]));
  mkdirSync('dist', { recursive: true });
  writeFileSync('dist/bundle-inputs.json', `${JSON.stringify(inputs, null, 1)}\n`);
}
