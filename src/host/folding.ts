/** Folding for `.cnapairs`: each `##` section, and each pair that spans several lines. */
import * as vscode from 'vscode';
import type { PairsDocuments } from './documents';
import { PAIRS_SELECTOR } from './positions';

class PairsFolding implements vscode.FoldingRangeProvider {
  constructor(private readonly documents: PairsDocuments) {}

  provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
    const parsed = this.documents.parsed(document);
    const ranges: vscode.FoldingRange[] = [];
    for (const s of parsed.sections) {
      if (s.range.end.line > s.line) ranges.push(new vscode.FoldingRange(s.line, s.range.end.line, vscode.FoldingRangeKind.Region));
    }
    for (const p of parsed.pairs) if (p.endLine > p.line) ranges.push(new vscode.FoldingRange(p.line, p.endLine));
    return ranges;
  }
}

export function registerFolding(documents: PairsDocuments): vscode.Disposable {
  return vscode.languages.registerFoldingRangeProvider(PAIRS_SELECTOR, new PairsFolding(documents));
}
