// The neuron inspector and circuit activity on the bundled demo model, in a real VS Code: CNA: Show Circuit
// Activity tints the tokens of the demo pairs (each tint on the characters the editor holds there) and their
// hover lists circuit neurons; a click on a circuit neuron in the chart panel opens its page, which reports
// the numbers it drew. Pictures in light and dark (test-results/vscode/neuron-{light,dark}-*.png). Skipped
// when the demo model is not installed or the workspace is untrusted.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { clickInWebview, cnaApi, hasHarness, screenshot, setColorTheme, waitFor, type Rendered } from '../harness';

const extensionId = 'cna-tools.cna-vscode';
const THEMES = ['Default Light Modern', 'Default Dark Modern'] as const;

function extensionPath(): string {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext);
  return ext.extensionPath;
}

async function shoot(name: string): Promise<void> {
  const saved = await screenshot(name);
  if (hasHarness()) assert.ok(saved?.endsWith(`${name}.png`), `screenshot saved: ${saved}`);
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

suite('neuron page and circuit activity on the demo model', function () {
  this.timeout(240_000);
  let doc: vscode.TextDocument | undefined;

  suiteSetup(async function () {
    const model = path.join(extensionPath(), 'models', 'demo-instruct');
    if (!vscode.workspace.isTrusted || !fs.existsSync(path.join(model, 'config.json'))) this.skip();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const file = path.join(folder.uri.fsPath, 'demo-neuron.cnapairs');
    fs.writeFileSync(file, fs.readFileSync(path.join(extensionPath(), 'examples', 'demo.cnapairs'), 'utf8'));
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc, { preview: false });
  });

  suiteTeardown(async () => {
    if (!doc) return;
    await setColorTheme('Default Light Modern');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Show Circuit Activity tints the demo pairs token by token, and a hover lists the neurons', async () => {
    assert.ok(doc);
    const count = await vscode.commands.executeCommand<number | undefined>('cna.showCircuitActivity', doc.uri);
    assert.ok(count && count > 0, `tokens tinted: ${count}`);
    const api = await cnaApi();
    const drawn = api.activityDecorations(doc.uri.toString());
    assert.equal(drawn.length, count);
    // Every tint sits on a prompt's own characters: the marker line or a continuation, after the marker.
    const opened: vscode.TextDocument = doc;
    for (const d of drawn) {
      const lineText: string = opened.lineAt(d.line).text;
      assert.ok(/^[+-] |^\s/.test(lineText), `line ${d.line + 1} is a prompt line: ${lineText}`);
      assert.ok(d.character >= 2, 'after the marker');
      assert.equal(lineText.slice(d.character, d.character + d.text.length), d.text);
    }
    const strongest = [...drawn].sort((a, b) => Math.abs(b.score) - Math.abs(a.score))[0];
    const at = new vscode.Position(strongest.line, strongest.character + Math.floor(strongest.text.length / 2));
    const hover = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, at));
    assert.match(hover, /\*\*Circuit activity\*\* [+-]\d+\.\d\d/);
    assert.match(hover, /\[neuron \d+:\d+\]\(command:cna\.showNeuron\?/);
    assert.ok(hover.includes(`${strongest.score >= 0 ? '+' : ''}${strongest.score.toFixed(2)}`), `the hover says the tint's score ${strongest.score}`);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false, selection: new vscode.Range(at, at) });
    for (const theme of THEMES) {
      await setColorTheme(theme);
      await vscode.commands.executeCommand('editor.action.showHover');
      await shoot(`neuron-${theme.includes('Light') ? 'light' : 'dark'}-activity`);
    }
  });

  test('a click on a circuit neuron in the chart panel opens its page with its numbers', async () => {
    assert.ok(doc);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
    // The activity hover of the test above stays open where it was shown and can float over the chart panel.
    await vscode.commands.executeCommand('editor.action.hideHover');
    const api = await cnaApi();
    // Independent of the test above: the file's circuit, found here when that test did not run it.
    if (!(await api.chartRendered('separation'))?.summary.circuit) await vscode.commands.executeCommand('cna.runAttribution', doc.uri);
    await vscode.commands.executeCommand('cna.openChartPanel');
    await waitFor(async () => ((await api.chartRendered('separation'))?.summary.circuit ? true : undefined), 30_000, 'the panel draws the circuit');
    const page = (r: Rendered | undefined) => (r?.shown?.kl && r.shown.neuron ? r : undefined);
    if (hasHarness()) {
      // As a person does it: the Neuron tab, then the first (strongest) neuron of the circuit list.
      await clickInWebview('#tab-neuron');
      await clickInWebview('.neuron-item');
    } else {
      await vscode.commands.executeCommand('cna.showNeuron', '5:0');
    }
    const shown = await waitFor(async () => page(await api.chartRendered('neuron')), 60_000, 'the neuron page is drawn');
    const s = shown.shown as Record<string, string>;
    assert.match(s.neuron, /^\d+:\d+$/);
    if (hasHarness()) assert.match(s.rank, /^rank 1 of \d+ in the circuit/);
    assert.match(s.promoted, /^".*"\s*[+-]\d/);
    assert.match(s.density, /^density \d+\.\d%$/);
    assert.match(s.kl, /^first-token KL \S+ nats$/);
    assert.match(s.refusalMass, /^refusal-token mass \d\.\d+ → \d\.\d+/);
    // The file's lens names the same strongest neuron, and opens its page too.
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
    const lens = lenses.find((l) => l.command?.title.startsWith('circuit: neuron '));
    assert.ok(lens?.command, "a lens names the circuit's strongest neuron");
    if (hasHarness()) assert.ok(lens.command.title.startsWith(`circuit: neuron ${s.neuron} `), lens.command.title);
    for (const theme of THEMES) {
      await setColorTheme(theme);
      await waitFor(async () => page(await api.chartRendered('neuron')), 15_000, 'redrawn in the theme');
      await shoot(`neuron-${theme.includes('Light') ? 'light' : 'dark'}-page`);
    }
  });

  test('CNA: Compare Circuits draws two circuit files side by side', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const write = (name: string, neurons: Record<string, number>) => {
      const file = path.join(folder.uri.fsPath, name);
      fs.writeFileSync(file, JSON.stringify({ neurons }));
      return vscode.Uri.file(file);
    };
    const a = write('circuit-a.json', { '4,-1,34': 3.3, '5,-1,477': -3.4, '5,-1,733': 2.9, '3,-1,10': 1 });
    const b = write('circuit-b.json', { '4,-1,34': 2.1, '5,-1,477': -2.5, '5,-1,733': 1.1, '2,-1,7': 0.5 });
    const result = await vscode.commands.executeCommand<{ shared: number; rankCorrelation: number } | undefined>('cna.compareCircuits', a, b);
    assert.equal(result?.shared, 3);
    assert.equal(result?.rankCorrelation, 1);
    const api = await cnaApi();
    const drawn = await waitFor(
      async () => {
        const r = await api.chartRendered('compare');
        return r?.shown?.points === '3' ? r : undefined;
      },
      30_000,
      'the Compare tab is drawn',
    );
    assert.match(drawn.shown?.summary ?? '', /shared 3, Jaccard 0\.600 · Spearman of the shared deltas 1\.000/);
    for (const theme of THEMES) {
      await setColorTheme(theme);
      await waitFor(async () => ((await api.chartRendered('compare'))?.shown?.points === '3' ? true : undefined), 15_000, 'redrawn in the theme');
      await shoot(`neuron-${theme.includes('Light') ? 'light' : 'dark'}-compare`);
    }
  });
});
