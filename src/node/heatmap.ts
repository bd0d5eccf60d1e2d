/** Maps → PNG heatmaps for `fsim compare --maps DIR`. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { SimilarityMaps } from '../backend.js';

/** A perceptually ordered ramp (black → purple → orange → pale yellow), 5 stops. */
const STOPS: [number, number, number][] = [
  [0, 0, 4], [87, 16, 110], [188, 55, 84], [249, 142, 9], [252, 255, 164],
];

export function colourise(values: Float32Array, max: number): Uint8Array {
  const out = new Uint8Array(values.length * 3);
  const last = STOPS.length - 1;
  for (let p = 0; p < values.length; p++) {
    const t = max > 0 ? Math.min(1, Math.max(0, values[p] / max)) * last : 0;
    const k = Math.min(last - 1, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round(STOPS[k][c] + (STOPS[k + 1][c] - STOPS[k][c]) * f);
  }
  return out;
}

function maxOf(...maps: Float32Array[]): number {
  let m = 0;
  for (const map of maps) for (let i = 0; i < map.length; i++) if (map[i] > m) m = map[i];
  return m;
}

/** Writes pc1, pc2, gm1, gm2 and similarity PNGs; returns their paths. PC and similarity on [0, 1], GM on a shared scale. */
export async function writeHeatmaps(dir: string, maps: SimilarityMaps, rows: number, cols: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const gmMax = maxOf(maps.gm1, maps.gm2);
  const layers: [string, Float32Array, number][] = [
    ['pc1', maps.pc1, 1], ['pc2', maps.pc2, 1], ['gm1', maps.gm1, gmMax], ['gm2', maps.gm2, gmMax], ['similarity', maps.similarity, 1],
  ];
  const paths: string[] = [];
  for (const [name, values, max] of layers) {
    const path = join(dir, `${name}.png`);
    await sharp(colourise(values, max), { raw: { width: cols, height: rows, channels: 3 } }).png().toFile(path);
    paths.push(path);
  }
  return paths;
}
