// Pictures of the bundled demo model for a person to look at, light and dark: the chart panel's separation
// and sweep tabs and the CNA side view, after Run Attribution and Sweep Multipliers on a copy of
// examples/demo.cnapairs (test-results/vscode/demo-{light,dark}-{separation,sweep,side}.png).
// The counts come from the webviews' `rendered` summaries and the refusal rates from the sweep command's
// result. Skipped when the demo model is not installed; under @vscode/test-electron nothing is saved.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cnaApi, hasHarness, screenshot, setColorTheme, waitFor, type Rendered } from '../harness';

const extensionId = 'cna-tools.cna-vscode';
const MULTIPLIERS = [0, 0.5, 1, 1.5];
const CHART_VIEW_TYPE = 'cna.chart';
const THEMES = [
  ['Default Light Modern', 'light'],
  ['Default Dark Modern', 'dark'],
] as const;

/** What cna.runAttribution resolves to (the host's DocumentRun). */
interface RunResult {
  attribution: { k: number; pairs: unknown[] };
}

/** What cna.sweep resolves to (the sweep job's result). */
interface SweepRun {
  points: { multiplier: number; refusalRate: number; n: number }[];
  control: { multiplier: number; refusalRate: number }[];
}

function extensionPath(): string {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext);
  return ext.extensionPath;
}

const demoModel = () => path.join(extensionPath(), 'models', 'demo-instruct');

/**
 * The latest `rendered` summary of a webview that `accept`s; earlier suites drew other results in the same
 * panel, so the expected counts are what tells this run's drawing apart. A timeout names the last one seen.
 */
async function drawn(probe: () => Promise<Rendered | undefined>, what: string, accept: (r: Rendered) => boolean): Promise<Rendered> {
  let last: Rendered | undefined;
  try {
    return await waitFor(
      async () => {
        last = await probe();
        return last && accept(last) ? last : undefined;
      },
      30_000,
      what,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; last drawn: ${JSON.stringify(last?.summary)}`);
  }
}
const chartDrawn = (view: string, accept: (r: Rendered) => boolean) => drawn(async () => (await cnaApi()).chartRendered(view), `the chart panel draws its ${view} view`, accept);
const sideDrawn = (accept: (r: Rendered) => boolean) => drawn(async () => (await cnaApi()).sideRendered(), 'the CNA side view draws', accept);

const FOCUS_GROUP = ['First', 'Second', 'Third', 'Fourth'].map((n) => `workbench.action.focus${n}EditorGroup`);

/**
 * Only `editor`'s group on screen: no toasts, no bottom panel, no sidebars, the other editor groups hidden
 * (maximized, not closed: a .cnapairs editor closed and opened again showed its lenses' space but no text).
 */
async function maximizeGroupOf(editor: 'chart' | vscode.TextDocument): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
  await vscode.commands.executeCommand('workbench.action.closePanel');
  const isIt = (t: vscode.Tab) =>
    editor === 'chart'
      ? t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(CHART_VIEW_TYPE)
      : t.input instanceof vscode.TabInputText && t.input.uri.toString() === editor.uri.toString();
  const group = vscode.window.tabGroups.all.find((g) => g.tabs.some(isIt));
  assert.ok(group, `an editor group shows the ${editor === 'chart' ? 'chart panel' : 'pairs file'}`);
  await vscode.commands.executeCommand(FOCUS_GROUP[group.viewColumn - 1]);
  await vscode.commands.executeCommand('workbench.action.maximizeEditorHideSidebar');
}

/** Switches the theme, then waits for the webview to draw again in it (a theme change re-renders). */
async function switchTheme(theme: (typeof THEMES)[number][0], redrawn: () => Thenable<unknown>): Promise<void> {
  const want = theme.includes('Light') ? vscode.ColorThemeKind.Light : vscode.ColorThemeKind.Dark;
  if (vscode.window.activeColorTheme.kind === want) return;
  const drawn = Promise.resolve(redrawn());
  await setColorTheme(theme);
  await drawn;
}

/** Both themes, one picture each, the current theme first (one switch fewer). */
function themeOrder(): (typeof THEMES)[number][] {
  const light = vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Light;
  return light ? [...THEMES] : [THEMES[1], THEMES[0]];
}

async function shoot(name: string): Promise<void> {
  const saved = await screenshot(name);
  if (hasHarness()) assert.ok(saved?.endsWith(`${name}.png`), `screenshot saved: ${saved}`);
}

suite('screenshots of the demo model', function () {
  this.timeout(240_000);
  let doc: vscode.TextDocument | undefined;
  let shape = { layers: 0, intermediateSize: 0 };
  let previousTokens: number | undefined;
  let pairCount = 0;

  suiteSetup(async function () {
    if (!vscode.workspace.isTrusted || !fs.existsSync(path.join(demoModel(), 'config.json'))) this.skip();
    // Read from the model's config.json, not from CNA.
    const config = JSON.parse(fs.readFileSync(path.join(demoModel(), 'config.json'), 'utf8')) as { num_hidden_layers: number; intermediate_size: number };
    shape = { layers: config.num_hidden_layers, intermediateSize: config.intermediate_size };
    // 24 tokens are enough for the refusal detector (first 500 characters) and keep the sweep short.
    const settings = vscode.workspace.getConfiguration('cna');
    previousTokens = settings.inspect<number>('maxNewTokens')?.workspaceValue;
    await settings.update('maxNewTokens', 24, vscode.ConfigurationTarget.Workspace);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const text = fs.readFileSync(path.join(extensionPath(), 'examples', 'demo.cnapairs'), 'utf8');
    assert.match(text, /^@top 200$/m);
    pairCount = text.split('\n').filter((l) => l.startsWith('+ ')).length;
    const file = path.join(folder.uri.fsPath, 'demo-screens.cnapairs');
    fs.writeFileSync(file, text.replace(/^@top 200$/m, `@top 200\n@multipliers ${MULTIPLIERS.join(' ')}`));
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc, { preview: false });
  });

  suiteTeardown(async () => {
    if (!doc) return;
    await vscode.workspace.getConfiguration('cna').update('maxNewTokens', previousTokens, vscode.ConfigurationTarget.Workspace);
    await setColorTheme('Default Light Modern');
    // Leave the layout as suites expect it: the explorer open (showing an editor elsewhere unmaximizes).
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  test('Run Attribution on the demo pairs: the separation chart of every neuron, light and dark', async () => {
    assert.ok(doc);
    const run = await vscode.commands.executeCommand<RunResult | undefined>('cna.runAttribution', doc.uri);
    assert.ok(run, 'Run Attribution finished (see the CNA log if not)');
    assert.equal(run.attribution.k, 200, '@top 200');
    assert.equal(run.attribution.pairs.length, pairCount);
    const sep = await chartDrawn('separation', (r) => r.summary.circuit === 200);
    assert.equal(sep.summary.neurons, shape.layers * shape.intermediateSize, 'every neuron of the model is in the chart');
    assert.equal(sep.summary.neurons, 3072);
    assert.equal(sep.summary.layers, 6);
    assert.equal(sep.summary.pairs, pairCount);
    await maximizeGroupOf('chart');
    for (const [theme, name] of themeOrder()) {
      await switchTheme(theme, async () => (await cnaApi()).chartRendered('separation', 15_000));
      await shoot(`demo-${name}-separation`);
    }
  });

  test('Sweep Multipliers on the demo pairs: ablating the circuit lowers refusal, light and dark', async () => {
    assert.ok(doc);
    const sweep = await vscode.commands.executeCommand<SweepRun | undefined>('cna.sweep', doc.uri);
    assert.ok(sweep, 'the sweep finished (see the CNA log if not)');
    assert.deepEqual(
      sweep.points.map((p) => p.multiplier),
      MULTIPLIERS,
    );
    const at = (points: { multiplier: number; refusalRate: number }[], m: number) => points.find((p) => p.multiplier === m)!.refusalRate;
    const [ablated, unchanged] = [at(sweep.points, 0), at(sweep.points, 1)];
    assert.ok(unchanged - ablated >= 0.25, `refusal at m=0 (${ablated}) is well below m=1 (${unchanged})`);
    // The random control of the same size barely moves.
    assert.ok(Math.abs(at(sweep.control, 0) - at(sweep.control, 1)) < 0.15, `control refusal ${at(sweep.control, 0)} vs ${at(sweep.control, 1)}`);
    // One point per multiplier (an earlier suite's sweep in this panel had another count).
    const curve = await chartDrawn('sweep', (r) => r.summary.points === MULTIPLIERS.length);
    assert.equal(curve.summary.circuit, 200);
    await maximizeGroupOf('chart');
    for (const [theme, name] of themeOrder()) {
      await switchTheme(theme, async () => (await cnaApi()).chartRendered('sweep', 15_000));
      await shoot(`demo-${name}-sweep`);
    }
  });

  test('the CNA side view shows the circuit and the sweep curve, light and dark', async () => {
    assert.ok(doc);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
    await maximizeGroupOf(doc);
    await vscode.commands.executeCommand('workbench.view.extension.cna');
    // Run alone, this test makes its own results (the sweep runs attribution first); after the tests above, the
    // view shows theirs within moments.
    const complete = (r: Rendered) => r.summary.circuit === 200 && r.summary.points === MULTIPLIERS.length;
    const shown = await waitFor(
      async () => {
        const r = await (await cnaApi()).sideRendered();
        return r && complete(r) ? r : undefined;
      },
      10_000,
      'the side view shows the sweep',
    ).catch(() => undefined);
    if (!shown) assert.ok(await vscode.commands.executeCommand('cna.sweep', doc.uri), 'the sweep finished');
    const side = await sideDrawn((r) => r.summary.circuit === 200 && r.summary.points === MULTIPLIERS.length);
    assert.equal(side.summary.neurons, 3072);
    assert.equal(side.summary.layers, 6);
    // The editor beside it shows the pairs' contributions (pictures only: the lenses of the run above).
    const lensesShown = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
    assert.ok(
      lensesShown.some((l) => l.command?.title.startsWith('contribution')),
      "the run's lenses",
    );
    await new Promise((r) => setTimeout(r, 1500));
    for (const [theme, name] of themeOrder()) {
      await switchTheme(theme, async () => (await cnaApi()).sideRendered(15_000));
      await shoot(`demo-${name}-side`);
    }
  });
});
