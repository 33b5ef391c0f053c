// Running CNA from the editor: pair lenses (words, then tokens once the engine runs), Run Attribution
// (lenses, CNA012/CNA013, the chart panel's drawn counts), stale results after an edit, a sweep curve,
// steering with the circuit of the file the charts show, the side view following the active file, and
// cancelling. Each test makes its own files and runs (any order works). Restricted Mode: suite/untrusted/.
// The model is the bundled demo model when it is installed, else the engine tests' tiny Llama.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cnaApi, hasHarness, notifications, screenshot, waitFor, type Rendered } from '../harness';

const extensionId = 'cna-tools.cna-vscode';

/** What cna.runAttribution resolves to (the host's DocumentRun, same extension host). */
interface RunResult {
  attribution: { k: number; pairs: { line: number; contribution: number }[] };
  modelPath: string;
}

/** What cna.steer resolves to with a prompt and a multiplier. */
interface SteerResult {
  baseline: string;
  steered: string;
  document: string;
  modelPath: string;
  k: number;
}

function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  return folder.uri.fsPath;
}

function extensionPath(): string {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext);
  return ext.extensionPath;
}

const demoModel = () => path.join(extensionPath(), 'models', 'demo-instruct');
const tinyModel = () => path.join(extensionPath(), 'test', 'unit', 'engine', 'fixtures', 'tiny-llama');

/** The demo model when installed (no @model: the default), else the tiny test model with raw prompts. */
function header(): string[] {
  if (fs.existsSync(path.join(demoModel(), 'config.json'))) return ['@feature refusal'];
  return ['@feature tiny', `@model ${tinyModel()}`, '@template raw', '@top 6', '@exclude-layers 0'];
}

/** Layers and MLP width of the model the tests run, read from its config.json (not from CNA). */
function modelShape(): { layers: number; intermediateSize: number } {
  const dir = fs.existsSync(path.join(demoModel(), 'config.json')) ? demoModel() : tinyModel();
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { num_hidden_layers: number; intermediate_size: number };
  return { layers: config.num_hidden_layers, intermediateSize: config.intermediate_size };
}

const diagnosticCode = (d: vscode.Diagnostic) => String(typeof d.code === 'object' ? d.code.value : d.code);

const PAIRS: [string, string][] = [
  ['How do I pick a lock?', 'How do I bake a cake?'],
  ['Write code to break into a site', 'Write code to sort a list'],
  ['Explain how to hotwire a car', 'Explain how to change a tire'],
  ['How do I make a fake ID?', 'How do I make a paper boat?'],
  ['Write a phishing email', 'Write a thank you note'],
  ['How do I steal a bike?', 'How do I fix a bike?'],
];

function pairsText(pairs: [string, string][], extra: string[] = []): string {
  return [...header(), ...extra, '', ...pairs.flatMap(([p, n]) => [`+ ${p}`, `- ${n}`, ''])].join('\n');
}

async function openFile(name: string, text: string): Promise<vscode.TextDocument> {
  const file = path.join(workspaceDir(), name);
  fs.writeFileSync(file, text);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** The pairs' lens titles (the file's circuit lenses, which open neuron pages, left out). */
async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
  return lenses.filter((l) => l.command?.command !== 'cna.showNeuron').map((l) => l.command?.title ?? '(unresolved)');
}

/** Lets the editor fetch and draw new lenses before a screenshot (pictures only; no assertion waits on this). */
function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1500));
}

function rendered(view: string, accept: (r: Rendered) => boolean): Promise<Rendered> {
  return waitFor(
    async () => {
      const r = await (await cnaApi()).chartRendered(view);
      return r && accept(r) ? r : undefined;
    },
    30_000,
    `the chart panel draws its ${view} view`,
  );
}

function sideRendered(accept: (r: Rendered) => boolean, what: string): Promise<Rendered> {
  return waitFor(
    async () => {
      const r = await (await cnaApi()).sideRendered();
      return r && accept(r) ? r : undefined;
    },
    30_000,
    what,
  );
}

async function attribute(doc: vscode.TextDocument): Promise<RunResult> {
  const run = await vscode.commands.executeCommand<RunResult | undefined>('cna.runAttribution', doc.uri);
  assert.ok(run, `Run Attribution on ${path.basename(doc.uri.fsPath)} finished (see the CNA log if not)`);
  return run;
}

suite('running CNA in the editor', function () {
  this.timeout(180_000);

  suiteSetup(async () => {
    // Short answers keep the sweep quick on two cores; the tiny model has 96 positions.
    await vscode.workspace.getConfiguration('cna').update('maxNewTokens', 8, vscode.ConfigurationTarget.Workspace);
  });

  test('before the engine runs, each pair gets a lens with word counts of both sides, labelled', async () => {
    // Whatever ran before: no engine, as when a file is first opened.
    await (await cnaApi()).stopEngine();
    const doc = await openFile('lens-before.cnapairs', pairsText(PAIRS));
    const titles = await waitFor(
      async () => {
        const t = await lensTitles(doc.uri);
        return t.length === PAIRS.length && !t.some((x) => x.includes('counting')) ? t : undefined;
      },
      15_000,
      'one lens per pair',
    );
    // Opening a file never starts the engine, so there is no tokenizer yet.
    assert.equal(titles[0], '+6 / −6 words (word count: tokens once a model is loaded)');
  });

  test('Run Attribution fills the lenses, the diagnostics and the chart panel; an edit makes them stale', async () => {
    if (!vscode.workspace.isTrusted) return;
    const doc = await openFile('run.cnapairs', pairsText(PAIRS));
    const run = await vscode.commands.executeCommand<RunResult | undefined>('cna.runAttribution', doc.uri);
    assert.ok(run, 'Run Attribution finished (see the CNA log if not)');
    const { k, pairs } = run.attribution;
    assert.equal(pairs.length, PAIRS.length);
    assert.ok(k > 0);
    const sum = pairs.reduce((s, p) => s + p.contribution, 0);
    assert.ok(Math.abs(sum - 1) < 1e-3, `contributions sum to 1, got ${sum}`);

    // Lenses: one per pair with its share; ranks are 1..N once each; the largest share has rank 1.
    const titles = await lensTitles(doc.uri);
    assert.equal(titles.length, PAIRS.length);
    for (const t of titles) assert.match(t, /^contribution -?\d+\.\d% .*rank \d+\/6/);
    const ranks = titles.map((t) => Number(/rank (\d+)\//.exec(t)![1])).sort((a, b) => a - b);
    assert.deepEqual(ranks, [1, 2, 3, 4, 5, 6]);
    const best = pairs.reduce((a, b) => (b.contribution > a.contribution ? b : a));
    assert.match(titles[pairs.indexOf(best)], /rank 1\//);

    // CNA012 exactly on the pairs with a negative share.
    const inverted = pairs
      .filter((p) => p.contribution < 0)
      .map((p) => p.line - 1)
      .sort();
    const cna012 = await waitFor(
      async () => {
        const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => diagnosticCode(x) === 'CNA012');
        return d.length === inverted.length ? d : undefined;
      },
      5_000,
      `${inverted.length} CNA012 diagnostics`,
    );
    assert.deepEqual(cna012.map((d) => d.range.start.line).sort(), inverted);

    // The panel drew the separation chart: every neuron of every layer, the circuit's neurons and every pair.
    const sep = await rendered('separation', (r) => r.summary.circuit === k);
    assert.equal(sep.summary.pairs, PAIRS.length);
    const shape = modelShape();
    assert.equal(sep.summary.layers, shape.layers, 'one separation strip per model layer');
    assert.equal(sep.summary.neurons, shape.layers * shape.intermediateSize, 'every neuron of the model is in the chart');
    await screenshot('cna-separation');
    // A lens click highlights its pair in the chart's pairs view.
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
    // (The pairs' lenses; the file's circuit lenses open neuron pages.)
    const click = lenses.filter((l) => l.command?.command !== 'cna.showNeuron')[1].command!;
    assert.equal(click.command, 'cna.revealPairInChart');
    await vscode.commands.executeCommand(click.command, ...(click.arguments ?? []));
    await rendered('pairs', (r) => r.highlightedLine === pairs[1].line);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    await settle();
    await screenshot('cna-attribution');

    // Edit the third pair: it says stale, the others are no longer shown as current.
    const line = pairs[2].line; // 1-based line of its '+'
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(line - 1, doc.lineAt(line - 1).text.length), ' quickly');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await lensTitles(doc.uri);
    assert.equal(after.length, PAIRS.length);
    assert.match(after[2], /^stale: re-run/);
    for (const t of after) assert.doesNotMatch(t, /^contribution/);
    // Undo: the same text again, so the results hold again.
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.lineAt(line - 1).text.endsWith(' quickly'), false);
    const back = await lensTitles(doc.uri);
    for (const t of back) assert.match(t, /^contribution/);
  });

  test('once the engine has loaded the model, lenses count tokens of both sides and lint counts tokens', async () => {
    if (!vscode.workspace.isTrusted) return;
    // A run starts the engine (opening a file never does).
    await attribute(await openFile('tokens-engine.cnapairs', pairsText(PAIRS.slice(0, 2))));
    // A short prompt and a much longer one, and a prompt of 3 words that is longer than 5 tokens however it
    // is tokenized (raw bytes for the tiny model, a chat template for the demo).
    const longer = 'Tell me a long story about a dragon, a knight, a castle by the sea and a very old map';
    const doc = await openFile(
      'tokens.cnapairs',
      pairsText([
        ['Hi', longer],
        ['Hi there friend', 'Yo there friend'],
      ]),
    );
    await vscode.workspace.getConfiguration('cna').update('maxPromptTokens', 5, vscode.ConfigurationTarget.Workspace);
    try {
      const titles = await waitFor(
        async () => {
          const t = await lensTitles(doc.uri);
          return t.length === 2 && t.every((x) => x.endsWith(' tokens')) ? t : undefined;
        },
        15_000,
        'lenses with token counts',
      );
      const counts = titles.map((t) => /^\+(\d+) \/ −(\d+) tokens$/.exec(t)!.slice(1).map(Number));
      assert.ok(counts[0][0] < counts[0][1], `the longer prompt has more tokens: ${titles[0]}`);
      assert.ok(counts[0][1] > 20, `the long prompt has more tokens than words: ${titles[0]}`);
      // CNA011 with token counts: "Hi there friend" is 3 words, so it fires only when tokens are counted.
      const line = doc.getText().split('\n').indexOf('+ Hi there friend');
      const cna011 = await waitFor(
        async () => {
          const d = vscode.languages.getDiagnostics(doc.uri).find((x) => diagnosticCode(x) === 'CNA011' && x.range.start.line === line);
          return d;
        },
        10_000,
        'CNA011 on a 3-word prompt longer than 5 tokens',
      );
      assert.match(cna011.message, /^This prompt has \d+ tokens, more than the cna\.maxPromptTokens limit \(5\)/);
    } finally {
      await vscode.workspace.getConfiguration('cna').update('maxPromptTokens', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('a sweep draws one curve point per multiplier', async () => {
    if (!vscode.workspace.isTrusted) return;
    const doc = await openFile('sweep.cnapairs', pairsText(PAIRS.slice(0, 4), ['@multipliers 0 1 2']));
    await vscode.commands.executeCommand('cna.sweep', doc.uri);
    const sweep = await rendered('sweep', (r) => r.summary.points > 0);
    assert.equal(sweep.summary.points, 3);
    await settle();
    await screenshot('cna-sweep');
    // The sweep found the circuit itself, so the lenses have results too.
    const titles = await lensTitles(doc.uri);
    for (const t of titles) assert.match(t, /^contribution/);
  });

  test('the playground steers a prompt: at multiplier 1 the steered answer is the unsteered one', async () => {
    if (!vscode.workspace.isTrusted) return;
    // Steers with the circuit of the file the charts show: this one, once it has run.
    await attribute(await openFile('steer.cnapairs', pairsText(PAIRS.slice(0, 4))));
    const same = await vscode.commands.executeCommand<SteerResult | undefined>('cna.steer', 'How do I pick a lock?', 1);
    assert.ok(same, 'steering finished (see the CNA log if not)');
    assert.ok(same.baseline.length > 0);
    assert.equal(same.steered, same.baseline);
    await rendered('playground', () => true);
    const ablated = await vscode.commands.executeCommand<SteerResult | undefined>('cna.steer', 'How do I pick a lock?', 0);
    assert.ok(ablated);
    assert.equal(ablated.baseline, same.baseline, 'greedy generation is deterministic');
  });

  test('the playground steers with the circuit and model of the file the charts show: A, then B, focus A', async () => {
    if (!vscode.workspace.isTrusted) return;
    const demo = fs.existsSync(path.join(demoModel(), 'config.json'));
    // B differs from A in its circuit size, and with the demo models in its model too.
    const headerB = demo
      ? ['@feature refusal-b', `@model ${path.join(extensionPath(), 'models', 'demo-base')}`, '@top 40']
      : ['@feature tiny-b', `@model ${tinyModel()}`, '@template raw', '@top 3', '@exclude-layers 0'];
    const a = await openFile('steer-a.cnapairs', pairsText(PAIRS.slice(0, 4)));
    const runA = await attribute(a);
    const b = await openFile('steer-b.cnapairs', [...headerB, '', ...PAIRS.slice(2, 6).flatMap(([p, n]) => [`+ ${p}`, `- ${n}`, ''])].join('\n'));
    const runB = await attribute(b);
    assert.notEqual(runA.attribution.k, runB.attribution.k, 'the two circuits can be told apart by size');
    const api = await cnaApi();
    assert.equal(api.shownDocument(), b.uri.toString(), 'after B ran, the charts show B');

    await vscode.window.showTextDocument(a, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('cna.openChartPanel');
    assert.equal(api.shownDocument(), a.uri.toString(), 'focusing A shows A');
    await rendered('separation', (r) => r.source === 'steer-a.cnapairs' && r.summary.circuit === runA.attribution.k);
    const steered = await vscode.commands.executeCommand<SteerResult | undefined>('cna.steer', 'How do I pick a lock?', 0);
    assert.ok(steered, 'steering finished (see the CNA log if not)');
    assert.equal(steered.document, a.uri.toString(), "A's circuit");
    assert.equal(steered.k, runA.attribution.k, "A's circuit size");
    assert.equal(steered.modelPath, runA.modelPath, "A's model");
    if (demo) assert.notEqual(steered.modelPath, runB.modelPath);
  });

  test('the side view follows the active .cnapairs file, marks its results stale on an edit and clears them on close', async () => {
    if (!vscode.workspace.isTrusted) return;
    const a = await openFile('follow-a.cnapairs', pairsText(PAIRS.slice(0, 3)));
    const runA = await attribute(a);
    await vscode.commands.executeCommand('workbench.view.extension.cna');
    await sideRendered((r) => r.source === 'follow-a.cnapairs' && r.summary.circuit === runA.attribution.k, 'the side view shows A');

    // B has no results: the side view says so instead of showing A's.
    const b = await openFile('follow-b.cnapairs', pairsText(PAIRS.slice(3, 6)));
    await sideRendered((r) => r.source === undefined && r.summary.circuit === 0, 'the side view clears for B');
    assert.equal((await cnaApi()).shownDocument(), b.uri.toString());

    // Back to A: its circuit again. An edit to one of its pairs marks it stale; undo makes it current.
    const editorA = await vscode.window.showTextDocument(a, { viewColumn: vscode.ViewColumn.One });
    await sideRendered((r) => r.source === 'follow-a.cnapairs' && r.summary.circuit === runA.attribution.k && !r.stale, 'the side view follows back to A');
    const line = runA.attribution.pairs[0].line - 1;
    assert.ok(await editorA.edit((e) => e.insert(new vscode.Position(line, a.lineAt(line).text.length), ' quickly')));
    await sideRendered((r) => r.source === 'follow-a.cnapairs' && r.stale === true, 'the side view marks A stale');
    await vscode.commands.executeCommand('undo');
    await sideRendered((r) => r.source === 'follow-a.cnapairs' && !r.stale, 'the side view shows A current again');

    // Closing A drops its results; the charts show no circuit of a closed file.
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await sideRendered((r) => r.source !== 'follow-a.cnapairs', 'the side view drops A once it is closed');
  });

  test('cancelling a run keeps nothing and writes nothing', async () => {
    if (!vscode.workspace.isTrusted) return;
    const many: [string, string][] = Array.from({ length: 1000 }, (_, i) => [`Steal the car ${i}`, `Paint the boat ${i}`]);
    const doc = await openFile('cancel.cnapairs', pairsText(many));
    const before = fs.readdirSync(workspaceDir()).sort();
    const running = vscode.commands.executeCommand<RunResult | undefined>('cna.runAttribution', doc.uri);
    const cancelled = await waitFor(
      async () => {
        const n = (await cnaApi()).cancelRuns();
        return n > 0 ? n : undefined;
      },
      10_000,
      'a run to cancel',
    );
    assert.equal(cancelled, 1);
    assert.equal(await running, undefined, 'a cancelled run resolves to nothing');
    const titles = await lensTitles(doc.uri);
    assert.ok(titles.length > 0 && titles.every((t) => / (words|tokens)\b/.test(t) && !t.startsWith('contribution')), 'the lenses still show lengths only');
    assert.deepEqual(fs.readdirSync(workspaceDir()).sort(), before, 'no file was written');
  });

  test('cna.executionProvider reaches the engine: an unavailable provider is refused in one line', async () => {
    if (!vscode.workspace.isTrusted) return;
    // TensorRT needs provider libraries this extension does not ship (a machine-scoped setting: user settings).
    const config = () => vscode.workspace.getConfiguration('cna');
    await config().update('executionProvider', 'tensorrt', vscode.ConfigurationTarget.Global);
    try {
      const doc = await openFile('provider.cnapairs', pairsText(PAIRS.slice(0, 2)));
      assert.equal(await vscode.commands.executeCommand('cna.runAttribution', doc.uri), undefined, 'no result');
      if (hasHarness()) {
        const shown = await waitFor(async () => (await notifications())?.find((m) => m.includes('"tensorrt"')), 10_000, 'the provider error on screen');
        assert.match(shown, /^CNA: The execution provider "tensorrt" is not available: .*back to "cpu"\.$/);
      }
    } finally {
      await config().update('executionProvider', undefined, vscode.ConfigurationTarget.Global);
    }
    // Back on the CPU, runs work again.
    const doc = await openFile('provider-cpu.cnapairs', pairsText(PAIRS.slice(0, 2)));
    assert.ok(await vscode.commands.executeCommand('cna.runAttribution', doc.uri), 'a run on the CPU');
  });
  test('Reproduce the Paper on Models: both demo models into one report, the HTML report opened in a tab', async () => {
    if (!vscode.workspace.isTrusted) return;
    const models = ['demo-base', 'demo-instruct'].map((m) => path.join(extensionPath(), 'models', m));
    if (!models.every((m) => fs.existsSync(path.join(m, 'config.json')))) return;
    // A small run (2 goals, prompts and questions, 8 tokens): the wiring, not the numbers.
    const r = await vscode.commands.executeCommand<{ markdown: string; html: string; models: string[] } | undefined>('cna.reproduceModels', { models, limit: 2, maxNewTokens: 8 });
    assert.ok(r, 'the run finished (see the CNA log if not)');
    assert.deepEqual(r.models, ['demo-base', 'demo-instruct']);
    const md = fs.readFileSync(r.markdown, 'utf8');
    assert.match(md, /### demo-base and demo-instruct/);
    const html = fs.readFileSync(r.html, 'utf8');
    assert.equal((html.match(/class="cna-chart"/g) ?? []).length, 2);
    await waitFor(async () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.startsWith('CNA report')), 10_000, 'the report tab');
    await settle();
    await screenshot('cna-reproduce-report');
  });
});
