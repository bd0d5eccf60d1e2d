/** fsim-gpu: exact FSIM / FSIMc for the browser and Node. Platform-neutral entry point. */
export { Fsim, checkThreshold } from './fsim.js';
export type { CompareOptions, PrepareOptions, FsimResult, ImageInput } from './fsim.js';
export type { Backend, PreparedImage, PoolResult, Pooling, Progress, SimilarityMaps, StageTimings } from './backend.js';
export { colourise, heatmapScale, maxOf, RAMP } from './heatmap.js';
export type { RasterImage } from './image.js';
export { validateImage, isGreyscale, sampleDivisor, type SampleArray } from './image.js';
export { FsimError, type FsimErrorCode } from './errors.js';
export { scaleFactor, downsampledSize, type ScaleOption } from './scale.js';
export {
  DEFAULT_THRESHOLD,
  MAX_FILE_BYTES,
  MAX_PIXELS,
  MAX_THREADS,
  MIN_SIDE,
  PC as PHASE_CONGRUENCY,
  POOLING,
  SAMPLE_RANGE,
} from './constants.js';
export { CpuBackend, cpuBytesPerPixel, type CpuBackendOptions } from './cpu/backend.js';
export { InlineExecutor, type TaskExecutor } from './cpu/executor.js';
export {
  alignImage,
  axisWeights,
  coverCrop,
  describeResized,
  type AlignMode,
  type AlignOption,
  type AxisWeights,
  type Resized,
} from './align.js';
export { rank, type RankCandidate, type RankOptions, type RankEntry, type RankResult } from './rank.js';
export { type DiffRegion, diffImage, differenceMap, diffRegions } from './diff.js';
export { type MaskWeights, maskWeights } from './mask.js';
/** Every option, defined once (src/optionTable.ts): names, flags, checks, help; resolveOptions and parseOptionText. */
export * as optionTable from './optionTable.js';
