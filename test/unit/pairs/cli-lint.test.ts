import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../jobs/tiny';

const dir = mkdtempSync(join(tmpdir(), 'cna-lint-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const clean = file('clean.cnapairs', Array.from({ length: 8 }, (_, i) => `+ harmful request number ${i}\n- benign request number ${i}\n`).join('\n'));
const warn = file(
  'warn.cnapairs',
  Array.from({ length: 8 }, (_, i) => `+ harmful request number ${i}\n- benign request number ${i}\n`).join('\n') + '\n+ harmful request number 0\n- benign request number 0\n',
);
const broken = file('broken.cnapairs', '@top lots\n+ only\n');

test('clean file: exit 0, nothing on stdout, a summary on stderr', async () => {
  const r = await runCli(['lint', clean]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /1 file, 8 pairs: 0 errors, 0 warnings/);
});

test('warnings only: exit 0; errors: exit 1 with compiler-style lines', async () => {
  const w = await runCli(['lint', warn]);
  assert.equal(w.code, 0);
  assert.match(w.stdout, /warn\.cnapairs:25:1: warning CNA005 /);
  const e = await runCli(['lint', broken, clean]);
  assert.equal(e.code, 1);
  const lines = e.stdout.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /broken\.cnapairs:1:1: information CNA010 /);
  assert.match(lines[1], /broken\.cnapairs:1:6: error CNA009 @top must be/);
  assert.match(lines[2], /broken\.cnapairs:2:1: error CNA001 /);
});

test('--json: one document, 1-based positions, every file listed', async () => {
  const r = await runCli(['lint', '--json', broken, clean]);
  assert.equal(r.code, 1);
  const doc = JSON.parse(r.stdout) as { file: string; pairs: number; diagnostics: Record<string, unknown>[] }[];
  assert.deepEqual(
    doc.map((f) => [f.file, f.pairs]),
    [
      [broken, 0],
      [clean, 8],
    ],
  );
  assert.deepEqual(
    doc[0].diagnostics.map((d) => d.code),
    ['CNA010', 'CNA009', 'CNA001'],
  );
  assert.deepEqual(doc[0].diagnostics[1], {
    line: 1,
    column: 6,
    endLine: 1,
    endColumn: 10,
    severity: 'error',
    code: 'CNA009',
    message: "@top must be a percentage of all MLP neurons (e.g. 0.1%) or a neuron count (e.g. 200), not 'lots'.",
  });
  assert.deepEqual(doc[1].diagnostics, []);
});

test('unreadable file: exit 2 with one line; no file or a bad flag: exit 2', async () => {
  const r = await runCli(['lint', join(dir, 'missing.cnapairs')]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /cannot read .*missing\.cnapairs: no such file/);
  assert.equal((await runCli(['lint'])).code, 2);
  assert.equal((await runCli(['lint', '--jsn', clean])).code, 2);
  assert.equal((await runCli(['lint', dir])).code, 2);
});

test('CRLF and a byte order mark: same pairs, columns as an editor shows them', async () => {
  const bom = file('bom.cnapairs', '\uFEFF@top x\r\n+ a\r\n- b\r\n');
  const r = await runCli(['lint', '--json', bom]);
  const doc = JSON.parse(r.stdout) as { pairs: number; diagnostics: { code: string; column: number; endColumn: number }[] }[];
  assert.equal(doc[0].pairs, 1);
  const d = doc[0].diagnostics.find((x) => x.code === 'CNA009')!;
  assert.deepEqual([d.column, d.endColumn], [6, 7]);
});

test('--max-prompt-tokens lowers the CNA011 limit', async () => {
  const r = await runCli(['lint', '--json', '--max-prompt-tokens', '3', clean]);
  const doc = JSON.parse(r.stdout) as { diagnostics: { code: string }[] }[];
  assert.equal(doc[0].diagnostics.filter((d) => d.code === 'CNA011').length, 16);
});
