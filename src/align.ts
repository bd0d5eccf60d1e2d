/**
 * Size alignment (FSIM_SPEC.md §8), the one home of its math for every backend: images of
 * different sizes are compared only when asked, by resampling to a target size in float64 on
 * the 0..255 scale, never rounded to 8 bits.
 *   stretch: the whole image to the target size;
 *   cover:   the largest centred crop of the target's aspect ratio, then resampled;
 * each axis on its own: "area" averaging when shrinking, half-pixel linear interpolation when
 * enlarging, unchanged at equal size.
 */
import { sampleDivisor, type RasterImage } from './image.js';

export type AlignMode = 'stretch' | 'cover';

export interface AlignOption {
  /** 'stretch' (aspect ratio may change) or 'cover' (centred crop to the target's aspect, then resample). */
  mode: AlignMode;
  /** [rows, cols] for both images; default: the reference's size. */
  size?: readonly [number, number];
}

/** What alignment did to one image. */
export interface Resized {
  mode: AlignMode;
  /** [rows, cols] of the input. */
  from: [number, number];
  /** [rows, cols] after alignment. */
  to: [number, number];
  /** cover only, when it cropped: [top, left, rows, cols] of the input kept. */
  crop?: [number, number, number, number];
}

/**
 * Resampling weights of one axis from nIn to nOut samples, as a sparse matrix: output j is
 * Σ_k weights[k] · in[index[k]] over k in [offsets[j], offsets[j+1]).
 */
export interface AxisWeights {
  readonly offsets: Int32Array;
  readonly index: Int32Array;
  readonly weights: Float64Array;
}

export function axisWeights(nIn: number, nOut: number): AxisWeights {
  const offsets = new Int32Array(nOut + 1);
  const index: number[] = [];
  const weights: number[] = [];
  if (nIn > nOut) {
    // Area: output j averages the source over [j·s, (j+1)·s), s = nIn / nOut, each source
    // sample i covering [i, i+1). Bounds as j·nIn / nOut: the integer product is exact.
    const s = nIn / nOut;
    for (let j = 0; j < nOut; j++) {
      const lo = (j * nIn) / nOut;
      const hi = ((j + 1) * nIn) / nOut;
      for (let i = Math.floor(lo); i < Math.min(nIn, Math.ceil(hi)); i++) {
        const covered = Math.min(i + 1, hi) - Math.max(i, lo);
        if (covered > 0) {
          index.push(i);
          weights.push(covered / s);
        }
      }
      offsets[j + 1] = index.length;
    }
  } else {
    // Linear at x = (j + 0.5)·s − 0.5, clamped to [0, nIn − 1]; s = 1 gives x = j exactly.
    for (let j = 0; j < nOut; j++) {
      const x = Math.min(nIn - 1, Math.max(0, ((j + 0.5) * nIn) / nOut - 0.5));
      const i0 = Math.floor(x);
      const t = x - i0;
      index.push(i0);
      weights.push(1 - t);
      if (t > 0) {
        index.push(i0 + 1);
        weights.push(t);
      }
      offsets[j + 1] = index.length;
    }
  }
  return { offsets, index: Int32Array.from(index), weights: Float64Array.from(weights) };
}

/** The centred crop of `cover` for an image of rows × cols and a target of the given size. */
export function coverCrop(rows: number, cols: number, target: readonly [number, number]): [number, number, number, number] {
  const [tRows, tCols] = target;
  // At least one row or column is kept, whatever the aspect ratios.
  if (cols * tRows > tCols * rows) {
    const keep = Math.max(1, Math.floor((rows * tCols) / tRows + 0.5));
    return [0, Math.floor((cols - keep) / 2), rows, keep];
  }
  if (cols * tRows < tCols * rows) {
    const keep = Math.max(1, Math.floor((cols * tRows) / tCols + 0.5));
    return [Math.floor((rows - keep) / 2), 0, keep, cols];
  }
  return [0, 0, rows, cols];
}

/**
 * The image aligned to `target` [rows, cols], or the image itself when it already has that
 * size (nothing resampled: `resized` is undefined). The output has 1 or 3 channels (alpha
 * dropped) of float64 samples on the 0..255 scale.
 */
export function alignImage(
  image: RasterImage,
  target: readonly [number, number],
  mode: AlignMode,
): { image: RasterImage; resized?: Resized } {
  const { width, height, data } = image;
  const [tRows, tCols] = target;
  if (height === tRows && width === tCols) return { image };
  const [top, left, rows, cols] = mode === 'cover' ? coverCrop(height, width, target) : [0, 0, height, width];
  const channels = image.channels === 1 ? 1 : 3;
  const divisor = sampleDivisor(data);

  // Along rows first (rows × tCols), then along columns (tRows × tCols). 16-bit samples reach
  // the 0..255 scale through the weights (w / 257), which leaves 8-bit samples exact.
  const stride = image.channels;
  const across = axisWeights(cols, tCols);
  const acrossWeights = divisor === 1 ? across.weights : across.weights.map((w) => w / divisor);
  const wide = new Float64Array(rows * tCols * channels);
  for (let r = 0, out = 0; r < rows; r++) {
    const base = (top + r) * width + left;
    for (let j = 0; j < tCols; j++) {
      let s0 = 0,
        s1 = 0,
        s2 = 0;
      for (let k = across.offsets[j], end = across.offsets[j + 1]; k < end; k++) {
        const w = acrossWeights[k];
        const p = (base + across.index[k]) * stride;
        s0 += w * data[p];
        if (channels === 3) {
          s1 += w * data[p + 1];
          s2 += w * data[p + 2];
        }
      }
      wide[out++] = s0;
      if (channels === 3) {
        wide[out++] = s1;
        wide[out++] = s2;
      }
    }
  }
  const down = axisWeights(rows, tRows);
  const aligned = new Float64Array(tRows * tCols * channels);
  const line = tCols * channels;
  for (let i = 0; i < tRows; i++) {
    const out = i * line;
    const first = down.offsets[i],
      last = down.offsets[i + 1] - 1;
    // The first tap assigns, the middle ones add, the last adds and clamps: weights sum to 1 up
    // to rounding, and the last ulp stays inside [0, 255].
    for (let k = first; k <= last; k++) {
      const weight = down.weights[k];
      const source = down.index[k] * line;
      if (k === first && k === last)
        for (let x = 0; x < line; x++) aligned[out + x] = Math.min(255, Math.max(0, weight * wide[source + x]));
      else if (k === first) for (let x = 0; x < line; x++) aligned[out + x] = weight * wide[source + x];
      else if (k < last) for (let x = 0; x < line; x++) aligned[out + x] += weight * wide[source + x];
      else for (let x = 0; x < line; x++) aligned[out + x] = Math.min(255, Math.max(0, aligned[out + x] + weight * wide[source + x]));
    }
  }
  const cropped = rows !== height || cols !== width;
  return {
    image: { width: tCols, height: tRows, channels, data: aligned },
    resized: {
      mode,
      from: [height, width],
      to: [tRows, tCols],
      ...(cropped ? { crop: [top, left, rows, cols] as [number, number, number, number] } : {}),
    },
  };
}

/** "1200×900 → 333×187 (cover: kept 1200×674 from row 113)": width first, as image tools write sizes. */
export function describeResized(r: Resized): string {
  const crop = r.crop ? `: kept ${r.crop[3]}×${r.crop[2]} from ${r.crop[0] ? `row ${r.crop[0]}` : `column ${r.crop[1]}`}` : '';
  return `${r.from[1]}×${r.from[0]} → ${r.to[1]}×${r.to[0]} (${r.mode}${crop})`;
}
