/**
 * Where the package's own files are (bundled data, the demo model), whether the code runs from the
 * bundle (dist/) or from the compiled test tree (out/src/jobs/).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const PACKAGE_NAME = 'cna-vscode';
let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return (cached = dir);
      } catch {
        // Not ours or unreadable: keep walking up.
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`Cannot find the ${PACKAGE_NAME} package folder above ${__dirname}.`);
  }
}
