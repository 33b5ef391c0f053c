// The Getting Started walkthrough in the real workbench, driven as a person does: each step is clicked open
// and photographed (test-results/vscode/walkthrough-N-<step>.png), its button is clicked, the command runs
// through the workbench and does its job (Open Example copies the bundled examples into the workspace and
// opens the demo beside the walkthrough; Run Attribution and Sweep Multipliers find that visible file
// although the walkthrough has the focus), and the step is ticked off by its completion event.
// Under @vscode/test-electron (no harness, no clicks) the commands are executed instead.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { click, cnaApi, elements, hasHarness, screenshot, waitFor } from '../harness';

const EXTENSION = 'cna-tools.cna-vscode';
const CATEGORY = `${EXTENSION}#gettingStarted`;

interface Step {
  id: string;
  title: string;
  completionEvents: string[];
}

function steps(): Step[] {
  const ext = vscode.extensions.getExtension(EXTENSION);
  assert.ok(ext, `${EXTENSION} is installed`);
  const walkthroughs = (ext.packageJSON as { contributes: { walkthroughs: { id: string; steps: Step[] }[] } }).contributes.walkthroughs;
  const ours = walkthroughs.find((w) => w.id === 'gettingStarted');
  assert.ok(ours, 'the gettingStarted walkthrough is contributed');
  return ours.steps;
}

const fullId = (step: Step) => `${CATEGORY}#${step.id}`;

/** Expands a step (a click on it, or the open-walkthrough command without a harness) and photographs it. */
async function showStep(index: number, step: Step): Promise<void> {
  if (hasHarness()) await click(`.getting-started-step[data-step-id="${fullId(step)}"]`);
  else await vscode.commands.executeCommand('workbench.action.openWalkthrough', { category: CATEGORY, step: step.id }, false);
  if (hasHarness()) {
    await waitFor(async () => ((await elements(`.getting-started-step.expanded[data-step-id="${fullId(step)}"]`))?.length ? true : undefined), 10_000, `step ${step.id} expands`);
  }
  await new Promise((r) => setTimeout(r, 800));
  const name = `walkthrough-${index + 1}-${step.id}`;
  const saved = await screenshot(name);
  if (hasHarness()) assert.ok(saved?.endsWith(`${name}.png`), `screenshot saved: ${saved}`);
}

/** The step's button, clicked (it runs `command` through the workbench), or the command executed without a harness. */
async function press(label: string, command: string): Promise<void> {
  if (hasHarness()) await click(`.getting-started-step.expanded .monaco-button:has-text("${label}")`);
  else void vscode.commands.executeCommand(command);
}

/** Whether the walkthrough shows the step as done (its checkbox ticked), or undefined without a harness. */
async function ticked(step: Step): Promise<boolean | undefined> {
  const box = await elements(`.codicon[data-done-step-id="${fullId(step)}"]`);
  return box === undefined ? undefined : box.length === 1 && !/unchecked/.test(box[0].className) && /checked|complete/.test(box[0].className);
}

async function expectTicked(step: Step): Promise<void> {
  if (!hasHarness()) return;
  await waitFor(async () => ((await ticked(step)) ? true : undefined), 15_000, `the walkthrough ticks off "${step.title}"`);
}

async function waitForTab(accept: (label: string) => boolean): Promise<string | undefined> {
  for (let i = 0; i < 50; i++) {
    const label = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .map((t) => t.label)
      .find(accept);
    if (label) return label;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

suite('the Getting Started walkthrough', function () {
  this.timeout(240_000);
  const settings = () => vscode.workspace.getConfiguration('cna');
  let previous: { tokens?: number; multipliers?: number[] } = {};

  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    previous = { tokens: settings().inspect<number>('maxNewTokens')?.workspaceValue, multipliers: settings().inspect<number[]>('multipliers')?.workspaceValue };
    // A short sweep on two cores: two multipliers, short answers.
    await settings().update('maxNewTokens', 8, vscode.ConfigurationTarget.Workspace);
    await settings().update('multipliers', [0, 1], vscode.ConfigurationTarget.Workspace);
  });

  suiteTeardown(async () => {
    await settings().update('maxNewTokens', previous.tokens, vscode.ConfigurationTarget.Workspace);
    await settings().update('multipliers', previous.multipliers, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  test('five steps, each completed by the real command its button runs', () => {
    const all = steps();
    assert.deepEqual(
      all.map((s) => s.id),
      ['openExample', 'runAttribution', 'openChart', 'sweep', 'selectModel'],
    );
    const contributed = new Set((vscode.extensions.getExtension(EXTENSION)!.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command));
    for (const s of all) {
      assert.equal(s.completionEvents.length, 1, s.id);
      const command = s.completionEvents[0].replace(/^onCommand:/, '');
      assert.ok(contributed.has(command), `${s.id} completes on ${command}, a CNA command`);
    }
  });

  test('each step renders, its button runs its command, and the step is ticked off', async () => {
    const [openExample, runAttribution, openChart, sweep, selectModel] = steps();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', CATEGORY, false);
    assert.ok(await waitForTab((l) => /Walkthrough|Get Started/i.test(l)), 'the walkthrough editor is open');
    if (hasHarness())
      assert.deepEqual(
        (await elements('.getting-started-step'))?.map((e) => e.data.stepId),
        steps().map(fullId),
        'all five steps on screen',
      );
    for (const step of steps()) assert.equal(await ticked(step), hasHarness() ? false : undefined, `${step.id} not done yet`);

    await showStep(0, openExample);
    const demo = path.join(folder.uri.fsPath, 'cna-examples', 'demo.cnapairs');
    await press('Open Example', 'cna.openExample');
    await waitFor(() => (vscode.window.visibleTextEditors.some((e) => e.document.uri.fsPath === demo) ? true : undefined), 15_000, 'the demo opens beside the walkthrough');
    const shipped = fs.readdirSync(path.join(vscode.extensions.getExtension(EXTENSION)!.extensionPath, 'examples')).filter((f) => f.endsWith('.cnapairs'));
    assert.deepEqual(fs.readdirSync(path.dirname(demo)).sort(), shipped.sort(), 'every bundled example copied');
    assert.ok(await waitForTab((l) => /Walkthrough|Get Started/i.test(l)), 'the walkthrough stays open');
    await expectTicked(openExample);

    await showStep(1, runAttribution);
    await press('Run Attribution', 'cna.runAttribution');
    const uri = vscode.Uri.file(demo);
    await waitFor(
      async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 200);
        return lenses.some((l) => /^contribution /.test(l.command?.title ?? '')) ? true : undefined;
      },
      120_000,
      'Run Attribution on the visible demo file: the pair lenses show contributions',
    );
    await expectTicked(runAttribution);

    await showStep(2, openChart);
    await press('Open Chart Panel', 'cna.openChartPanel');
    assert.ok(await waitForTab((l) => l === 'CNA Charts'), 'the chart panel opened');
    await expectTicked(openChart);

    await showStep(3, sweep);
    await press('Sweep Multipliers', 'cna.sweep');
    await waitFor(
      async () => {
        const r = await (await cnaApi()).chartRendered('sweep');
        return r && r.summary.points === 2 ? r : undefined;
      },
      180_000,
      'Sweep Multipliers from the walkthrough draws its curve, one point per multiplier (0 and 1)',
    );
    await expectTicked(sweep);

    await showStep(4, selectModel);
    await press('Select Model', 'cna.selectModel');
    await expectTicked(selectModel);
    await new Promise((r) => setTimeout(r, 500));
    await screenshot('walkthrough-6-select-model-picker');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await screenshot('walkthrough-7-all-done');
  });

  test("Open Example again keeps the user's edits and opens the same file", async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const demo = path.join(folder.uri.fsPath, 'cna-examples', 'demo.cnapairs');
    if (!fs.existsSync(demo)) assert.ok(await vscode.commands.executeCommand<vscode.Uri>('cna.openExample'));
    fs.appendFileSync(demo, '\n# my note\n');
    assert.equal((await vscode.commands.executeCommand<vscode.Uri>('cna.openExample'))?.fsPath, demo);
    assert.match(fs.readFileSync(demo, 'utf8'), /# my note/);
  });
});
