// Runs the integration suite inside a real VS Code, offline: code-server (VS Code 1.100.3's server and web
// workbench) opened in Debian's chromium through playwright-core. The mocha `run()` module given as
// extensionTestsPath runs in VS Code's Node extension host; its exit code comes back through
// window.codeAutomationExit. A small HTTP server lets tests ask for screenshots and the notifications on
// screen, and report their counts. With `workspaceTrust: true` the folder opens untrusted (Restricted Mode)
// instead of with workspace trust disabled.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { chromium } from 'playwright-core';

const harness = dirname(fileURLToPath(import.meta.url));
const codeServerEntry = join(harness, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const chromiumPath = process.env.CNA_CHROMIUM ?? '/usr/bin/chromium';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForHttp(url, ms, isDead) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (isDead()) throw new Error('code-server exited during start-up (see code-server.log)');
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`code-server did not answer ${url} within ${ms} ms`);
}

// Extension-host console lines arrive in the page console with %c styling markers; drop those.
function cleanConsole(text) {
  return text.replace(/%c/g, '').replace(/\s*color: [^;]*(;|$)/g, '').replace(/\s+$/, '');
}

/**
 * @param {{ extensionPath: string, testsPath: string, workspace: string, resultsDir: string, timeoutMs: number,
 *           env?: Record<string,string>, verbose?: boolean, workspaceTrust?: boolean }} options
 *   workspaceTrust: run with workspace trust on and the folder not trusted (Restricted Mode); default off
 *   (`--disable-workspace-trust`: everything is trusted).
 * @returns {Promise<{ code: number, passed: number, failed: number, reported: boolean, reason?: string }>}
 */
export async function runSuite(options) {
  const { extensionPath, testsPath, workspace, resultsDir, timeoutMs } = options;
  const trust = options.workspaceTrust === true;
  mkdirSync(resultsDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'cna-vscode-'));
  const userData = join(scratch, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  // Quiet start: no welcome page, tips, update checks or trust prompts in the screenshots.
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    // With trust on, a fresh user-data-dir trusts no folder; never ask (a modal would block the tests).
    'security.workspace.trust.enabled': trust,
    ...(trust ? {
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.untrustedFiles': 'open',
      'security.workspace.trust.emptyWindow': false,
    } : {}),
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'chat.commandCenter.enabled': false,
    'git.enabled': false,
  }, null, 2));

  let result; // set by the suite through POST /result
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  let page;
  let shots = 0;

  const api = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      if (url.pathname === '/screenshot') {
        const name = (url.searchParams.get('name') ?? `shot-${++shots}`).replace(/[^\w.-]/g, '_');
        const path = join(resultsDir, `${name}.png`);
        // Let the last theme or editor change paint before taking the picture.
        await sleep(700);
        await page.screenshot({ path });
        console.log(`[harness] screenshot ${path}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path }));
      } else if (url.pathname === '/notifications') {
        // The text of the notification toasts and the notification center, as the user reads them.
        const messages = await page.$$eval('.notification-list-item-message', (els) => els.map((e) => e.textContent ?? ''));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messages }));
      } else if (url.pathname === '/click') {
        // A user's click on what a Playwright selector finds (a walkthrough button runs its command through
        // the workbench, as a person's click does, which the extension API cannot imitate).
        await page.locator(url.searchParams.get('selector')).first().click({ timeout: 10_000 });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else if (url.pathname === '/clickInWebview') {
        // The same inside a webview (the chart panel): its content lives in nested iframes, so the first
        // frame where the selector finds something gets the click.
        const selector = url.searchParams.get('selector');
        const deadline = Date.now() + 10_000;
        let clicked = false;
        while (!clicked && Date.now() < deadline) {
          for (const frame of page.frames()) {
            const target = frame.locator(selector);
            if ((await target.count().catch(() => 0)) > 0) {
              await target.first().click({ timeout: 10_000 });
              clicked = true;
              break;
            }
          }
          if (!clicked) await sleep(200);
        }
        if (!clicked) throw new Error(`no webview element matches ${selector}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else if (url.pathname === '/elements') {
        // What the workbench shows for a selector: each match's text, classes and data attributes.
        const elements = await page.locator(url.searchParams.get('selector')).evaluateAll((els) => els.map((e) => ({
          text: (e.textContent ?? '').trim().slice(0, 200), className: String(e.className), data: { ...e.dataset },
        })));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ elements }));
      } else if (url.pathname === '/result' && req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += chunk;
        result = JSON.parse(body);
        res.writeHead(200).end('{}');
      } else {
        res.writeHead(404).end('not found');
      }
    } catch (err) {
      res.writeHead(500).end(String(err?.message ?? err));
    }
  });
  await new Promise((r) => api.listen(0, '127.0.0.1', r));
  const harnessUrl = `http://127.0.0.1:${api.address().port}`;

  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const serverLog = createWriteStream(join(resultsDir, 'code-server.log'));
  const server = spawn(process.execPath, [
    codeServerEntry,
    '--auth', 'none',
    '--bind-addr', host,
    '--disable-telemetry',
    '--disable-update-check',
    ...(trust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', userData,
    '--extensions-dir', join(scratch, 'extensions'),
    workspace,
  ], {
    detached: true, // its own process group, so the extension host dies with it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env, CNA_HARNESS_URL: harnessUrl },
  });
  let serverDead = false;
  // code-server runs in its own process group; take it down on Ctrl-C too.
  const onSignal = (signal) => {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(scratch, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  server.on('exit', (code, signal) => {
    serverDead = true;
    resolveExit({ code: 1, reason: `code-server exited (${code ?? signal})` });
  });

  let browser;
  const timer = setTimeout(() => resolveExit({ code: 1, reason: `timed out after ${timeoutMs / 1000} s` }), timeoutMs);
  let outcome;
  try {
    await waitForHttp(`http://${host}/healthz`, 60_000, () => serverDead);
    browser = await chromium.launchPersistentContext(join(scratch, 'chromium'), {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    // The workbench's own log (extension-host output included) comes through codeAutomationLog below;
    // the raw page console repeats it with CSS markers, so it is shown only with --verbose.
    if (options.verbose) page.on('console', (msg) => console.log(`[console:${msg.type()}] ${cleanConsole(msg.text())}`));
    page.on('pageerror', (err) => console.log(`[page error] ${err.message}`));
    page.on('crash', () => resolveExit({ code: 1, reason: 'the workbench page crashed' }));
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit({ code: Number(code) }));
    // In test mode the workbench routes its log, extension-host console lines included, through this hook.
    // Mocha's report arrives here as printf-style arguments.
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args])).replace(/\s+$/, '');
      console.log(type === 'info' || type === 'trace' || type === 'debug' ? text : `[${type}] ${text}`);
    });
    const remote = (p) => `vscode-remote://${host}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(extensionPath)],
      ['extensionTestsPath', remote(testsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ]);
    await page.goto(`http://${host}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    outcome = await exited;
  } catch (err) {
    outcome = { code: 1, reason: String(err?.message ?? err) };
  } finally {
    clearTimeout(timer);
    if (outcome?.code !== 0 && page && !page.isClosed()) {
      await page.screenshot({ path: join(resultsDir, 'failure.png') }).catch(() => {});
    }
    await browser?.close().catch(() => {});
    if (!serverDead) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([new Promise((r) => server.once('exit', r)), sleep(5000)]);
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    api.close();
    serverLog.end();
    rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  }
  return {
    code: outcome.code,
    passed: result?.passed ?? 0,
    failed: result?.failed ?? 0,
    failures: result?.failures ?? [],
    reported: result !== undefined,
    reason: outcome.reason,
  };
}
