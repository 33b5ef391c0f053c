/** The `cna.*` settings, read with their package.json defaults (one place, typed). */
import * as vscode from 'vscode';
import type { DetectorName } from '../cna/refusal';

export interface CnaSettings {
  /** Empty when unset (an untrusted workspace only sees the user's value: it is a restricted setting). */
  modelPath: string;
  circuitSize: string;
  excludeLayers: string;
  universalFilter: boolean;
  multipliers: number[];
  maxNewTokens: number;
  detector: DetectorName;
  /** 0 = let the engine choose (one per core). */
  threads: number;
  executionProvider: string;
}

export function readSettings(scope?: vscode.Uri): CnaSettings {
  const c = vscode.workspace.getConfiguration('cna', scope);
  return {
    modelPath: c.get<string>('modelPath', '').trim(),
    circuitSize: c.get<string>('circuitSize', '0.1%').trim(),
    excludeLayers: c.get<string>('excludeLayers', '0-1').trim(),
    universalFilter: c.get<boolean>('universalFilter', true),
    multipliers: c.get<number[]>('multipliers', [0, 0.25, 0.5, 0.75, 1, 1.5, 2]),
    maxNewTokens: c.get<number>('maxNewTokens', 150),
    detector: c.get<DetectorName>('detector', 'regex'),
    threads: c.get<number>('threads', 0),
    executionProvider: c.get<string>('executionProvider', 'cpu'),
  };
}
