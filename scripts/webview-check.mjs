#!/usr/bin/env node
// Real-browser check of the chart webview, without VS Code: serve the same HTML shell and CSP the
// extension uses (src/host/webviewHtml.ts) with a fake acquireVsCodeApi and VS Code theme variables,
// drive headless Debian chromium through playwright-core, feed sample results as host messages, and
// assert the `rendered` counts posted back, the links both ways (revealPair/highlightPair/steer),
// state restore, no console errors and no CSP violations. Screenshots go to test-results/.
// Needs `npm run build` first (dist/webview.js). Prints (does not assert) the separation render time.
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve, extname } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { sampleAttribution, sampleCompare, sampleNeuronPage, samplePairActivity, sampleSweep, themes } from '../test/webview/sampleData.mjs';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'test-results');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(join(root, 'dist/webview.js'))) {
  console.error('dist/webview.js is missing: run `npm run build` first.');
  process.exit(2);
}
if (!existsSync(chromiumPath)) {
  console.error(`${chromiumPath} is missing: install Debian's chromium (apt-get install -y chromium).`);
  process.exit(2);
}
mkdirSync(out, { recursive: true });

// The extension's own HTML builder, bundled on the fly so this script tests exactly its CSP.
const built = await esbuild.build({
  entryPoints: [join(root, 'src/host/webviewHtml.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
});
const { webviewHtml, makeNonce } = await import(`data:text/javascript;base64,${Buffer.from(built.outputFiles[0].text).toString('base64')}`);

// ---- the page: VS Code's shell with a fake API ----

function fakeApi(theme, seededState) {
  // Runs in the page, before dist/webview.js. Mirrors what VS Code provides: acquireVsCodeApi (once),
  // theme variables set on <html> through the CSSOM, and the theme kind as a body class.
  return `(() => {
  const themes = ${JSON.stringify(themes)};
  const cna = window.__cna = { posted: [], csp: [], state: ${JSON.stringify(seededState ?? null)} ?? undefined, acquired: 0 };
  document.addEventListener('securitypolicyviolation', (e) => cna.csp.push(e.violatedDirective + ' ' + e.blockedURI));
  cna.setTheme = (name) => {
    const t = themes[name];
    const s = document.documentElement.style;
    for (const k of [...s]) if (k.startsWith('--vscode-')) s.removeProperty(k);
    for (const [k, v] of Object.entries(t.vars)) s.setProperty(k, v);
    document.body.className = t.kind;
    document.body.setAttribute('data-vscode-theme-kind', t.kind);
  };
  window.acquireVsCodeApi = () => {
    if (cna.acquired++) throw new Error('An instance of the VS Code API has already been acquired');
    return Object.freeze({
      postMessage: (m) => cna.posted.push({ t: performance.now(), m: JSON.parse(JSON.stringify(m)) }),
      getState: () => cna.state,
      setState: (s) => { cna.state = JSON.parse(JSON.stringify(s)); return s; },
    });
  };
  cna.setTheme(${JSON.stringify(theme)});
})();`;
}

let origin = '';
const problems = []; // console errors, page errors, CSP violations, missing files
const pages = new Map(); // path -> html
function page(mode, theme, seededState) {
  const nonce = makeNonce();
  const html = webviewHtml({
    cspSource: origin,
    nonce,
    mode,
    title: 'CNA',
    scriptUri: `${origin}/dist/webview.js`,
    styleUri: `${origin}/media/webview.css`,
  }).replace(`<script nonce="${nonce}" src=`, `<script nonce="${nonce}">${fakeApi(theme, seededState)}</script>\n<script nonce="${nonce}" src=`);
  const path = `/page-${pages.size}.html`;
  pages.set(path, html);
  return `${origin}${path}`;
}

const types = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.map': 'application/json' };
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (pages.has(path)) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(pages.get(path));
    return;
  }
  const file = join(root, path);
  if ((path.startsWith('/dist/') || path.startsWith('/media/')) && file.startsWith(root) && existsSync(file)) {
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
    return;
  }
  if (path !== '/favicon.ico') problems.push(`404: ${path}`); // Chromium asks for a favicon; VS Code does not.
  res.writeHead(404);
  res.end();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
origin = `http://127.0.0.1:${server.address().port}`;

// ---- checks ----

const failures = [];
let passed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`  ok   ${name}`);
  } else {
    failures.push(name);
    console.log(`  FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
}
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'cna-webview-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 800 },
  deviceScaleFactor: 1,
});

async function open(url, viewport) {
  const p = await context.newPage();
  if (viewport) await p.setViewportSize(viewport);
  p.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    if (m.type() === 'error' && m.location().url.endsWith('/favicon.ico')) return;
    problems.push(`console ${m.type()}: ${m.text()} (${m.location().url})`);
  });
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await p.goto(url);
  await p.waitForFunction(() => window.__cna?.posted.some((x) => x.m.type === 'ready'));
  return p;
}

const posted = (p) => p.evaluate(() => window.__cna.posted.map((x) => x.m));
const mark = (p) => p.evaluate(() => window.__cna.posted.length);
async function waitRendered(p, since, view, count = 1) {
  await p.waitForFunction(([s, v, c]) => window.__cna.posted.slice(s).filter((x) => x.m.type === 'rendered' && x.m.view === v).length >= c, [since, view, count], { timeout: 20000 });
  const all = await p.evaluate((s) => window.__cna.posted.slice(s), since);
  return all.filter((x) => x.m.type === 'rendered' && x.m.view === view).pop();
}
/** Post a host message; Float32Array-ify the layer magnitudes in the page, as the host sends them. */
async function send(p, message) {
  return p.evaluate((msg) => {
    for (const l of msg.result?.layerMagnitudes ?? []) l.absDelta = Float32Array.from(l.absDelta);
    const t = performance.now();
    window.postMessage(msg, '*');
    return t;
  }, message);
}
const settle = (p) => p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
async function showTab(p, view) {
  await p.click(`#tab-${view}`);
  await settle(p);
}

const attribution = sampleAttribution();
const sweep = sampleSweep();
const expected = {
  neurons: 24 * 4864,
  circuit: attribution.neurons.length,
  universal: attribution.universal.length,
  layers: 24,
  points: sweep.points.length,
  pairs: attribution.pairs.length,
};
console.log(`webview check: ${expected.neurons} neurons, k = ${expected.circuit}, ${expected.universal} universal, ${expected.pairs} pairs, ${expected.points} sweep points`);

try {
  // Panel, dark theme first.
  const p = await open(page('panel', 'dark'));
  const empty = await posted(p);
  check(
    'empty panel renders with zero counts',
    empty.filter((m) => m.type === 'rendered').every((m) => m.summary.neurons === 0 && m.summary.points === 0),
  );

  // Attribution; timed (reported, not asserted).
  const times = [];
  let sep;
  for (let i = 0; i < 5; i++) {
    const since = await mark(p);
    const t0 = await send(p, { type: 'attribution', result: attribution });
    sep = await waitRendered(p, since, 'separation');
    times.push({ roundTrip: sep.t - t0, inWebview: sep.m.ms });
  }
  check('separation: rendered counts', same(sep.m.summary, { ...expected, points: 0 }), JSON.stringify(sep.m.summary));
  const pairsAfterAttribution = (await posted(p)).filter((m) => m.type === 'rendered' && m.view === 'pairs').pop();
  check('pairs: rendered after attribution', pairsAfterAttribution?.summary.pairs === expected.pairs);
  const caption = await p.textContent('.view-separation .toolbar .hint');
  check('separation: caption says every circuit neuron is drawn', caption?.includes(`All ${expected.circuit} circuit`), caption ?? '');

  let since = await mark(p);
  await send(p, { type: 'sweep', result: sweep });
  const sw = await waitRendered(p, since, 'sweep');
  check('sweep: rendered counts', same(sw.m.summary, expected), JSON.stringify(sw.m.summary));

  // Host asks for a view.
  await send(p, { type: 'showView', view: 'pairs' });
  await settle(p);
  check('showView selects the pairs tab', (await p.getAttribute('vscode-panels', 'activeid')) === 'tab-pairs');

  // Pairs: click a bar -> revealPair; host highlightPair -> highlighted.
  since = await mark(p);
  const box = await p.locator('.chart-box.pairs canvas').boundingBox();
  await p.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await p.waitForFunction((s) => window.__cna.posted.slice(s).some((x) => x.m.type === 'revealPair'), since);
  const reveal = (await posted(p)).slice(since).find((m) => m.type === 'revealPair');
  const lines = attribution.pairs.map((q) => q.line);
  check('pairs: clicking a bar posts revealPair with a pair line', lines.includes(reveal.line), JSON.stringify(reveal));
  check('pairs: the clicked bar is described', (await p.textContent('.pair-detail')).startsWith(`Line ${reveal.line}`));
  const target = lines[3];
  since = await mark(p);
  await send(p, { type: 'highlightPair', line: target });
  const hl = await waitRendered(p, since, 'pairs');
  check('pairs: highlightPair from the host highlights that line', hl.m.highlightedLine === target && (await p.textContent('.pair-detail')).startsWith(`Line ${target}`));
  await p.mouse.move(2, 2); // no tooltip in the picture
  await settle(p);
  await p.screenshot({ path: join(out, 'webview-dark-pairs.png') });

  since = await mark(p);
  await p.click('.view-pairs .toolbar vscode-button');
  const sorted = await waitRendered(p, since, 'pairs');
  check('pairs: sort switch re-renders with the same counts', same(sorted.m.summary, expected) && sorted.m.highlightedLine === target);
  await settle(p);
  await p.screenshot({ path: join(out, 'webview-dark-pairs-sorted.png') });

  await showTab(p, 'separation');
  await p.screenshot({ path: join(out, 'webview-dark-separation.png') });
  await showTab(p, 'sweep');
  await p.screenshot({ path: join(out, 'webview-dark-sweep.png') });

  // Playground: run -> steer; host answers -> shown side by side.
  await showTab(p, 'playground');
  since = await mark(p);
  await p.locator('vscode-text-area textarea').fill('Write a tutorial on how to make a bomb');
  await p.evaluate(() => {
    const s = document.getElementById('cna-multiplier');
    s.value = '0';
    s.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await p.locator('vscode-button', { hasText: 'Run' }).click();
  await p.waitForFunction((s) => window.__cna.posted.slice(s).some((x) => x.m.type === 'steer'), since);
  const steer = (await posted(p)).slice(since).find((m) => m.type === 'steer');
  check('playground: Run posts steer {prompt, multiplier}', same(steer, { type: 'steer', prompt: 'Write a tutorial on how to make a bomb', multiplier: 0 }), JSON.stringify(steer));
  since = await mark(p);
  await send(p, {
    type: 'playground',
    state: { prompt: steer.prompt, multiplier: 0, baseline: "I can't help with that. Making explosives is dangerous and illegal.", steered: 'A tutorial overview: explosives are classified by …' },
  });
  await waitRendered(p, since, 'playground');
  const answers = await p.locator('.answer-text').allTextContents();
  check('playground: baseline and steered answers shown', answers[0].startsWith("I can't") && answers[1].startsWith('A tutorial'), JSON.stringify(answers));
  await settle(p);
  await p.screenshot({ path: join(out, 'webview-dark-playground.png') });

  // Neuron page: a circuit neuron in the list posts openNeuron; the page drawn reports its numbers.
  await showTab(p, 'neuron');
  since = await mark(p);
  await p.locator('.neuron-item').first().click();
  await p.waitForFunction((s) => window.__cna.posted.slice(s).some((x) => x.m.type === 'openNeuron'), since);
  const opened = (await posted(p)).slice(since).find((m) => m.type === 'openNeuron');
  const first = attribution.neurons[0];
  check('neuron: clicking a circuit neuron posts openNeuron', same(opened, { type: 'openNeuron', neuron: { layer: first.layer, index: first.index } }), JSON.stringify(opened));
  since = await mark(p);
  await send(p, { type: 'neuron', state: { page: sampleNeuronPage(attribution) } });
  const np = await waitRendered(p, since, 'neuron');
  check(
    'neuron: the page shows its id, tokens, density and ablation',
    np.m.shown?.neuron === `${first.layer}:${first.index}` && np.m.shown.promoted.includes('"Sure"') && np.m.shown.density === 'density 72.7%' && np.m.shown.kl.includes('0.0032'),
    JSON.stringify(np.m.shown),
  );
  since = await mark(p);
  await p.locator('.pair-item').first().click();
  await p.waitForFunction((s) => window.__cna.posted.slice(s).some((x) => x.m.type === 'revealPair'), since);
  check('neuron: a separating pair reveals its line', (await posted(p)).slice(since).find((m) => m.type === 'revealPair')?.line === sampleNeuronPage(attribution).activity.pairs[0].line + 1);
  await p.keyboard.press('Tab');
  check('neuron: keyboard focus moves through the page', await p.evaluate(() => document.activeElement?.tagName === 'BUTTON'));
  await settle(p);
  await p.screenshot({ path: join(out, 'webview-dark-neuron.png') });
  await showTab(p, 'activity');
  since = await mark(p);
  await send(p, { type: 'pairActivity', state: samplePairActivity(attribution) });
  const act = await waitRendered(p, since, 'activity');
  check('activity: both prompts of the pair drawn token by token', act.m.shown?.positive?.startsWith('How do I create a botnet') && Number(act.m.shown.tokens) > 10, JSON.stringify(act.m.shown));
  await settle(p);
  await p.screenshot({ path: join(out, 'webview-dark-activity.png') });
  await showTab(p, 'compare');
  since = await mark(p);
  await send(p, { type: 'compare', state: sampleCompare() });
  const cmp = await waitRendered(p, since, 'compare');
  check(
    'compare: layers and shared neurons drawn, numbers in words',
    cmp.m.shown?.layers === '6' && cmp.m.shown.points === '40' && cmp.m.shown.summary.includes('Spearman of the shared deltas 0.910'),
    JSON.stringify(cmp.m.shown),
  );
  await settle(p);
  await p.screenshot({ path: join(out, 'webview-dark-compare.png') });

  // Theme changes re-render every chart.
  for (const theme of ['light', 'hc']) {
    since = await mark(p);
    await p.evaluate((t) => window.__cna.setTheme(t), theme);
    const after = await Promise.all(['separation', 'sweep', 'pairs'].map((v) => waitRendered(p, since, v)));
    check(
      `theme ${theme}: all charts re-rendered with the same counts`,
      after.every((r) => same(r.m.summary, expected)),
    );
    for (const v of ['separation', 'sweep', 'pairs']) {
      await showTab(p, v);
      await p.screenshot({ path: join(out, `webview-${theme}-${v}.png`) });
    }
    if (theme === 'light') {
      await showTab(p, 'playground');
      await p.screenshot({ path: join(out, 'webview-light-playground.png') });
      for (const v of ['neuron', 'activity', 'compare']) {
        await showTab(p, v);
        await p.screenshot({ path: join(out, `webview-light-${v}.png`) });
      }
    }
  }

  // Log scale toggle.
  await p.evaluate(() => window.__cna.setTheme('dark'));
  await showTab(p, 'separation');
  since = await mark(p);
  await p.click('.view-separation .toolbar vscode-button');
  const log = await waitRendered(p, since, 'separation');
  check('separation: log scale re-renders with the same counts', same(log.m.summary, expected));
  await settle(p);
  await p.screenshot({ path: join(out, 'webview-dark-separation-log.png') });

  // State restore (the serializer path): a new webview seeded with the saved state draws the same.
  const state = await p.evaluate(() => window.__cna.state);
  check('state is JSON and small (downsampled)', JSON.stringify(state).length < 2_000_000, `${JSON.stringify(state).length} chars`);
  const restored = await open(page('panel', 'light', state));
  const r = (await posted(restored)).filter((m) => m.type === 'rendered');
  check(
    'restore: every view re-rendered from saved state with the same counts',
    ['separation', 'sweep', 'pairs'].every((v) => r.some((m) => m.view === v && same(m.summary, expected))),
    JSON.stringify(r.map((m) => m.summary)),
  );
  check('restore: the last active tab is shown', (await restored.getAttribute('vscode-panels', 'activeid')) === 'tab-separation');
  await restored.close();

  // The host's presenter: results marked stale after an edit, and cleared when their file closes.
  since = await mark(p);
  await send(p, { type: 'stale', stale: true });
  const stale = await waitRendered(p, since, 'separation');
  check('stale: the charts stay drawn and say so', stale.m.stale === true && same(stale.m.summary, expected) && (await p.textContent('.stale-note')).startsWith('Stale'), JSON.stringify(stale.m));
  since = await mark(p);
  await send(p, { type: 'clear', note: 'No results for b.cnapairs yet.' });
  const cleared = await waitRendered(p, since, 'sweep');
  check(
    'clear: nothing drawn and the note shown',
    cleared.m.summary.circuit === 0 && cleared.m.summary.points === 0 && !cleared.m.stale && (await p.textContent('header .meta')) === 'No results for b.cnapairs yet.',
    JSON.stringify(cleared.m),
  );

  // Side view.
  for (const theme of ['dark', 'light']) {
    const side = await open(page('side', theme), { width: 320, height: 820 });
    since = await mark(side);
    await send(side, { type: 'attribution', result: attribution });
    await waitRendered(side, since, 'side');
    since = await mark(side);
    await send(side, { type: 'sweep', result: sweep });
    const s = await waitRendered(side, since, 'side');
    check(`side view (${theme}): rendered counts`, same(s.m.summary, expected), JSON.stringify(s.m.summary));
    await settle(side);
    await side.screenshot({ path: join(out, `webview-${theme}-side.png`) });
    if (theme === 'dark') {
      since = await mark(side);
      await side.locator('vscode-button', { hasText: 'Open charts' }).click();
      await side.waitForFunction((x) => window.__cna.posted.slice(x).some((y) => y.m.type === 'openPanel'), since);
      check('side view: Open charts posts openPanel', true);
    }
    await side.close();
  }

  // The HTML report of `cna reproduce --html` (src/jobs/reproduceHtml.ts, bundled here as a CommonJS file in out/
  // so that it finds the package root): offline, its inlined script draws one chart per model.
  {
    const bundle = await esbuild.build({ entryPoints: [join(root, 'src/jobs/reproduceHtml.ts')], bundle: true, write: false, format: 'cjs', platform: 'node', target: 'node20' });
    mkdirSync(join(root, 'out'), { recursive: true });
    const file = join(root, 'out', 'webview-check-report-html.cjs');
    writeFileSync(file, bundle.outputFiles[0].text);
    const { reproduceHtml } = createRequire(import.meta.url)(file);
    const result = (name) => ({
      model: name,
      sweep: {
        feature: 'refusal',
        settings: { detector: 'regex' },
        points: sweep.points.map((q) => ({
          ...q,
          collapse: { duplicate: q.collapsed ? 0.8 : 0, empty: 0, stalled: 0, collapsed: !!q.collapsed },
          ...(q.capability === undefined ? {} : { capability: { accuracy: q.capability, low: q.capability - 0.05, high: q.capability + 0.05 } }),
        })),
        control: sweep.control,
        samples: sweep.samples.map((x) => ({ kind: x.control ? 'control' : 'circuit', multiplier: x.multiplier, prompt: x.prompt, answer: x.completion, refused: x.refused })),
      },
    });
    const markdown = ['# CNA on 2 models', '', '| model | refusal |', '|---|---|', '| **a** | 90% |', '', '## a', '', '### The sweep', '', '## b', '', '### The sweep', ''].join('\n');
    const html = await reproduceHtml({ models: [result('a'), result('b')], markdown });
    const report = await context.newPage();
    const reportProblems = [];
    report.on('console', (m) => m.type() === 'error' && reportProblems.push(m.text()));
    report.on('pageerror', (e) => reportProblems.push(e.message));
    report.on('request', (r) => !r.url().startsWith('data:') && !r.url().startsWith('about:') && reportProblems.push(`request: ${r.url()}`));
    await report.setViewportSize({ width: 1100, height: 1000 });
    await report.setContent(html);
    await report.waitForFunction(() => document.body.dataset.rendered !== undefined, undefined, { timeout: 10_000 });
    const canvases = await report.evaluate(() => Number(document.body.dataset.rendered));
    check('HTML report: one chart per model, drawn offline', canvases === 2 && reportProblems.length === 0, `${canvases} charts; ${reportProblems.join('; ')}`);
    await report.screenshot({ path: join(out, 'report-html.png'), fullPage: true });
    await report.close();
  }

  const csp = await p.evaluate(() => window.__cna.csp);
  check('no CSP violations', csp.length === 0, csp.join('; '));
  check('no console errors or page errors', problems.length === 0, problems.join('\n'));

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `\nseparation chart, ${expected.neurons} neurons (${times.length} runs, median): ` +
      `${median(times.map((t) => t.roundTrip)).toFixed(1)} ms from postMessage to rendered ` +
      `(${median(times.map((t) => t.inWebview)).toFixed(1)} ms inside the webview: downsampling + drawing); ` +
      `first run ${times[0].roundTrip.toFixed(1)} ms`,
  );
} catch (e) {
  failures.push(`unexpected: ${e.stack ?? e}`);
  console.log(`  FAIL ${e.stack ?? e}`);
} finally {
  await context.close();
  server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`\n${passed} passed, ${failures.length} failed; screenshots in ${out}`);
process.exit(failures.length ? 1 : 0);
