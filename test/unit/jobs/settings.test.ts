// The one resolver of run settings: flag over directive over editor setting over default, typed values, and
// one-line errors that name where a bad value came from.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../../src/errors';
import { resolveRunSettings, RUN_DEFAULTS } from '../../../src/jobs/settings';
import { parsePairs } from '../../../src/pairs/parse';

const header = (text: string) => parsePairs(`${text}\n\n+ a\n- b\n`).header;

test('with nothing given, the defaults: 0.1%, layers 0-1, the filter on, 150 tokens, the regex detector', () => {
  const s = resolveRunSettings({});
  assert.deepEqual(s.top, { kind: 'percent', percent: 0.1 });
  assert.deepEqual(s.excludeLayers, [0, 1]);
  assert.equal(s.universalFilter, true);
  assert.deepEqual(s.multipliers, [0, 0.25, 0.5, 0.75, 1, 1.5, 2]);
  assert.equal(s.maxNewTokens, 150);
  assert.equal(s.detector, 'regex');
  assert.deepEqual(s, RUN_DEFAULTS);
});

test('a directive wins over an editor setting; a CLI flag wins over the directive', () => {
  const h = header('@top 200\n@exclude-layers 0,3\n@multipliers 0 1');
  const fromSettings = resolveRunSettings(h, { settings: { top: '5%', excludeLayers: 'none', multipliers: [0, 2], maxNewTokens: 8 } });
  assert.deepEqual(fromSettings.top, { kind: 'count', count: 200 });
  assert.deepEqual(fromSettings.excludeLayers, [0, 3]);
  assert.deepEqual(fromSettings.multipliers, [0, 1]);
  assert.equal(fromSettings.maxNewTokens, 8, 'no directive for it: the setting');
  const fromFlags = resolveRunSettings(h, { flags: { top: '0.5%', excludeLayers: '2-4', multipliers: '1,2' } });
  assert.deepEqual(fromFlags.top, { kind: 'percent', percent: 0.5 });
  assert.deepEqual(fromFlags.excludeLayers, [2, 3, 4]);
  assert.deepEqual(fromFlags.multipliers, [1, 2]);
});

test('text is parsed by the directive parsers, so a flag, a directive and a setting read alike', () => {
  const viaDirective = resolveRunSettings(header('@exclude-layers 0-1, 5'));
  const viaSetting = resolveRunSettings({}, { settings: { excludeLayers: '0-1, 5' } });
  const viaFlag = resolveRunSettings({}, { flags: { excludeLayers: '0-1, 5' } });
  assert.deepEqual(viaDirective.excludeLayers, [0, 1, 5]);
  assert.deepEqual(viaSetting.excludeLayers, viaDirective.excludeLayers);
  assert.deepEqual(viaFlag.excludeLayers, viaDirective.excludeLayers);
});

test('a bad value is a one-line UserError naming the flag or the setting', () => {
  assert.throws(
    () => resolveRunSettings({}, { flags: { top: 'lots' } }),
    (e: unknown) => e instanceof UserError && /^--top must be a percentage/.test(e.message),
  );
  assert.throws(
    () => resolveRunSettings({}, { settings: { excludeLayers: 'first' } }),
    (e: unknown) => e instanceof UserError && /^The setting cna\.excludeLayers must list layer numbers/.test(e.message),
  );
  assert.throws(
    () => resolveRunSettings({}, { flags: { maxNewTokens: 0 } }),
    (e: unknown) => e instanceof UserError && /^--max-new-tokens must be a whole number/.test(e.message),
  );
  assert.throws(
    () => resolveRunSettings({}, { flags: { detector: 'vibes' } }),
    (e: unknown) => e instanceof UserError && /^--detector: Unknown refusal detector 'vibes'/.test(e.message),
  );
});
