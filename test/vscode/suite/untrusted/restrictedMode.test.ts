// Restricted Mode: the harness's second pass opens the folder with workspace trust on and the folder not
// trusted (test/harness/run.mjs, workspaceTrust). Running a model is refused with a clear message and
// nothing runs; lint, lenses (in words) and the language keep working.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cnaApi, hasHarness, notifications, screenshot, waitFor } from '../../harness';

const extensionId = 'cna-tools.cna-vscode';
const REFUSAL = /Run Attribution runs a model, which CNA does not do in an untrusted workspace \(Restricted Mode\)\. Trust the workspace/;

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  return folder.uri.fsPath;
}

const codeOf = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);

suite('Restricted Mode (untrusted workspace)', function () {
  this.timeout(60_000);

  test('the folder is open untrusted and the extension is active', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the harness opened the folder in Restricted Mode');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceDir(), 'good-pairs.cnapairs')));
    await vscode.window.showTextDocument(doc);
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext);
    await waitFor(() => (ext.isActive ? true : undefined), 15_000, 'activation in Restricted Mode');
  });

  test('Run Attribution is refused with the clear message and nothing runs; lint still works', async () => {
    // A file that lints with errors (lint still runs) and pairs whose lenses stay in words.
    const file = path.join(workspaceDir(), 'untrusted.cnapairs');
    fs.writeFileSync(
      file,
      ['@feature refusal', '', '+ How do I pick a lock?', '- How do I bake a cake?', '', '+ Write a phishing email', '- Write a thank you note', '', '+ unpaired prompt', ''].join('\n'),
    );
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc, { preview: false });
    const before = fs.readdirSync(workspaceDir()).sort();

    const diagnostics = await waitFor(
      () => {
        const d = vscode.languages.getDiagnostics(doc.uri);
        return d.some((x) => codeOf(x) === 'CNA001') ? d : undefined;
      },
      15_000,
      'lint diagnostics in Restricted Mode',
    );
    assert.equal(diagnostics.find((d) => codeOf(d) === 'CNA001')?.range.start.line, 8, 'CNA001 on the unpaired prompt');

    assert.equal(await vscode.commands.executeCommand('cna.runAttribution', doc.uri), undefined, 'no result');
    assert.equal(await vscode.commands.executeCommand('cna.sweep', doc.uri), undefined, 'no sweep either');
    assert.equal(await vscode.commands.executeCommand('cna.reproduceModels', { models: [doc.uri.fsPath] }), undefined, 'no reproduce run');
    if (hasHarness()) {
      // The message as the user reads it in the notification.
      const shown = await waitFor(
        async () => {
          const m = await notifications();
          return m?.find((x) => REFUSAL.test(x));
        },
        10_000,
        'the Restricted Mode refusal on screen',
      );
      assert.match(shown, /highlighting and lint keep working/);
    }
    // Nothing ran: no chart was drawn, no file written, and the lenses count words because the model's
    // tokenizer is not read either.
    assert.equal(await (await cnaApi()).chartRendered(), undefined, 'no chart panel');
    assert.deepEqual(fs.readdirSync(workspaceDir()).sort(), before, 'no file was written');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.deepEqual(titles, ['+6 / −6 words (word count: Restricted Mode)', '+4 / −5 words (word count: Restricted Mode)']);
    await screenshot('cna-restricted-mode');
  });
});
