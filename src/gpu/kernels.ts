/// <reference types="@webgpu/types" preserve="true" />
/**
 * The compute programs of the stages both GPU paths share (colour, range, median, gradient,
 * pooling; WGSL in shaders/, one module per stage). The phase-congruency paths and the filter
 * bank keep their own programs beside their resources (fusedPhaseCongruency.ts,
 * stagedPhaseCongruency.ts, filterBank.ts). Each program's layout comes from its shader's
 * binding declarations, so call sites bind buffers by name.
 */
import { colourBindings, colourShader, rangeBindings, rangeShader, type ColourVariant } from '../../shaders/colour.js';
import { gradientBindings, gradientShader } from '../../shaders/gradient.js';
import { histogramBindings, histogramShaderFor, selectBindings, selectShader } from '../../shaders/median.js';
import { chromaBindings, chromaShader, type PoolVariant, poolBindings, poolShader } from '../../shaders/pooling.js';
import { declaredProgram, type Program } from './programs.js';

export const colour = (v: ColourVariant): Program =>
  declaredProgram(`colour-${v.packed ? 'u8' : 'f32'}-${v.colour ? 'yiq' : 'y'}${v.fftInput ? '-fft' : ''}`, colourBindings(v), () =>
    colourShader(v),
  );
export const range = declaredProgram('range', rangeBindings, () => rangeShader);
/** The histogram pass over `maps` maps at once (shaders/median.ts names them). */
export const histogramOf = (maps: number): Program =>
  declaredProgram(`median-histogram-${maps}`, histogramBindings(maps), () => histogramShaderFor(maps));
/** The per-stage path's histogram pass: one map. */
export const histogram = histogramOf(1);
export const select = declaredProgram('median-select', selectBindings, () => selectShader);
export const gradient = declaredProgram('gradient', gradientBindings, () => gradientShader);
export const chroma = declaredProgram('chroma', chromaBindings, () => chromaShader);
export const pool = (v: PoolVariant): Program =>
  declaredProgram(`pool${v.chroma ? '-chroma' : ''}${v.similarityMap ? '-map' : ''}${v.masked ? '-mask' : ''}`, poolBindings(v), () =>
    poolShader(v),
  );
