// Bundles: the extension host, the command line, the engine worker, and (browser) the webview.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

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
    bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production,
    minify: production, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', logLevel: 'info',
  });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
