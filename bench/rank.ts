/**
 * Ranking throughput: one 1080p reference against N 1080p candidates (default 100), decoded
 * from PNG in memory as they are ranked (so decoding overlaps the comparisons), scale auto.
 * Reports images/second per backend and how many times the reference was prepared.
 *   node dist/bench/rank.js [--candidates 100] [--backends cpu,gpu]
 */
import sharp from 'sharp';
import { createFsim, decodeImage, rank, type RankCandidate } from '../src/node/index.js';
import { flag, machine, pairAt } from './common.js';

const count = Number(flag('candidates') ?? 100);
const backends = (flag('backends') ?? 'cpu,gpu').split(',') as ('cpu' | 'gpu')[];
const [reference, distorted] = await pairAt(1920, 1080);
// Eight distinct candidates as PNG files in memory: the distortion with more and more noise.
const encoded: Buffer[] = [];
for (let k = 0; k < 8; k++) {
  const data = Uint8Array.from(distorted.data, (v, i) => Math.max(0, Math.min(255, v + (((i * 7919 + k * 104729) % 17) - 8) * k)));
  encoded.push(
    await sharp(data, { raw: { width: 1920, height: 1080, channels: 3 } })
      .png({ compressionLevel: 1 })
      .toBuffer(),
  );
}
const candidates = (): RankCandidate[] =>
  Array.from({ length: count }, (_, k) => ({
    name: `candidate-${k}.png`,
    load: () => decodeImage(encoded[k % encoded.length], `candidate-${k}.png`),
  }));

console.log(`ranking benchmark on ${machine()}: 1 reference + ${count} candidates, 1920×1080, scale auto`);
for (const kind of backends) {
  const engine = await createFsim({ backend: kind });
  let prepares = 0;
  const prepare = engine.backend.prepare.bind(engine.backend);
  engine.backend.prepare = (...args) => {
    prepares++;
    return prepare(...args);
  };
  await rank(engine, reference, candidates().slice(0, 2)); // warm-up
  prepares = 0;
  const t = performance.now();
  const r = await rank(engine, reference, candidates());
  const seconds = (performance.now() - t) / 1000;
  await engine.dispose();
  console.log(
    `${kind.padEnd(4)} ${(count / seconds).toFixed(2)} images/s (${seconds.toFixed(1)} s), reference prepared ${r.referencePrepared}×, ${prepares} prepares in all (1 reference + ${prepares - 1} candidates), ${r.errors.length} errors — ${r.backend}`,
  );
}
