/**
 * Where two images differ, for people: the difference map PCm·(1 − S_L) (large where
 * features are strong and dissimilar — the demo's "where they differ" map), the bounding
 * boxes of its strongest regions, and a full-size image of it over the reference dimmed to
 * grey. Maps come from a comparison with `maps: true` (the downsampled size); boxes and the
 * image are in the compared image's pixels (each downsampled pixel stands for its F×F box).
 */
import type { SimilarityMaps } from './backend.js';
import { RAMP } from './heatmap.js';
import { type RasterImage, sampleDivisor } from './image.js';

/** A region that differs: its box in the compared image's pixels, and its share of the difference. */
export interface DiffRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  /** This region's sum of PCm·(1 − S_L) over the whole map's. */
  share: number;
}

/** PCm·(1 − S_L) = max(PC1, PC2) − S_L·PCm per downsampled pixel (never below 0). */
export function differenceMap(maps: SimilarityMaps): Float32Array {
  const { pc1, pc2, similarity } = maps;
  const out = new Float32Array(similarity.length);
  for (let p = 0; p < out.length; p++) out[p] = Math.max(0, Math.max(pc1[p], pc2[p]) - similarity[p]);
  return out;
}

/** The downsampled cell of image pixel k on an axis (FSIM_SPEC.md §2's box placement). */
function cellOf(k: number, factor: number, cells: number): number {
  const lead = Math.floor((factor - 1) / 2);
  return Math.min(cells - 1, Math.floor((k + lead) / factor));
}

/**
 * The strongest regions: cells of at least a quarter of the map's largest difference,
 * grouped when at most one cell apart, largest share first, at most `limit`. Boxes cover
 * their cells' F×F pixel boxes, clipped to the image.
 */
export function diffRegions(
  diff: Float32Array,
  rows: number,
  cols: number,
  size: readonly [number, number],
  factor: number,
  limit = 5,
): DiffRegion[] {
  let max = 0,
    total = 0;
  for (const v of diff) {
    max = Math.max(max, v);
    total += v;
  }
  if (max <= 0 || total <= 0) return [];
  const cut = max / 4;
  const label = new Int32Array(rows * cols).fill(-1);
  const regions: { r0: number; r1: number; c0: number; c1: number; sum: number }[] = [];
  const stack: number[] = [];
  for (let start = 0; start < diff.length; start++) {
    if (diff[start] < cut || label[start] >= 0) continue;
    const region = { r0: rows, r1: -1, c0: cols, c1: -1, sum: 0 };
    label[start] = regions.length;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      const r = Math.floor(p / cols),
        c = p - r * cols;
      region.r0 = Math.min(region.r0, r);
      region.r1 = Math.max(region.r1, r);
      region.c0 = Math.min(region.c0, c);
      region.c1 = Math.max(region.c1, c);
      region.sum += diff[p];
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) {
          const rr = r + dr,
            cc = c + dc;
          if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) continue;
          const q = rr * cols + cc;
          if (label[q] < 0 && diff[q] >= cut) {
            label[q] = regions.length;
            stack.push(q);
          }
        }
      }
    }
    regions.push(region);
  }
  const [height, width] = size;
  const lead = Math.floor((factor - 1) / 2);
  return regions
    .sort((a, b) => b.sum - a.sum)
    .slice(0, limit)
    .map(({ r0, r1, c0, c1, sum }) => {
      const y = Math.max(0, r0 * factor - lead),
        x = Math.max(0, c0 * factor - lead);
      const y1 = Math.min(height, (r1 + 1) * factor - lead),
        x1 = Math.min(width, (c1 + 1) * factor - lead);
      return { x, y, width: x1 - x, height: y1 - y, share: sum / total };
    });
}

/**
 * An RGB image of the reference's full size: its luminance dimmed to grey, with the
 * difference map over it in the heatmap ramp (opacity growing with the difference; each
 * downsampled cell covers its F×F box).
 */
export function diffImage(reference: RasterImage, diff: Float32Array, rows: number, cols: number, factor: number): Uint8Array {
  const { width, height, channels, data } = reference;
  const scale = 1 / sampleDivisor(data);
  let max = 0;
  for (const v of diff) max = Math.max(max, v);
  const out = new Uint8Array(width * height * 3);
  const last = RAMP.length - 1;
  const rowCell = Int32Array.from({ length: height }, (_, r) => cellOf(r, factor, rows));
  const colCell = Int32Array.from({ length: width }, (_, c) => cellOf(c, factor, cols));
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const p = r * width + c;
      const s = p * channels;
      const luminance = channels >= 3 ? 0.299 * data[s] + 0.587 * data[s + 1] + 0.114 * data[s + 2] : (data[s] as number);
      // Dimmed: a grey between 64 and 160, so the heat colours stand out.
      const grey = 64 + 0.375 * luminance * scale;
      const t = max > 0 ? diff[rowCell[r] * cols + colCell[c]] / max : 0;
      const k = Math.min(last - 1, Math.floor(t * last));
      const f = t * last - k;
      const alpha = Math.min(1, t * 1.5);
      for (let ch = 0; ch < 3; ch++) {
        const heat = RAMP[k][ch] + (RAMP[k + 1][ch] - RAMP[k][ch]) * f;
        out[p * 3 + ch] = Math.round(grey * (1 - alpha) + heat * alpha);
      }
    }
  }
  return out;
}
