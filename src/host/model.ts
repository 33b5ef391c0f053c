/**
 * Which model a run uses: the file's `@model` (relative to the file), else the `cna.modelPath` setting,
 * else the bundled demo model. Also the recent-models list that CNA: Select Model offers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../errors';
import { readSettings } from './settings';

export const DEMO_MODELS = [
  { folder: path.join('models', 'demo-instruct'), label: 'Demo model (instruct, bundled)' },
  { folder: path.join('models', 'demo-base'), label: 'Demo model (base, bundled)' },
];

const RECENT_KEY = 'cna.recentModels';
const RECENT_MAX = 8;

export type ModelSource = '@model' | 'cna.modelPath' | 'demo model';

export interface ResolvedModel {
  path: string;
  source: ModelSource;
}

export function demoModelPath(context: vscode.ExtensionContext): string {
  return path.join(context.extensionPath, DEMO_MODELS[0].folder);
}

/** `modelDirective` is the file's `@model` already resolved against the file's folder. */
export function resolveModel(context: vscode.ExtensionContext, scope: vscode.Uri | undefined, modelDirective: string | undefined): ResolvedModel {
  const setting = readSettings(scope).modelPath;
  const resolved: ResolvedModel = modelDirective
    ? { path: modelDirective, source: '@model' }
    : setting
      ? { path: settingPath(setting, scope), source: 'cna.modelPath' }
      : { path: demoModelPath(context), source: 'demo model' };
  if (!fs.existsSync(resolved.path)) {
    throw new UserError(
      resolved.source === 'demo model'
        ? 'No model is configured and the bundled demo model is not installed: run "CNA: Select Model" to choose an ONNX model folder.'
        : `The model ${resolved.path} (from ${resolved.source}) does not exist: fix it, or run "CNA: Select Model".`,
    );
  }
  return resolved;
}

/** A relative `cna.modelPath` is taken relative to the workspace folder of `scope` (or the first one). */
function settingPath(setting: string, scope: vscode.Uri | undefined): string {
  if (path.isAbsolute(setting)) return setting;
  const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, setting) : path.resolve(setting);
}

export function recentModels(context: vscode.ExtensionContext): string[] {
  return context.globalState.get<string[]>(RECENT_KEY, []).filter((p) => fs.existsSync(p));
}

export async function rememberModel(context: vscode.ExtensionContext, modelPath: string): Promise<void> {
  const list = [modelPath, ...context.globalState.get<string[]>(RECENT_KEY, []).filter((p) => p !== modelPath)].slice(0, RECENT_MAX);
  await context.globalState.update(RECENT_KEY, list);
}
