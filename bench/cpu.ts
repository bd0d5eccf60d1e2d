/**
 * CPU path benchmark: end-to-end FSIM/FSIMc of one pair (both images prepared, pooled),
 * cold (first call: filter bank, plans, worker start) and warm (median of several runs).
 *   npm run bench [-- --sizes 512x384,1920x1080,3640x2400 --runs 5]
 * The reference implementation (MATLAB on FFTW, 2 cores) takes 0.15 s, 9.6 s and 80 s for
 * these three cases (figures from the project's issue tracker).
 */
import { writeFileSync } from 'node:fs';
import { createFsim } from '../src/node/index.js';
import type { ScaleOption } from '../src/scale.js';
import { flag, machine, median, pairAt } from './common.js';

interface Case {
  name: string;
  width: number;
  height: number;
  scale: ScaleOption;
  reference?: number;
}

const CASES: Case[] = [
  { name: '512×384 auto (F = 2)', width: 512, height: 384, scale: 'auto', reference: 0.15 },
  { name: '1080p F = 1', width: 1920, height: 1080, scale: 1, reference: 9.6 },
  { name: '4K F = 1 (2400×3640)', width: 3640, height: 2400, scale: 1, reference: 80 },
];

const sizes = flag('sizes')?.split(',');
const runs = Number(flag('runs') ?? 5);
const out = flag('json');
const rows: Record<string, unknown>[] = [];
console.log(`fsim-gpu CPU benchmark on ${machine()}`);
for (const c of CASES.filter((k) => !sizes || sizes.includes(`${k.width}x${k.height}`))) {
  const [a, b] = await pairAt(c.width, c.height);
  // A fresh engine and size: the first call pays for worker start, plans and filter bank.
  const engine = await createFsim({ backend: 'cpu' });
  let t = performance.now();
  const first = await engine.compare(a, b, { scale: c.scale });
  const cold = (performance.now() - t) / 1000;
  const times: number[] = [];
  for (let k = 0; k < (c.width * c.height > 4e6 ? Math.min(runs, 3) : runs); k++) {
    t = performance.now();
    await engine.compare(a, b, { scale: c.scale });
    times.push((performance.now() - t) / 1000);
  }
  await engine.dispose();
  const warm = median(times);
  const row = {
    case: c.name,
    downsampled: first.downsampled.join('×'),
    backend: first.backend,
    runs: times.length,
    coldSeconds: +cold.toFixed(3),
    warmMedianSeconds: +warm.toFixed(3),
    referenceSeconds: c.reference,
    speedupCold: c.reference ? +(c.reference / cold).toFixed(2) : undefined,
    fsim: first.fsim,
    fsimc: first.fsimc,
  };
  rows.push(row);
  console.log(
    `${c.name.padEnd(24)} ${row.downsampled.padEnd(10)} cold ${cold.toFixed(3)} s  warm median ${warm.toFixed(3)} s (${times.length} runs)` +
      (c.reference
        ? `  reference ${c.reference} s → ${(c.reference / cold).toFixed(1)}× cold, ${(c.reference / warm).toFixed(1)}× warm`
        : ''),
  );
}
if (out) writeFileSync(out, JSON.stringify({ machine: machine(), rows }, null, 2));
