// Progress on stderr: plain lines (stage start, every tenth) when piped, a redrawn bar on a terminal.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { progressReporter } from '../../../src/cli/progress';

function capture(tty: boolean) {
  let err = '';
  const io = {
    stdout: () => undefined,
    stderr: (t: string) => {
      err += t;
    },
    stderrIsTTY: tty,
  };
  return { io, text: () => err };
}

test('piped: one line when a stage starts and one per tenth, never a carriage return', () => {
  const c = capture(false);
  const p = progressReporter(c.io, 'cna x');
  for (let i = 1; i <= 100; i++) p.update({ stage: 'generation', done: i, total: 100 });
  p.update({ stage: 'KL', done: 1, total: 4 });
  p.done();
  const lines = c.text().trim().split('\n');
  assert.equal(lines.length, 12, c.text());
  assert.equal(lines[0], 'cna x: generation 1/100 (1%)');
  assert.equal(lines[1], 'cna x: generation 10/100 (10%)');
  assert.equal(lines[10], 'cna x: generation 100/100 (100%)');
  assert.equal(lines[11], 'cna x: KL 1/4 (25%)');
  assert.ok(!c.text().includes('\r'));
});

test('terminal: a bar redrawn in place, cleared before notes and at the end', () => {
  const c = capture(true);
  const p = progressReporter(c.io, 'cna x');
  p.update({ stage: 'generation', done: 0, total: 4 });
  p.update({ stage: 'generation', done: 4, total: 4 });
  p.note('hello');
  p.done();
  const t = c.text();
  assert.match(t, /^\r\x1b\[Kcna x: generation \[\.{24}\] 0\/4/);
  assert.match(t, /\r\x1b\[Kcna x: generation \[#{24}\] 4\/4/);
  assert.match(t, /\r\x1b\[Kcna x: hello\n$/);
});

test('terminal width: a shorter bar, then no bar, then plain lines; a redrawn line never as wide as the terminal', () => {
  for (const columns of [80, 60, 45, 30, 20, 10]) {
    let err = '';
    const io = {
      stdout: () => undefined,
      stderr: (t: string) => {
        err += t;
      },
      stderrIsTTY: true,
      stderrColumns: () => columns,
    };
    const p = progressReporter(io, 'cna attribute');
    for (let i = 0; i <= 208; i += 8) p.update({ stage: 'discovery pairs', done: i, total: 208 });
    p.done();
    // Only lines redrawn in place must fit; plain lines may wrap once, they never flood.
    for (const drawn of err.match(/\r\x1b\[K[^\r\n]*/g) ?? []) assert.ok(drawn.length - 4 < columns, `${columns} columns: '${drawn}'`);
    if (columns >= 80) assert.match(err, /\[#{24}\] 208\/208/);
    if (columns === 60) assert.match(err, /discovery pairs \[#{18}\] 208\/208/);
    if (columns === 45) assert.match(err, /\r\x1b\[Kcna attribute: discovery pairs 208\/208/);
    if (columns <= 30) {
      assert.ok(!err.includes('\r'), 'too narrow for one line: plain lines');
      assert.match(err, /cna attribute: discovery pairs 0\/208 \(0%\)\n/);
    }
  }
});
