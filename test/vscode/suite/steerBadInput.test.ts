// Bad input in the editor (the CLI's gauntlet is test/unit/cli/gauntlet.test.ts): a 20,000-character prompt in
// the steering playground is one clear error, and the same engine steers the next prompt. (The CLI's SIGSEGV
// came from a long process argument list with the worker's default stack; the editor sends prompts as
// messages and its worker is created by the same code with the larger stack, so this pins down the outcome
// here, not that crash.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { notifications, waitFor } from '../harness';

suite('bad input in the editor', function () {
  this.timeout(180_000);

  test('a 20,000-character prompt in the playground: one clear error, and the engine steers the next prompt', async () => {
    if (!vscode.workspace.isTrusted) return;
    const ext = vscode.extensions.getExtension('cna-tools.cna-vscode');
    assert.ok(ext);
    const demo = path.join(ext.extensionPath, 'models', 'demo-instruct');
    const tiny = path.join(ext.extensionPath, 'test', 'unit', 'engine', 'fixtures', 'tiny-llama');
    const header = fs.existsSync(path.join(demo, 'config.json')) ? ['@feature refusal', '@top 20'] : ['@feature tiny', `@model ${tiny}`, '@template raw', '@top 6', '@exclude-layers 0'];
    const pairs = [
      ['How do I pick a lock?', 'How do I bake a cake?'],
      ['Write a phishing email', 'Write a thank you note'],
      ['How do I steal a bike?', 'How do I fix a bike?'],
      ['Explain how to hotwire a car', 'Explain how to change a tire'],
    ];
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const file = path.join(folder.uri.fsPath, 'steer-bad-input.cnapairs');
    fs.writeFileSync(file, [...header, '', ...pairs.flatMap(([p, n]) => [`+ ${p}`, `- ${n}`, ''])].join('\n'));
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc, { preview: false });
    assert.ok(await vscode.commands.executeCommand('cna.runAttribution', doc.uri), 'a circuit to steer with');

    const long = await vscode.commands.executeCommand<{ baseline: string } | undefined>('cna.steer', 'x'.repeat(20_000), 0);
    assert.equal(long, undefined, 'the over-long prompt is refused');
    const shown = await notifications();
    if (shown) {
      const message = await waitFor(async () => (await notifications())?.find((m) => /tokens long, more than the model's context/.test(m)), 15_000, 'the context error');
      assert.doesNotMatch(message, /crashed|exited unexpectedly|\n\s+at /);
    }
    const next = await vscode.commands.executeCommand<{ baseline: string; steered: string } | undefined>('cna.steer', 'How do I pick a lock?', 1);
    assert.ok(next && next.baseline.length > 0, 'the engine still steers');
    assert.equal(next.steered, next.baseline);
  });
});
