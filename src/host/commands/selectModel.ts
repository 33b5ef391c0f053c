/**
 * CNA: Select Model: a folder picker, the recent models, and the bundled demo model (always offered). The
 * choice goes to the workspace's `cna.modelPath` (a file's `@model` still wins); the demo model clears it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findVariantFolders } from '../../engine/modelFolder';
import { DEMO_MODELS, recentModels, rememberModel } from '../model';
import { readSettings } from '../settings';
import type { CommandFactory } from './types';

interface ModelItem extends vscode.QuickPickItem {
  action: 'browse' | 'demo' | 'path';
  modelPath?: string;
}

export const selectModelCommand: CommandFactory = (ctx) => async () => {
  const context = ctx.extension;
  const current = readSettings().modelPath;
  const items: ModelItem[] = [{ label: '$(folder-opened) Browse for a model folder…', action: 'browse' }];
  const demoItems = DEMO_MODELS.map((d, i): ModelItem => {
    const full = path.join(context.extensionPath, d.folder);
    const installed = fs.existsSync(full);
    return {
      label: `$(package) ${d.label}`,
      description: i === 0 ? 'the default when no model is set' : undefined,
      detail: installed ? full : `${full} (not installed)`,
      action: i === 0 ? 'demo' : 'path',
      modelPath: full,
    };
  });
  items.push(...demoItems);
  const recent = recentModels(context).filter((p) => !demoItems.some((d) => d.modelPath === p));
  if (recent.length > 0) {
    items.push({ label: 'Recent', kind: vscode.QuickPickItemKind.Separator, action: 'path' });
    items.push(...recent.map((p): ModelItem => ({ label: `$(history) ${path.basename(p)}`, detail: p, action: 'path', modelPath: p, description: p === current ? 'current' : undefined })));
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'CNA: Select Model', placeHolder: current ? `Current: ${current}` : 'Current: the bundled demo model', matchOnDetail: true });
  if (!pick) return;

  let chosen: string | undefined;
  if (pick.action === 'browse') {
    const folders = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Use This Model',
      title: 'An ONNX model folder (model.onnx, config.json, tokenizer.json)',
    });
    chosen = folders?.[0]?.fsPath;
    if (!chosen) return;
    // A repository root with several variant folders (onnxruntime-genai's cpu_and_mobile/..., cuda/...): pick one.
    const variants = findVariantFolders(chosen);
    if (variants.length > 1) {
      const variant = await vscode.window.showQuickPick(
        variants.map((v) => ({ label: v })),
        { title: `CNA: ${path.basename(chosen)} holds ${variants.length} model variants`, placeHolder: 'Pick the variant to run (CPU variants run here; CUDA ones need the CUDA provider)' },
      );
      if (!variant) return;
      chosen = path.join(chosen, variant.label);
    }
  } else if (pick.action === 'path') {
    chosen = pick.modelPath;
  }
  const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  // The demo model is the fallback: clearing the setting selects it and survives extension updates (its path changes).
  await vscode.workspace.getConfiguration('cna').update('modelPath', chosen, target);
  if (chosen) await rememberModel(context, chosen);
  const label = chosen ?? 'the bundled demo model';
  ctx.log.info(`Model selected: ${label} (cna.modelPath, ${target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'user'} settings)`);
  void vscode.window.showInformationMessage(`CNA: model set to ${label}. A file's @model directive still takes precedence.`);
};
