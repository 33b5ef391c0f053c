// Checks the shipped package, not the source tree: builds the linux-x64 .vsix (scripts/package.mjs, which
// puts the dev bundles back), installs it into a fresh extensions folder with code-server's CLI (VS Code
// 1.100's `--install-extension`, offline), runs the installed copy's CLI on the demo (so the shipped
// dist/, models/ and onnxruntime-node binaries are what runs), then opens the demo in code-server + chromium
// with only the installed extension (no extensionDevelopmentPath), runs "CNA: Run Attribution" with its
// keybinding and waits for the pair lenses to show contributions. Screenshots go to test-results/vsix/.
// Usage: node scripts/check-vsix.mjs [--no-package] [--no-ui]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const vsix = join(root, 'cna-vscode-linux-x64.vsix');
const codeServer = join(root, 'test', 'harness', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const results = join(root, 'test-results', 'vsix');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failed = false;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed = true;
};

if (!args.has('--no-package')) {
  execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--target', 'linux-x64'], { cwd: root, stdio: 'inherit' });
}
check(existsSync(vsix), `${vsix} exists (${(statSync(vsix).size / 1e6).toFixed(1)} MB)`);

const scratch = mkdtempSync(join(tmpdir(), 'cna-vsix-'));
mkdirSync(results, { recursive: true });
try {
  const extensions = join(scratch, 'extensions');
  const install = spawnSync(process.execPath, [codeServer, '--user-data-dir', join(scratch, 'user-data'), '--extensions-dir', extensions, '--install-extension', vsix], { encoding: 'utf8' });
  console.log(install.stdout.trim());
  check(install.status === 0 && /successfully installed/.test(install.stdout), 'code-server --install-extension');
  const folder = readdirSync(extensions).find((f) => f.startsWith('cna-tools.cna-vscode-'));
  check(folder !== undefined, `installed as ${folder}`);
  const ext = join(extensions, folder);

  // Only the runtime files: no sources, tests, maps or other platforms' binaries.
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else files.push(join(dir, e.name).slice(ext.length + 1));
    }
  };
  walk(ext);
  console.log(`${files.length} files installed`);
  const stray = files.filter((f) => /^(src|test|webview|scripts|out|tools)\/|\.map$|\.ts$|\.py$|napi-v6\/(darwin|win32)|linux\/arm64/.test(f));
  check(stray.length === 0, `no non-runtime files${stray.length ? `: ${stray.slice(0, 5).join(', ')}` : ''}`);
  for (const need of [
    'dist/extension.js',
    'dist/cli.js',
    'dist/worker.js',
    'dist/webview.js',
    'models/demo-instruct/model.onnx',
    'models/demo-base/model.onnx',
    'examples/demo.cnapairs',
    'media/walkthrough/attribution.md',
    'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
  ]) {
    check(files.includes(need), `ships ${need}`);
  }

  // The demo through the installed CLI, in a folder outside the repo.
  const ws = join(scratch, 'workspace');
  mkdirSync(ws);
  copyFileSync(join(root, 'examples', 'demo.cnapairs'), join(ws, 'demo.cnapairs'));
  const cli = (...a) => spawnSync(process.execPath, [join(ext, 'dist', 'cli.js'), ...a], { cwd: ws, encoding: 'utf8' });
  const att = cli('attribute', 'demo.cnapairs', '--out', 'circuit.json', '--json');
  const circuit = att.status === 0 && existsSync(join(ws, 'circuit.json')) ? JSON.parse(readFileSync(join(ws, 'circuit.json'), 'utf8')) : undefined;
  const neurons = circuit?.neurons?.length ?? circuit?.circuit?.length;
  check(
    att.status === 0 && circuit !== undefined,
    `installed cli attribute demo.cnapairs (exit ${att.status}, ${neurons ?? '?'} neurons)${att.status ? `: ${att.stderr.trim().split('\n').pop()}` : ''}`,
  );
  const sweep = cli('sweep', 'demo.cnapairs', '--circuit', 'circuit.json', '--multipliers', '0,1', '--max-new-tokens', '40');
  const table = sweep.stdout.split('\n').filter((l) => /^(multiplier|0 |1 )/.test(l));
  console.log(table.join('\n'));
  const rate = (m) => Number(/^\S+\s+(\d+)%/.exec(table.find((l) => l.startsWith(`${m} `)) ?? '')?.[1]);
  check(sweep.status === 0 && rate(0) < rate(1), `installed cli sweep: ablating the circuit lowers refusal (${rate(1)}% -> ${rate(0)}%)`);

  if (!args.has('--no-ui')) await checkWorkbench(extensions, ws);
} finally {
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
}
console.log(failed ? 'check-vsix: FAILED' : 'check-vsix: all checks passed');
process.exit(failed ? 1 : 0);

async function checkWorkbench(extensions, ws) {
  const { chromium } = await import('playwright-core');
  const port = await new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port: p } = s.address();
      s.close(() => resolve(p));
    });
  });
  const userData = join(scratch, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'git.enabled': false,
      'security.workspace.trust.enabled': false,
      'chat.commandCenter.enabled': false,
    }),
  );
  const server = spawn(
    process.execPath,
    [
      codeServer,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      ws,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = createWriteStream(join(results, 'code-server.log'));
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  let browser;
  try {
    for (let i = 0; i < 300; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {
        // not up yet
      }
      await sleep(200);
    }
    browser = await chromium.launchPersistentContext(join(scratch, 'chromium'), {
      executablePath: process.env.CNA_CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await sleep(3000);
    await page.keyboard.press('Control+P');
    await sleep(800);
    await page.keyboard.type('demo.cnapairs');
    // Enter before the file search has answered opens nothing: wait for the result row.
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 30_000 });
    await sleep(500);
    await page.keyboard.press('Enter');
    const lenses = page.locator('.contentWidgets .codelens-decoration, .codelens-decoration');
    await lenses
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(() => {});
    await page.screenshot({ path: join(results, 'opened.png') });
    const before = await lenses.allTextContents();
    check(before.length > 0, `installed extension active in code-server: ${before.length} pair lenses (e.g. "${before[0] ?? ''}")`);
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Alt+Enter');
    let after = [];
    for (let i = 0; i < 120 && !after.some((t) => /contribution/.test(t)); i++) {
      await sleep(500);
      after = await lenses.allTextContents();
    }
    await page.screenshot({ path: join(results, 'attributed.png') });
    check(
      after.some((t) => /contribution/.test(t)),
      `Run Attribution in the workbench: lenses show "${after.find((t) => /contribution/.test(t)) ?? after[0] ?? ''}"`,
    );
    console.log(`screenshots in ${results}`);
  } finally {
    await browser?.close().catch(() => {});
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // gone
    }
    log.end();
  }
}
