// Pictures for a person to look at: a .cnapairs file in the editor, light and dark.
// Under @vscode/test-electron there is no harness, and these only check the theme switch.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { hasHarness, screenshot, setColorTheme } from '../harness';

suite('screenshots', () => {
  for (const [theme, name] of [
    ['Default Light Modern', 'cnapairs-editor-light'],
    ['Default Dark Modern', 'cnapairs-editor-dark'],
  ] as const) {
    test(`${name}`, async () => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'bad-pairs.cnapairs'));
      // The Problems panel beside the squiggles shows what lint found.
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      await vscode.window.showTextDocument(doc, { preview: false });
      await setColorTheme(theme);
      assert.equal(vscode.window.activeColorTheme.kind, theme.includes('Light') ? vscode.ColorThemeKind.Light : vscode.ColorThemeKind.Dark);
      const saved = await screenshot(name);
      if (hasHarness()) assert.ok(saved?.endsWith(`${name}.png`), `screenshot saved: ${saved}`);
    });
  }
});
