/** Converts between the pure pairs layer's positions and VS Code's (both 0-based, UTF-16 columns). */
import * as vscode from 'vscode';
import type { Range, Severity } from '../pairs/types';

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function fromRange(r: vscode.Range): Range {
  return { start: { line: r.start.line, character: r.start.character }, end: { line: r.end.line, character: r.end.character } };
}

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  if (s === 'error') return vscode.DiagnosticSeverity.Error;
  if (s === 'warning') return vscode.DiagnosticSeverity.Warning;
  return vscode.DiagnosticSeverity.Information;
}

export const PAIRS_SELECTOR: vscode.DocumentSelector = { language: 'cnapairs' };
