/** Maps → PNG heatmaps for `fsim compare --maps DIR`. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimilarityMaps } from '../backend.js';
import { colourise, maxOf } from '../heatmap.js';
import { ensureDir } from './ensureDir.js';
import { encodePng } from './png.js';

/** Writes pc1, pc2, gm1, gm2 and similarity PNGs; returns their paths. PC and similarity on [0, 1], GM on a shared scale. */
export async function writeHeatmaps(dir: string, maps: SimilarityMaps, rows: number, cols: number): Promise<string[]> {
  await ensureDir(dir);
  const gmMax = maxOf(maps.gm1, maps.gm2);
  const layers: [string, Float32Array, number][] = [
    ['pc1', maps.pc1, 1],
    ['pc2', maps.pc2, 1],
    ['gm1', maps.gm1, gmMax],
    ['gm2', maps.gm2, gmMax],
    ['similarity', maps.similarity, 1],
  ];
  const paths: string[] = [];
  for (const [name, values, max] of layers) {
    const path = join(dir, `${name}.png`);
    const rgb = colourise(values, max);
    await writeFile(path, encodePng(cols, rows, 3, new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength)));
    paths.push(path);
  }
  return paths;
}
