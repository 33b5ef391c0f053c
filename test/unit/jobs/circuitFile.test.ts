// Atomic writes (a cancelled run leaves nothing half-written), reading circuit.json back, the disk store.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError, UserError } from '../../../src/errors';
import { checkWritable, readCircuitFile, writeFileAtomic } from '../../../src/jobs/circuitFile';
import { DiskPairStore } from '../../../src/jobs/diskPairStore';
import { tempDir } from './tiny';

test('writeFileAtomic writes the whole text and leaves no temporary file', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'out.json');
  const text = 'x'.repeat(1 << 20);
  await writeFileAtomic(file, text);
  assert.equal(fs.readFileSync(file, 'utf8'), text);
  assert.deepEqual(fs.readdirSync(dir), ['out.json']);
});

test('a cancelled write leaves the previous file untouched, or no file, and no temporary file', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'out.json');
  const aborted = AbortSignal.abort();
  await assert.rejects(writeFileAtomic(file, 'new', aborted), CancelledError);
  assert.deepEqual(fs.readdirSync(dir), []);
  fs.writeFileSync(file, 'old');
  const controller = new AbortController();
  const pending = writeFileAtomic(file, 'y'.repeat(8 << 20), controller.signal);
  controller.abort();
  await assert.rejects(pending, CancelledError);
  assert.equal(fs.readFileSync(file, 'utf8'), 'old');
  assert.deepEqual(fs.readdirSync(dir), ['out.json']);
});

test('writing into a missing folder is a one-line user error that names the user path, not the temporary file', async () => {
  const dir = tempDir();
  const target = path.join(dir, 'no', 'such', 'c.json');
  for (const attempt of [() => writeFileAtomic(target, '{}'), () => checkWritable(target)]) {
    await assert.rejects(attempt, (e: unknown) => e instanceof UserError && e.message.startsWith(`Cannot write ${target}: the folder `) && !e.message.includes('.tmp'));
  }
  await assert.rejects(checkWritable(dir), (e: unknown) => e instanceof UserError && /it is a folder/.test(e.message));
  await checkWritable(path.join(dir, 'fine.json'));
  assert.deepEqual(fs.readdirSync(dir), [], 'the check leaves nothing behind');
});

test('readCircuitFile reads the reference layout: a neuron at several positions counts once, best first', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'ref.json');
  fs.writeFileSync(file, JSON.stringify({ neurons: { '2,-1,5': 0.5, '3,4,1': -2, '2,7,5': 1.5 }, prompt: '', target_token: '', total_logit_diff: 0 }));
  const r = await readCircuitFile(file);
  assert.equal(r.circuit, undefined);
  assert.deepEqual(r.neurons, [
    { layer: 3, index: 1, delta: -2 },
    { layer: 2, index: 5, delta: 1.5 },
  ]);
  fs.writeFileSync(file, JSON.stringify({ neurons: { 'two,-1,5': 1 } }));
  await assert.rejects(readCircuitFile(file), (e: unknown) => e instanceof UserError && e.exitCode === 1 && /not "layer,position,neuron"/.test(e.message));
});

test('readCircuitFile: missing file exit 2, bad JSON or bad content exit 1', async () => {
  const dir = tempDir();
  await assert.rejects(readCircuitFile(path.join(dir, 'none.json')), (e: unknown) => e instanceof UserError && e.exitCode === 2);
  fs.writeFileSync(path.join(dir, 'bad.json'), '{');
  await assert.rejects(readCircuitFile(path.join(dir, 'bad.json')), (e: unknown) => e instanceof UserError && e.exitCode === 1);
  fs.writeFileSync(path.join(dir, 'wrong.json'), '{"version": 1}');
  await assert.rejects(readCircuitFile(path.join(dir, 'wrong.json')), (e: unknown) => e instanceof UserError && e.exitCode === 1);
});

test('DiskPairStore keeps rows by pair index, in any order, and removes its folder', async () => {
  const store = await DiskPairStore.create(5, tempDir());
  const rows = [0, 1, 2].map((i) => Float32Array.from({ length: 5 }, (_, j) => i * 10 + j + 0.5));
  await store.put(2, rows[2]);
  await store.put(0, rows[0]);
  await store.put(1, rows[1]);
  for (const i of [1, 0, 2]) assert.deepEqual(await store.get(i), rows[i]);
  await assert.rejects(Promise.resolve(store.get(7)));
  assert.ok(fs.existsSync(store.folder));
  await store.dispose();
  assert.ok(!fs.existsSync(store.folder));
});
