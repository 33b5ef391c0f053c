// What a test may ask of the harness that drives the workbench: screenshots, the final result.
// Under code-server the harness passes its HTTP address in CNA_HARNESS_URL; under
// @vscode/test-electron there is none, and these calls do nothing.
import * as http from 'node:http';
import * as vscode from 'vscode';

const harnessUrl = process.env.CNA_HARNESS_URL;

export function hasHarness(): boolean {
  return Boolean(harnessUrl);
}

function request(method: 'GET' | 'POST', pathAndQuery: string, body?: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${harnessUrl}${pathAndQuery}`, { method, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`harness ${pathAndQuery}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Saves a PNG of the whole workbench as test-results/vscode/<name>.png; returns its path, or undefined without a harness. */
export async function screenshot(name: string): Promise<string | undefined> {
  if (!harnessUrl) return undefined;
  const reply = JSON.parse(await request('GET', `/screenshot?name=${encodeURIComponent(name)}`)) as { path: string };
  return reply.path;
}

/** The notification messages on screen (toasts and center), or undefined without a harness. */
export async function notifications(): Promise<string[] | undefined> {
  if (!harnessUrl) return undefined;
  return (JSON.parse(await request('GET', '/notifications')) as { messages: string[] }).messages;
}

/** Clicks, as a user would, the first element a Playwright selector finds; false without a harness. */
export async function click(selector: string): Promise<boolean> {
  if (!harnessUrl) return false;
  await request('GET', `/click?selector=${encodeURIComponent(selector)}`);
  return true;
}

/** Clicks, as a user would, the first element a selector finds inside a webview (the chart panel); false without a harness. */
export async function clickInWebview(selector: string): Promise<boolean> {
  if (!harnessUrl) return false;
  await request('GET', `/clickInWebview?selector=${encodeURIComponent(selector)}`);
  return true;
}

export interface WorkbenchElement {
  text: string;
  className: string;
  data: Record<string, string>;
}

/** The workbench elements a selector finds (text, classes, data-* attributes), or undefined without a harness. */
export async function elements(selector: string): Promise<WorkbenchElement[] | undefined> {
  if (!harnessUrl) return undefined;
  return (JSON.parse(await request('GET', `/elements?selector=${encodeURIComponent(selector)}`)) as { elements: WorkbenchElement[] }).elements;
}

export async function reportResult(result: { passed: number; failed: number; failures: string[] }): Promise<void> {
  if (harnessUrl) await request('POST', '/result', result);
}

/** Switches `workbench.colorTheme` and waits until the workbench has applied it. */
export async function setColorTheme(theme: 'Default Light Modern' | 'Default Dark Modern'): Promise<void> {
  const wantKind = theme === 'Default Light Modern' ? vscode.ColorThemeKind.Light : vscode.ColorThemeKind.Dark;
  if (vscode.window.activeColorTheme.kind === wantKind && vscode.workspace.getConfiguration('workbench').get('colorTheme') === theme) return;
  const applied = new Promise<void>((resolve) => {
    const sub = vscode.window.onDidChangeActiveColorTheme((t) => {
      if (t.kind === wantKind) {
        sub.dispose();
        resolve();
      }
    });
  });
  await vscode.workspace.getConfiguration('workbench').update('colorTheme', theme, vscode.ConfigurationTarget.Global);
  await withTimeout(applied, 15_000, `color theme ${theme} was not applied`);
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `probe` (sync or async) until it returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the chart panel and the side view report after drawing (src/webviewProtocol.ts, RenderedMessage). */
export interface Rendered {
  view: string;
  highlightedLine?: number;
  source?: string;
  stale?: boolean;
  summary: { neurons: number; circuit: number; universal: number; layers: number; points: number; pairs: number };
  shown?: Record<string, string>;
}

/** The probes `activate()` returns (src/host/api.ts), as the tests use them. */
export interface CnaApi {
  chartRendered(view?: string, waitMs?: number): Promise<Rendered | undefined>;
  sideRendered(waitMs?: number): Promise<Rendered | undefined>;
  shownDocument(): string | undefined;
  cancelRuns(): number;
  stopEngine(): Promise<void>;
  activityDecorations(uri: string): { text: string; score: number; line: number; character: number }[];
}

/** The extension's API, activating it if needed. */
export async function cnaApi(): Promise<CnaApi> {
  const ext = vscode.extensions.getExtension<CnaApi>('cna-tools.cna-vscode');
  if (!ext) throw new Error('cna-tools.cna-vscode is not installed in the test instance');
  return ext.isActive ? ext.exports : ext.activate();
}
