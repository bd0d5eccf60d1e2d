/**
 * The messages between a page's FsimWorker (src/browser/workerEngine.ts) and the engine in
 * its dedicated Worker (src/browser/engineWorker.ts). Every request carries an id; the worker
 * answers it once (result or error), with progress messages before where asked. Images the
 * worker holds (decoded, prepared, a comparison's maps) are named by ids it hands out.
 */
import type { PreparedImage, StageTimings } from '../backend.js';
import type { FsimErrorCode } from '../errors.js';
import type { FsimResult, ResolvedCompare } from '../fsim.js';
import type { RasterImage } from '../image.js';
import type { ResolvedBrowserEngine } from './engine.js';

/** An image as a request names it: held by the worker, or sent along. */
export type ImageRef =
  | { readonly held: number }
  | { readonly prepared: number }
  | { readonly raster: RasterImage; readonly name: string }
  | { readonly blob: Blob; readonly name: string }
  | { readonly url: string; readonly name: string };

/** What the engine runs on, as the worker reports it. */
export interface WorkerBackendInfo {
  /** The backend's name, as in results: 'webgpu (…)' or 'cpu (float64, N threads…)'. */
  readonly name: string;
  readonly kind: 'gpu' | 'cpu';
  /** The CPU path's threads (1 where the page is not cross-origin isolated). */
  readonly threads: number;
  /** Why the CPU path runs where WebGPU was possible ('auto' on a software adapter, or no WebGPU). */
  readonly note?: string;
}

/** The engine's options, resolved on the page's side (src/optionTable.ts). */
export type WorkerEngineSettings = ResolvedBrowserEngine;
/** A comparison's options, resolved on the page's side; progress stays there (a function does not travel). */
export type WorkerCompareSettings = Omit<ResolvedCompare, 'progress'>;

/** A prepared image's description (the image itself stays in the worker). */
export type PreparedInfo = Pick<PreparedImage, 'backend' | 'size' | 'downsampled' | 'factor' | 'colour' | 'resized'> & {
  readonly timings: StageTimings;
};

/** The colour scale's top of each map view (heatmapScale; PC is on [0, 1]). */
export interface MapScales {
  readonly pc: number;
  readonly gm: number;
  readonly similarity: number;
  readonly difference: number;
}

/** A view of a comparison the worker can draw: the compared images, or a map. */
export type MapView = 'reference' | 'distorted' | 'pc1' | 'pc2' | 'gm1' | 'gm2' | 'similarity' | 'difference';

export type Request =
  | { readonly id: number; readonly type: 'init'; readonly settings: WorkerEngineSettings }
  | { readonly id: number; readonly type: 'decode'; readonly image: ImageRef }
  | { readonly id: number; readonly type: 'bitmap'; readonly held: number; readonly maxSide?: number }
  | { readonly id: number; readonly type: 'raster'; readonly held: number }
  | {
      readonly id: number;
      readonly type: 'prepare';
      readonly image: ImageRef;
      readonly options: WorkerCompareSettings;
      readonly progress: boolean;
    }
  | {
      readonly id: number;
      readonly type: 'compare';
      readonly ref: ImageRef;
      readonly dist: ImageRef;
      readonly options: WorkerCompareSettings;
      readonly progress: boolean;
      readonly mapImages: boolean;
    }
  | { readonly id: number; readonly type: 'mapImage'; readonly maps: number; readonly view: MapView }
  | { readonly id: number; readonly type: 'release'; readonly held?: number; readonly prepared?: number; readonly maps?: number }
  | { readonly id: number; readonly type: 'dispose' };

export type Reply =
  | { readonly id: number; readonly type: 'progress'; readonly fraction: number; readonly stage: string }
  | { readonly id: number; readonly type: 'error'; readonly message: string; readonly code?: FsimErrorCode }
  | { readonly id: number; readonly type: 'init'; readonly backend: WorkerBackendInfo }
  | {
      readonly id: number;
      readonly type: 'decode';
      readonly held: number;
      readonly width: number;
      readonly height: number;
      readonly channels: number;
    }
  | { readonly id: number; readonly type: 'bitmap'; readonly bitmap: ImageBitmap }
  | { readonly id: number; readonly type: 'raster'; readonly image: RasterImage }
  | { readonly id: number; readonly type: 'prepare'; readonly prepared: number; readonly info: PreparedInfo }
  | {
      readonly id: number;
      readonly type: 'compare';
      readonly result: FsimResult;
      readonly maps?: { readonly id: number; readonly scales: MapScales };
    }
  | { readonly id: number; readonly type: 'done' };
