/** Outline of a `.cnapairs` document: sections holding their pairs; pairs before any heading at the top. */
import * as vscode from 'vscode';
import type { Pair } from '../pairs/types';
import type { PairsDocuments } from './documents';
import { PAIRS_SELECTOR, toRange } from './positions';

function firstLine(text: string, max = 60): string {
  const line = text.trim().split('\n')[0].trim();
  return line.length > max ? line.slice(0, max - 1) + '…' : line || '(prompt)';
}

function pairSymbol(pair: Pair): vscode.DocumentSymbol {
  const detail = `- ${firstLine(pair.negative.text, 40)}${pair.split === 'eval' ? '  (eval)' : ''}`;
  return new vscode.DocumentSymbol(`+ ${firstLine(pair.positive.text)}`, detail, vscode.SymbolKind.Event, toRange(pair.range), toRange(pair.positive.textRange));
}

class PairsSymbols implements vscode.DocumentSymbolProvider {
  constructor(private readonly documents: PairsDocuments) {}

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const parsed = this.documents.parsed(document);
    const sections = parsed.sections.map((s) => new vscode.DocumentSymbol(s.title || '(untitled section)', '', vscode.SymbolKind.Namespace, toRange(s.range), toRange(s.titleRange)));
    const top: vscode.DocumentSymbol[] = [...sections];
    for (const pair of parsed.pairs) {
      (pair.sectionIndex >= 0 ? sections[pair.sectionIndex].children : top).push(pairSymbol(pair));
    }
    for (const s of sections) s.detail = `${s.children.length} pair${s.children.length === 1 ? '' : 's'}`;
    return top.sort((a, b) => a.range.start.line - b.range.start.line);
  }
}

export function registerSymbols(documents: PairsDocuments): vscode.Disposable {
  return vscode.languages.registerDocumentSymbolProvider(PAIRS_SELECTOR, new PairsSymbols(documents), { label: 'CNA pairs' });
}
