// Run-setting flags go through the jobs' one resolver (src/jobs/settings.ts): a bad value is one line that
// names the flag, exit 2, and nothing runs.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO, runCli } from '../jobs/tiny';

const PAIRS = path.join(REPO, 'examples', 'demo.cnapairs');

for (const [argv, message] of [
  [['sweep', PAIRS, '--multipliers', '0,half'], /^cna sweep: --multipliers: multiplier 'half' is not a decimal number/m],
  [['sweep', PAIRS, '--detector', 'vibes'], /^cna sweep: --detector: Unknown refusal detector 'vibes'/m],
  [['sweep', PAIRS, '--max-new-tokens', '0'], /^cna sweep: --max-new-tokens must be a whole number of at least 1, got '0'\.$/m],
  [['attribute', PAIRS, '--top', 'lots'], /^cna attribute: --top must be a percentage of all MLP neurons/m],
] as const) {
  test(`cna ${argv[0]} ${argv.slice(2).join(' ')}: one line naming the flag, exit 2`, async () => {
    const r = await runCli([...argv]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
}
