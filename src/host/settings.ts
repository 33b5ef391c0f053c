/**
 * The `cna.*` settings. The run settings (circuit size, layers, multipliers, ...) go to the one resolver in
 * src/jobs/settings.ts, where a file's directives win over them and the defaults live; the rest (model path,
 * engine options) are the editor's own.
 */
import * as vscode from 'vscode';
import { resolveRunSettings, type GivenSettings, type RunSettings } from '../jobs/settings';
import type { Header, TemplateMode } from '../pairs/types';

export interface EditorSettings {
  /** Empty when unset (an untrusted workspace only sees the user's value: it is a restricted setting). */
  modelPath: string;
  /** 0 = let the engine choose (one per core). */
  threads: number;
  executionProvider: string;
  /** How prompts are formatted when a file has no `@template`. */
  template: TemplateMode;
  /** As the user wrote them; parsed by the resolver. */
  run: GivenSettings;
}

export function readSettings(scope?: vscode.Uri): EditorSettings {
  const c = vscode.workspace.getConfiguration('cna', scope);
  return {
    modelPath: (c.get<string>('modelPath') ?? '').trim(),
    threads: c.get<number>('threads') ?? 0,
    executionProvider: c.get<string>('executionProvider') ?? 'cpu',
    template: c.get<TemplateMode>('template') ?? 'chat',
    run: {
      top: c.get<string>('circuitSize'),
      excludeLayers: c.get<string>('excludeLayers'),
      universalFilter: c.get<boolean>('universalFilter'),
      multipliers: c.get<number[]>('multipliers'),
      maxNewTokens: c.get<number>('maxNewTokens'),
      detector: c.get<string>('detector'),
    },
  };
}

/** The file's header with the cna.template setting where the file has no `@template`. */
export function withTemplateSetting(header: Header, scope: vscode.Uri | undefined): Header {
  return header.template !== undefined ? header : { ...header, template: readSettings(scope).template };
}

/** A document's run settings: its directives, else the editor's settings, else the defaults. */
export function runSettings(header: Header, scope: vscode.Uri | undefined): RunSettings {
  return resolveRunSettings(header, { settings: readSettings(scope).run });
}
