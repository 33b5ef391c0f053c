import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { main } from '../../../src/cli';
import { commands } from '../../../src/cli/commands';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), stderrIsTTY: false } };
}

test('every command answers --help with its usage and exit 0, without running', async () => {
  assert.deepEqual(Object.keys(commands).sort(), ['activations', 'attribute', 'compare', 'generate', 'inspect', 'lint', 'neuron', 'reproduce', 'sweep']);
  for (const [name, command] of Object.entries(commands)) {
    const c = capture();
    assert.equal(await main([name, '--help'], c.io), 0, name);
    assert.match(c.out.join(''), new RegExp(`^Usage: cna ${name}`));
    assert.ok(c.out.join('').includes(command.summary));
    assert.equal(c.err.join(''), '');
  }
});

test('an unknown command or option is a usage error (exit 2) with a one-line hint', async () => {
  const c = capture();
  assert.equal(await main(['frobnicate'], c.io), 2);
  assert.match(c.err.join(''), /unknown command 'frobnicate'.*cna help/);
  const d = capture();
  assert.equal(await main(['lint', '--frob'], d.io), 2);
  assert.match(d.err.join(''), /Unknown option --frob/);
  assert.equal(d.err.join('').trim().split('\n').length, 1);
});
