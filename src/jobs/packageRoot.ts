/**
 * Where the package's own files are (bundled data, the demo model), whether the code runs from the
 * bundle (dist/) or from the compiled test tree (out/src/jobs/).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The extension's package, and the npm package of the CLI (scripts/pack-cli.mjs). */
const PACKAGE_NAMES = ['cna-vscode', 'cna-cli'];
let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (PACKAGE_NAMES.includes((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ?? '')) return (cached = dir);
      } catch {
        // Not ours or unreadable: keep walking up.
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`Cannot find the ${PACKAGE_NAMES.join(' or ')} package folder above ${__dirname}.`);
  }
}
