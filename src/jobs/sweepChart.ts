/** A sweep result in the shape the sweep chart draws (src/webviewProtocol.ts): the panel's and the HTML report's. */
import type { SweepChart } from '../webviewProtocol';
import type { SweepResult } from './sweep';

export function sweepForChart(r: SweepResult): SweepChart {
  const point = (p: SweepResult['points'][number]) => ({
    multiplier: p.multiplier,
    refusalRate: p.refusalRate,
    quality: p.quality,
    kl: p.kl ?? 0,
    n: p.n,
    ...(p.capability && !Number.isNaN(p.capability.accuracy) ? { capability: p.capability.accuracy, capabilityChance: p.capability.chance } : {}),
    ...(p.overRefusal?.length ? { overRefusal: p.overRefusal.reduce((s, b) => s + b.refusalRate * b.n, 0) / p.overRefusal.reduce((s, b) => s + b.n, 0) } : {}),
    ...(p.collapse?.collapsed ? { collapsed: true } : {}),
  });
  return {
    points: r.points.map(point),
    control: r.control.map(point),
    samples: r.samples
      .filter((s) => s.kind !== 'caa')
      .map((s) => ({ multiplier: s.multiplier, prompt: s.prompt, completion: s.answer, refused: s.refused, ...(s.kind === 'control' ? { control: true } : {}) })),
    feature: r.feature,
    detector: r.settings.detector,
  };
}
