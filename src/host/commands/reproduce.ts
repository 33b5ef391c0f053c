/**
 * CNA: Reproduce the Paper on Models: the paper's protocol on several model folders (cna reproduce --model A
 * --model B), one report written as Markdown and self-contained HTML into `cna-reports/` of the workspace
 * folder (the extension's storage without one), then the HTML report opened in an editor tab. Results are
 * cached per model, so a cancelled run continues where it stopped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError } from '../../errors';
import { writeFileAtomic } from '../../jobs/circuitFile';
import { reproduceHtml } from '../../jobs/reproduceHtml';
import { runReproduceModels } from '../../jobs/reproduceModels';
import { requireTrust, runWithProgress } from '../context';
import type { CommandFactory } from './types';

/** What tests and other extensions may pass instead of picking: the folders, and a smaller run. */
interface ReproduceArgs {
  models: (string | vscode.Uri)[];
  /** Only the first N goals, XSTest prompts and MMLU questions (quick looks). */
  limit?: number;
  maxNewTokens?: number;
}

function isReproduceArgs(arg: unknown): arg is ReproduceArgs {
  return !!arg && typeof arg === 'object' && Array.isArray((arg as ReproduceArgs).models);
}

/** Folders from the arguments (paths or URIs), else a picker. */
async function modelFolders(arg: unknown): Promise<string[] | undefined> {
  const given = isReproduceArgs(arg) ? arg.models : arg;
  if (Array.isArray(given) && given.length > 0) return given.map((a) => (a instanceof vscode.Uri ? a.fsPath : String(a)));
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: true,
    openLabel: 'Reproduce on these models',
    title: "CNA: model folders for the paper's protocol",
  });
  return picked?.map((u) => u.fsPath);
}

export const reproduceModelsCommand: CommandFactory = (ctx) => async (arg) => {
  requireTrust('Reproduce the Paper on Models');
  const folders = await modelFolders(arg);
  if (!folders || folders.length === 0) return undefined;
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const outDir = path.join(workspace ?? ctx.extension.globalStorageUri.fsPath, 'cna-reports');
  fs.mkdirSync(outDir, { recursive: true });
  return runWithProgress(ctx, `Reproduce the Paper on ${folders.length} model${folders.length === 1 ? '' : 's'}`, async ({ signal, progress }) => {
    const r = await ctx.engine.use((engine) =>
      runReproduceModels(
        { engine, signal, onProgress: progress, onNote: (m) => ctx.log.info(m) },
        folders.map((p) => ({ path: p })),
        { cacheDir: path.join(outDir, '.cna-reproduce-cache'), ...(isReproduceArgs(arg) ? { limit: arg.limit, maxNewTokens: arg.maxNewTokens } : {}) },
      ),
    );
    if (signal.aborted) throw new CancelledError();
    const md = path.join(outDir, 'reproduce.md');
    const html = path.join(outDir, 'reproduce.html');
    await writeFileAtomic(md, r.markdown, signal);
    await writeFileAtomic(html, await reproduceHtml(r), signal);
    ctx.log.info(`Reproduce: wrote ${md} and ${html}${r.cached.length ? ` (from the cache: ${r.cached.join(', ')})` : ''}`);
    showHtmlReport(html, await fs.promises.readFile(html, 'utf8'));
    return { markdown: md, html, models: r.models.map((m) => m.model) };
  });
};

/** The HTML report in an editor tab: the file as written (its own CSP allows only its inline script and styles). */
function showHtmlReport(file: string, html: string): void {
  const panel = vscode.window.createWebviewPanel('cna.report', `CNA report: ${path.basename(file)}`, vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [] });
  panel.webview.html = html;
}
