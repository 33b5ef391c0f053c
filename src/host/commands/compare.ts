/**
 * CNA: Compare Circuits: two circuit files (ours or the reference layout), compared as `cna compare` does,
 * drawn in the chart panel's Compare tab. Arguments (two URIs) skip the file picker.
 */
import * as vscode from 'vscode';
import { compareCircuits, type CircuitComparison } from '../../cna/compare';
import { UserError } from '../../errors';
import { readCircuitFile } from '../../jobs/circuitFile';
import type { CommandFactory } from './types';

export const compareCircuitsCommand: CommandFactory = (ctx) => async (a, b) => {
  const files = a instanceof vscode.Uri && b instanceof vscode.Uri ? [a, b] : await pick();
  if (!files) return undefined;
  const [ca, cb] = await Promise.all(files.map((f) => readCircuitFile(f.fsPath)));
  const comparison: CircuitComparison = compareCircuits(ca.neurons, cb.neurons);
  const notes: string[] = [];
  const [ma, mb] = [ca.circuit?.model, cb.circuit?.model];
  if (ma && mb && (ma.layers !== mb.layers || ma.intermediateSize !== mb.intermediateSize)) {
    notes.push(`The circuits come from models of different shapes (${ma.layers} x ${ma.intermediateSize} vs ${mb.layers} x ${mb.intermediateSize}): shared addresses are not the same neurons.`);
  }
  ctx.presenter.showCompare({ a: files[0].fsPath, b: files[1].fsPath, comparison, notes });
  ctx.presenter.openPanel('compare');
  return comparison;
};

async function pick(): Promise<vscode.Uri[] | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: true, filters: { 'Circuit files': ['json'] }, openLabel: 'Compare', title: 'CNA: pick two circuit files' });
  if (!picked) return undefined;
  if (picked.length !== 2) throw new UserError(`Pick exactly two circuit files to compare (${picked.length} picked).`);
  return picked;
}
