/** The compute programs of the WebGPU path (WGSL in shaders/, one module per stage). */
import { colourShader, rangeShader, type ColourVariant } from '../../shaders/colour.js';
import { gradientShader } from '../../shaders/gradient.js';
import { histogramShaderFor, selectShader } from '../../shaders/median.js';
import { accumulateShader, energyShader, filterShader, finishShader, thresholdShader } from '../../shaders/phaseCongruency.js';
import { chromaShader, poolShader } from '../../shaders/pooling.js';
import type { Program } from './programs.js';

const U = 'uniform',
  R = 'read',
  W = 'write';

export const colour = (v: ColourVariant): Program => ({
  key: `colour-${v.packed ? 'u8' : 'f32'}-${v.colour ? 'yiq' : 'y'}`,
  source: () => colourShader(v),
  bindings: [
    [0, U],
    ...(v.packed
      ? ([[1, R]] as const)
      : ([
          [1, R],
          [2, R],
          [3, R],
        ] as const)),
    [4, W],
    [5, W],
    [6, W],
    ...(v.colour
      ? ([
          [7, W],
          [8, W],
        ] as const)
      : []),
  ],
});
export const range: Program = {
  key: 'range',
  source: () => rangeShader,
  bindings: [
    [0, U],
    [1, R],
    [2, W],
  ],
};
export const filter: Program = {
  key: 'pc-filter',
  source: () => filterShader,
  bindings: [
    [0, U],
    [1, R],
    [2, R],
    [3, R],
    [4, R],
    [5, W],
    [6, W],
  ],
};
export const accumulate: Program = {
  key: 'pc-accumulate',
  source: () => accumulateShader,
  bindings: [
    [0, U],
    [1, R],
    [2, R],
    [3, W],
    [4, W],
    [5, W],
    [6, W],
  ],
};
export const energy: Program = {
  key: 'pc-energy',
  source: () => energyShader,
  bindings: [
    [0, U],
    [1, R],
    [2, R],
    [3, R],
    [4, R],
    [5, W],
  ],
};
/** The histogram pass over `maps` maps at once (bindings 1…maps; then selection and histogram). */
export const histogramOf = (maps: number): Program => ({
  key: `median-histogram-${maps}`,
  source: () => histogramShaderFor(maps),
  bindings: [[0, U], ...Array.from({ length: maps }, (_, m) => [1 + m, R] as const), [1 + maps, R], [2 + maps, W]],
});
/** The per-stage path's histogram pass: one map. */
export const histogram = histogramOf(1);
export const select: Program = {
  key: 'median-select',
  source: () => selectShader,
  bindings: [
    [0, U],
    [1, W],
    [2, W],
  ],
};
export const threshold: Program = {
  key: 'pc-threshold',
  source: () => thresholdShader,
  bindings: [
    [0, U],
    [1, R],
    [2, R],
    [3, W],
  ],
};
export const finish: Program = {
  key: 'pc-finish',
  source: () => finishShader,
  bindings: [
    [0, U],
    [1, R],
    [2, R],
    [3, R],
    [4, W],
  ],
};
export const gradient: Program = {
  key: 'gradient',
  source: () => gradientShader,
  bindings: [
    [0, U],
    [1, R],
    [2, W],
  ],
};
export const chroma: Program = {
  key: 'chroma',
  source: () => chromaShader,
  bindings: [
    [0, U],
    [1, R],
    [2, R],
    [3, R],
    [4, R],
    [5, W],
  ],
};
export const pool = (v: { chroma: boolean; similarityMap: boolean; masked: boolean }): Program => ({
  key: `pool${v.chroma ? '-chroma' : ''}${v.similarityMap ? '-map' : ''}${v.masked ? '-mask' : ''}`,
  source: () => poolShader(v),
  bindings: [
    [0, U],
    [1, R],
    [2, R],
    [3, R],
    [4, R],
    [5, W],
    ...(v.chroma ? ([[6, R]] as const) : []),
    ...(v.similarityMap ? ([[7, W]] as const) : []),
    ...(v.masked ? ([[8, R]] as const) : []),
  ],
});
