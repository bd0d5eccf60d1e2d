/**
 * The cost of aligning images of different sizes (FSIM_SPEC.md §8) next to the cost of the
 * comparison it enables, on the CPU path, in one process: medians after a warm-up.
 *   npm run bench:align [-- --runs 7]
 * Cases: a 4K candidate aligned to a 1080p reference (shrinking), a 1080p candidate aligned to
 * a 4K reference (enlarging), each by cover and by stretch; the comparison at the reference's
 * default scale and at F = 1.
 */
import { alignImage, type AlignMode } from '../src/align.js';
import { createFsim } from '../src/node/index.js';
import { flag, machine, median, photoAt } from './common.js';

const runs = Number(flag('runs') ?? 7);
const timed = async (work: () => unknown, times = runs): Promise<number> => {
  await work(); // warm-up
  const ms: number[] = [];
  for (let k = 0; k < times; k++) {
    const t = performance.now();
    await work();
    ms.push(performance.now() - t);
  }
  return median(ms);
};

console.log(`# alignment cost on ${machine()} (medians of ${runs} after a warm-up)\n`);
console.log('| reference | candidate | mode | align | compare, scale auto | compare, F = 1 | align / compare (auto, F = 1) |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
const engine = await createFsim({ backend: 'cpu' });
try {
  for (const [[rw, rh], [cw, ch]] of [
    [
      [1920, 1080],
      [3840, 2160],
    ],
    [
      [3840, 2160],
      [1920, 1080],
    ],
  ] as const) {
    const reference = await photoAt('I01_x2.png', rw, rh);
    // The candidate with a different aspect ratio, so cover crops.
    const candidate = await photoAt('I01_dist_x2.png', cw, Math.round(ch * 1.2));
    const aligned = alignImage(candidate, [rh, rw], 'cover').image;
    const auto = await timed(() => engine.compare(reference, aligned), 3);
    const full = await timed(() => engine.compare(reference, aligned, { scale: 1 }), 1);
    for (const mode of ['cover', 'stretch'] as AlignMode[]) {
      const align = await timed(() => alignImage(candidate, [rh, rw], mode));
      console.log(
        `| ${rw}×${rh} | ${cw}×${candidate.height} | ${mode} | ${align.toFixed(0)} ms | ${auto.toFixed(0)} ms | ${full.toFixed(0)} ms | ${(align / auto).toFixed(2)} / ${(align / full).toFixed(3)} |`,
      );
    }
  }
} finally {
  await engine.dispose();
}
