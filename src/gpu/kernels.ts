/**
 * The compute programs of the WebGPU path (WGSL in shaders/, one module per stage). Each
 * program's layout comes from its shader's binding declarations, so call sites bind buffers
 * by name.
 */
import { colourBindings, colourShader, rangeBindings, rangeShader, type ColourVariant } from '../../shaders/colour.js';
import { gradientBindings, gradientShader } from '../../shaders/gradient.js';
import { histogramBindings, histogramShaderFor, selectBindings, selectShader } from '../../shaders/median.js';
import {
  accumulateBindings,
  accumulateShader,
  energyBindings,
  energyShader,
  filterBindings,
  filterShader,
  finishBindings,
  finishShader,
  thresholdBindings,
  thresholdShader,
} from '../../shaders/phaseCongruency.js';
import { chromaBindings, chromaShader, type PoolVariant, poolBindings, poolShader } from '../../shaders/pooling.js';
import { declaredProgram, type Program } from './programs.js';

export const colour = (v: ColourVariant): Program =>
  declaredProgram(`colour-${v.packed ? 'u8' : 'f32'}-${v.colour ? 'yiq' : 'y'}${v.fftInput ? '-fft' : ''}`, colourBindings(v), () =>
    colourShader(v),
  );
export const range = declaredProgram('range', rangeBindings, () => rangeShader);
export const filter = declaredProgram('pc-filter', filterBindings, () => filterShader);
export const accumulate = declaredProgram('pc-accumulate', accumulateBindings, () => accumulateShader);
export const energy = declaredProgram('pc-energy', energyBindings, () => energyShader);
/** The histogram pass over `maps` maps at once (shaders/median.ts names them). */
export const histogramOf = (maps: number): Program =>
  declaredProgram(`median-histogram-${maps}`, histogramBindings(maps), () => histogramShaderFor(maps));
/** The per-stage path's histogram pass: one map. */
export const histogram = histogramOf(1);
export const select = declaredProgram('median-select', selectBindings, () => selectShader);
export const threshold = declaredProgram('pc-threshold', thresholdBindings, () => thresholdShader);
export const finish = declaredProgram('pc-finish', finishBindings, () => finishShader);
export const gradient = declaredProgram('gradient', gradientBindings, () => gradientShader);
export const chroma = declaredProgram('chroma', chromaBindings, () => chromaShader);
export const pool = (v: PoolVariant): Program =>
  declaredProgram(`pool${v.chroma ? '-chroma' : ''}${v.similarityMap ? '-map' : ''}${v.masked ? '-mask' : ''}`, poolBindings(v), () =>
    poolShader(v),
  );
