/** The matchers' failure message, shared by the Node and browser matchers. */
import type { DiffRegion } from '../diff.js';

export interface JudgedComparison {
  fsim: number;
  fsimc: number;
  minScore: number;
  scale: number;
  backend: string;
  regions?: readonly DiffRegion[];
  diffPath?: string;
}

const score = (v: number) => v.toFixed(6);

/** One readable message: both scores, the threshold, the regions that differ most, the diff image. */
export function describeComparison(r: JudgedComparison, pass: boolean, isNot: boolean): string {
  const verdict = isNot
    ? `expected the images not to be similar, but FSIMc ${score(r.fsimc)} ≥ min score ${r.minScore}`
    : pass
      ? `images are similar: FSIMc ${score(r.fsimc)} ≥ min score ${r.minScore}`
      : `expected the images to be similar: FSIMc ${score(r.fsimc)} < min score ${r.minScore}`;
  const lines = [`${verdict} (FSIM ${score(r.fsim)}, scale F = ${r.scale}, ${r.backend})`];
  if (r.regions && r.regions.length > 0) {
    lines.push('regions that differ most (x, y, width × height, share of the difference):');
    for (const g of r.regions) lines.push(`  (${g.x}, ${g.y}) ${g.width} × ${g.height}: ${(100 * g.share).toFixed(1)}%`);
  }
  if (r.diffPath) lines.push(`diff image: ${r.diffPath}`);
  return lines.join('\n');
}
