// .cnapairs files in a real editor: language id, activation, and lint diagnostics.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor } from '../harness';

const extensionId = 'cna-tools.cna-vscode';

function fixture(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Diagnostics for `uri` once the extension has published any. */
function diagnosticsOf(uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
  return waitFor(
    () => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length > 0 ? found : undefined;
    },
    15_000,
    `diagnostics for ${uri.path}`,
  );
}

suite('cnapairs editor', () => {
  test('a .cnapairs file gets the cnapairs language and activates the extension', async () => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `${extensionId} is installed in the test instance`);
    const doc = await vscode.workspace.openTextDocument(fixture('good-pairs.cnapairs'));
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'cnapairs');
    await waitFor(() => (ext.isActive ? true : undefined), 15_000, 'extension activation on a .cnapairs file');
  });

  test('broken pairs get error diagnostics with stable codes on the right lines', async () => {
    const uri = fixture('bad-pairs.cnapairs');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diagnostics = await diagnosticsOf(uri);
    const lineOf = (text: string) =>
      doc
        .getText()
        .split('\n')
        .findIndex((l) => l.startsWith(text));

    const unpaired = diagnostics.filter((d) => codeOf(d) === 'CNA001');
    assert.equal(unpaired.length, 1, `one CNA001, got ${diagnostics.map(codeOf).join(', ')}`);
    assert.equal(unpaired[0].severity, vscode.DiagnosticSeverity.Error);
    assert.equal(unpaired[0].range.start.line, lineOf('+ Write a defamatory'));

    const merged = diagnostics.filter((d) => codeOf(d) === 'CNA002');
    assert.equal(merged.length, 1, `one CNA002, got ${diagnostics.map(codeOf).join(', ')}`);
    assert.equal(merged[0].severity, vscode.DiagnosticSeverity.Error);
    const mergedLine = merged[0].range.start.line;
    assert.ok(mergedLine >= lineOf('+ Explain how to pick') && mergedLine <= lineOf('- Explain how a lock'), `CNA002 on line ${mergedLine}`);

    const directive = diagnostics.filter((d) => codeOf(d) === 'CNA009');
    assert.equal(directive.length, 1, `one CNA009 for @colour, got ${diagnostics.map(codeOf).join(', ')}`);
    assert.equal(directive[0].range.start.line, lineOf('@colour'));

    // The well-formed pair at the end is not blamed.
    const fineLine = lineOf('+ Write a phishing');
    assert.ok(!diagnostics.some((d) => d.severity === vscode.DiagnosticSeverity.Error && d.range.start.line >= fineLine));
  });

  test('well-formed pairs get no errors, only the small-file note', async () => {
    const uri = fixture('good-pairs.cnapairs');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diagnostics = await diagnosticsOf(uri);
    assert.deepEqual(diagnostics.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map(codeOf), []);
    assert.ok(
      diagnostics.some((d) => codeOf(d) === 'CNA010'),
      `CNA010 expected, got ${diagnostics.map(codeOf).join(', ')}`,
    );
  });
});
