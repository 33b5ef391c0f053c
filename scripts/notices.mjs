// `npm run notices`: writes THIRD_PARTY_NOTICES.md from the bundles' inputs (run `npm run build` first);
// `--check` only says whether the committed file is current (exit 1 when not).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { readBundleInputs, renderNotices } = createRequire(import.meta.url)('./packaging/notices.cjs');
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'THIRD_PARTY_NOTICES.md');
const text = renderNotices(root, readBundleInputs(root));
if (process.argv.includes('--check')) {
  const current = readFileSync(file, 'utf8') === text;
  console.log(current ? 'THIRD_PARTY_NOTICES.md is current' : 'THIRD_PARTY_NOTICES.md is stale: run npm run build && npm run notices');
  process.exit(current ? 0 : 1);
}
writeFileSync(file, text);
console.log(`wrote ${file}`);
