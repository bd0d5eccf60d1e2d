/**
 * The filter bank of a size, built by an executor's threads in row ranges (src/bank.ts says
 * how: the same bank, bit for bit, on any thread count) and kept in the bank cache: the CPU
 * path's banks (the GPU path builds its own on the GPU: src/gpu/filterBank.ts).
 */
import {
  addNoiseChunks,
  bankMaps,
  cacheFilterBank,
  cachedFilterBank,
  type FilterBank,
  NOISE_SUMS_PER_CHUNK,
  noiseChunkCount,
  sharedFloat64,
} from '../bank.js';
import type { TaskExecutor } from './executor.js';
import { taskRanges } from './ranges.js';

export async function buildFilterBank(executor: TaskExecutor, rows: number, cols: number): Promise<FilterBank> {
  const cached = cachedFilterBank(rows, cols);
  if (cached) return cached;
  const parts = executor.parts(rows * cols);
  const bank = bankMaps(rows, cols);
  await Promise.all([
    ...taskRanges(rows, cols, bank.quadrantRows, parts, 1).map((range) => executor.run({ kind: 'bankRadial', ...range, bank })),
    ...taskRanges(rows, cols, rows, parts, 1).map((range) => executor.run({ kind: 'bankAngular', ...range, bank })),
  ]);
  const chunks = noiseChunkCount(rows);
  const sums = sharedFloat64(chunks * NOISE_SUMS_PER_CHUNK);
  await Promise.all(taskRanges(rows, cols, chunks, parts, 1).map((range) => executor.run({ kind: 'bankNoise', ...range, bank, sums })));
  return cacheFilterBank({ ...bank, noise: addNoiseChunks(sums) });
}
