/** The heatmap colour ramp shared by the CLI's PNG maps and the browser's map images, and its scales. */

/** A perceptually ordered ramp (black → purple → orange → pale yellow), 5 stops. */
export const RAMP: readonly (readonly [number, number, number])[] = [
  [0, 0, 4],
  [87, 16, 110],
  [188, 55, 84],
  [249, 142, 9],
  [252, 255, 164],
];

/** values/max through the ramp; `channels` 3 (RGB) or 4 (RGBA, opaque). */
export function colourise(values: Float32Array, max: number, channels: 3 | 4 = 3): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(values.length * channels);
  const last = RAMP.length - 1;
  for (let p = 0; p < values.length; p++) {
    const t = max > 0 ? Math.min(1, Math.max(0, values[p] / max)) * last : 0;
    const k = Math.min(last - 1, Math.floor(t));
    const f = t - k;
    for (let c = 0; c < 3; c++) out[p * channels + c] = Math.round(RAMP[k][c] + (RAMP[k + 1][c] - RAMP[k][c]) * f);
    if (channels === 4) out[p * channels + 3] = 255;
  }
  return out;
}

export function maxOf(...maps: Float32Array[]): number {
  let m = 0;
  for (const map of maps) for (let i = 0; i < map.length; i++) if (map[i] > m) m = map[i];
  return m;
}

/**
 * A colour scale's top for a map: its `fraction` quantile over at most ~65k evenly spaced
 * samples, so that one outlier does not darken the rest; the maximum where that is 0.
 */
export function heatmapScale(values: Float32Array, fraction = 0.995): number {
  const step = Math.max(1, Math.floor(values.length / 65536));
  const sample = new Float32Array(Math.ceil(values.length / step));
  for (let i = 0, k = 0; i < values.length; i += step, k++) sample[k] = values[i];
  sample.sort();
  return sample[Math.min(sample.length - 1, Math.floor(sample.length * fraction))] || maxOf(values);
}
