/**
 * fsim-gpu in a dedicated Worker, for pages that must never freeze: createFsim({ worker: true })
 * returns an FsimWorker, whose engine (src/browser/engineWorker.ts) owns the GPUDevice or the
 * CPU path's threads and does the decoding, alignment, GPU work, pooling and map drawing. The
 * page posts requests and gets scores, maps (Float32Arrays, moved, not copied) and ImageBitmaps
 * (drawn with drawImage) back. Images decoded or prepared in the worker stay there under a
 * handle until released, so a reference is decoded and prepared once for many candidates.
 */
import type { PreparedImage, Progress, StageTimings } from '../backend.js';
import { FsimError, type FsimErrorCode } from '../errors.js';
import { type CompareOptions, type FsimResult, type PrepareOptions, resolveCompareOptions, toResolvedCompare } from '../fsim.js';
import { type RasterImage, validateImage } from '../image.js';
import { checkInteger, checkOneOf } from '../options.js';
import { resolveOptions, WORKER_COMPARE_SPECS } from '../optionTable.js';
import { type BrowserEngineOptions, resolveBrowserEngineOptions } from './engine.js';
import type { ImageRef, MapScales, MapView, PreparedInfo, Reply, Request, WorkerBackendInfo } from './workerProtocol.js';

export type { MapScales, MapView, WorkerBackendInfo };

export interface WorkerEngineOptions extends BrowserEngineOptions {
  /**
   * true: start the package's own worker script (new URL('./engineWorker.js', import.meta.url));
   * or a Worker already started from `fsim-gpu/browser/worker` (bundlers that want to start it:
   * Vite's `import EngineWorker from 'fsim-gpu/browser/worker?worker'`).
   */
  worker: true | Worker;
}

/** An image decoded in the worker and kept there (its pixels never cross to the page). */
export interface WorkerImage {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly name: string;
  /** The image drawn into an ImageBitmap (at most `maxSide` pixels on its longer side). */
  bitmap(options?: { maxSide?: number }): Promise<ImageBitmap>;
  /** A copy of its pixels as decoded (RGBA, as stored: no colour management, no EXIF rotation). */
  raster(): Promise<RasterImage>;
  /** Frees it in the worker; the handle is unusable afterwards. */
  release(): void;
}

/** An image prepared in the worker (its phase congruency and gradients stay there). */
export interface WorkerPrepared extends PreparedImage {
  readonly worker: true;
}

/** What compare and prepare take: pixels, an encoded file (decoded in the worker), or a handle. */
export type WorkerInput = RasterImage | Blob | WorkerImage | WorkerPrepared;

export interface WorkerCompareOptions extends CompareOptions {
  /**
   * Keep the comparison's maps in the worker and draw any view of them on request
   * (result.mapImages): the compared images, PC, gradients, local similarity, difference.
   */
  mapImages?: boolean;
}

/** A comparison's views, drawn in the worker on request; release() frees its maps there. */
export interface MapImages {
  /** The colour scale's top of each map (heatmapScale; PC is on [0, 1]). */
  readonly scales: MapScales;
  image(view: MapView): Promise<ImageBitmap>;
  release(): void;
}

export interface WorkerResult extends FsimResult {
  mapImages?: MapImages;
}

const MAP_VIEWS: readonly MapView[] = ['reference', 'distorted', 'pc1', 'pc2', 'gm1', 'gm2', 'similarity', 'difference'];

type Pending = { resolve: (reply: Reply) => void; reject: (error: Error) => void; progress?: Progress };

export class FsimWorker {
  private next = 0;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  private readonly handles = new WeakMap<object, ImageRef>();
  /** What the engine runs on (set once started). */
  backend!: WorkerBackendInfo;

  private constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent<Reply>) => {
      const message = event.data;
      const pending = this.pending.get(message.id);
      if (!pending) return;
      if (message.type === 'progress') {
        pending.progress?.(message.fraction, message.stage);
        return;
      }
      this.pending.delete(message.id);
      if (message.type === 'error')
        pending.reject(message.code ? new FsimError(message.code as FsimErrorCode, message.message) : new Error(message.message));
      else pending.resolve(message);
    };
    // A worker script that fails to load, or dies: every call waiting on it fails, and so do later ones.
    worker.onerror = (event) => {
      event.preventDefault();
      this.fail(new FsimError('BACKEND', `the fsim-gpu worker failed: ${event.message || 'its script could not be loaded'}`));
    };
  }

  private fail(error: Error): void {
    this.disposed = true;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    this.worker.terminate();
  }

  /** Starts the worker and its engine (a WebGPU device, or the CPU path, as `backend` says). */
  static async start(options: WorkerEngineOptions): Promise<FsimWorker> {
    const { worker: given, ...rest } = options;
    const settings = resolveBrowserEngineOptions(rest);
    if (given !== true && !(typeof Worker === 'function' && given instanceof Worker)) {
      throw new FsimError('USAGE', 'option worker must be true or a Worker started from fsim-gpu/browser/worker');
    }
    const worker = given === true ? new Worker(new URL('./engineWorker.js', import.meta.url), { type: 'module', name: 'fsim-gpu' }) : given;
    const engine = new FsimWorker(worker);
    try {
      const reply = await engine.call<'init'>({ type: 'init', settings });
      engine.backend = reply.backend;
    } catch (error) {
      engine.fail(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    return engine;
  }

  private call<T extends Reply['type']>(
    request: Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never,
    transfer: Transferable[] = [],
    progress?: Progress,
  ): Promise<Extract<Reply, { type: T }>> {
    if (this.disposed) return Promise.reject(new FsimError('USAGE', 'the engine was disposed; create a new one'));
    const id = ++this.next;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (reply: Reply) => void, reject, progress });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  /** How a request names an input (validated here, so bad input fails before it travels). */
  private refOf(input: WorkerInput, name: string): ImageRef {
    const handle = this.handles.get(input as object);
    if (handle) return handle;
    if (input instanceof Blob) return { blob: input, name: input instanceof File ? input.name : name };
    validateImage(input as RasterImage, name);
    return { raster: input as RasterImage, name };
  }

  /**
   * Decodes an encoded image (a Blob or File, or a URL fetched from the worker) and keeps it in
   * the worker; pixels already decoded (a RasterImage) are copied there once, to be used many times.
   */
  async decode(source: Blob | string | RasterImage, name?: string): Promise<WorkerImage> {
    let image: ImageRef;
    if (typeof source === 'string') {
      // Relative URLs resolve against the page, as they would there, not against the worker's script.
      const base = (globalThis as { document?: Document }).document?.baseURI ?? globalThis.location?.href;
      image = { url: new URL(source, base).href, name: name ?? source };
    } else if (source instanceof Blob) image = { blob: source, name: name ?? (source instanceof File ? source.name : 'image') };
    else if (source !== null && typeof source === 'object') image = this.refOf(source, name ?? 'image');
    else throw new FsimError('USAGE', 'decode takes a Blob, a File, a URL or a RasterImage');
    const reply = await this.call<'decode'>({ type: 'decode', image });
    const { held, width, height, channels } = reply;
    const shown = 'name' in image ? image.name : (name ?? 'image');
    const handle: WorkerImage = {
      width,
      height,
      channels,
      name: shown,
      bitmap: async (options) => {
        const maxSide = options?.maxSide;
        if (maxSide !== undefined) checkInteger('maxSide', maxSide, 1, Number.MAX_SAFE_INTEGER);
        return (await this.call<'bitmap'>({ type: 'bitmap', held, maxSide })).bitmap;
      },
      raster: async () => (await this.call<'raster'>({ type: 'raster', held })).image,
      release: () => void this.call({ type: 'release', held }).catch(() => {}),
    };
    this.handles.set(handle, { held });
    return handle;
  }

  /** Everything about one image that does not depend on the other, kept in the worker for many comparisons. */
  async prepare(image: WorkerInput, options?: PrepareOptions, name = 'image'): Promise<WorkerPrepared> {
    const { progress, ...rest } = resolveCompareOptions(options, 'prepare');
    const reply = await this.call<'prepare'>(
      { type: 'prepare', image: this.refOf(image, name), options: rest, progress: progress !== undefined },
      [],
      progress,
    );
    const { prepared: key, info } = reply;
    let released = false;
    const handle: WorkerPrepared = {
      worker: true,
      ...(info as PreparedInfo),
      timings: info.timings as StageTimings,
      release: () => {
        if (released) return;
        released = true;
        void this.call({ type: 'release', prepared: key }).catch(() => {});
      },
    };
    this.handles.set(handle, { prepared: key });
    return handle;
  }

  /** FSIM and FSIMc of a pair, computed in the worker (see Fsim.compare). */
  async compare(ref: WorkerInput, dist: WorkerInput, options?: WorkerCompareOptions): Promise<WorkerResult> {
    const resolved = resolveOptions(WORKER_COMPARE_SPECS, options, 'compare');
    const mapImages = resolved.mapImages;
    const { progress, ...rest } = toResolvedCompare(resolved);
    const reply = await this.call<'compare'>(
      {
        type: 'compare',
        ref: this.refOf(ref, 'reference'),
        dist: this.refOf(dist, 'distorted'),
        options: rest,
        progress: progress !== undefined,
        mapImages: mapImages === true,
      },
      [],
      progress,
    );
    const result: WorkerResult = reply.result;
    if (reply.maps) {
      const { id, scales } = reply.maps;
      let released = false;
      result.mapImages = {
        scales,
        image: async (view) => {
          checkOneOf('view', view, MAP_VIEWS);
          if (released) throw new FsimError('USAGE', 'these maps were released');
          return (await this.call<'bitmap'>({ type: 'mapImage', maps: id, view })).bitmap;
        },
        release: () => {
          if (released) return;
          released = true;
          void this.call({ type: 'release', maps: id }).catch(() => {});
        },
      };
    }
    return result;
  }

  /** Frees the worker's images, device and threads, and ends the worker. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    try {
      await this.call({ type: 'dispose' });
    } finally {
      this.fail(new FsimError('USAGE', 'the engine was disposed; create a new one'));
    }
  }
}
