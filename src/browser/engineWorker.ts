/// <reference lib="webworker" />
/**
 * The engine in a dedicated Worker (createFsim({ worker: true }), src/browser/workerEngine.ts):
 * it owns the GPUDevice (or the CPU path and its threads), and does everything that takes time
 * — decoding (createImageBitmap and the exact pixel read, both on OffscreenCanvas), alignment,
 * downsampling, GPU work, pooling, and drawing maps into bitmaps — so that the page's main
 * thread only posts requests and draws what comes back. Images it decodes, images prepared
 * and a comparison's maps stay here under ids until the page releases them.
 * Also published as the package entry `fsim-gpu/browser/worker`, for bundlers that want to
 * start the Worker themselves.
 */
import { alignImage } from '../align.js';
import type { PreparedImage, SimilarityMaps } from '../backend.js';
import { CpuBackend } from '../cpu/backend.js';
import { differenceMap } from '../diff.js';
import { FsimError } from '../errors.js';
import type { Fsim, FsimResult } from '../fsim.js';
import { colourise, heatmapScale } from '../heatmap.js';
import { type RasterImage, validateImage } from '../image.js';
import { decodeBlob, decodeUrl } from './decode.js';
import { createEngineWith } from './engine.js';
import type { ImageRef, MapScales, MapView, Reply, Request } from './workerProtocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;

let engine: Fsim | null = null;
let nextId = 0;
const held = new Map<number, { image: RasterImage; name: string }>();
const prepared = new Map<number, PreparedImage>();
/** A comparison's maps and the images it compared (as given: aligned when drawn). */
interface MapSet {
  maps: SimilarityMaps;
  difference: Float32Array;
  scales: MapScales;
  downsampled: [number, number];
  ref: RasterImage | null;
  dist: RasterImage | null;
  result: FsimResult;
}
const mapSets = new Map<number, MapSet>();

function reply(message: Reply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function live(): Fsim {
  if (!engine) throw new FsimError('USAGE', 'the engine was disposed; create a new one');
  return engine;
}

/** The pixels an ImageRef names (decoding it here where it was sent encoded). */
async function rasterOf(ref: ImageRef): Promise<{ image: RasterImage; name: string }> {
  if ('held' in ref) {
    const entry = held.get(ref.held);
    if (!entry) throw new FsimError('USAGE', 'that image was released');
    return entry;
  }
  if ('raster' in ref) return { image: ref.raster, name: ref.name };
  if ('blob' in ref) return { image: await decodeBlob(ref.blob, ref.name), name: ref.name };
  if ('url' in ref) return { image: await decodeUrl(ref.url, ref.name), name: ref.name };
  throw new FsimError('USAGE', 'a prepared image has no pixels here');
}

/** What compare and prepare take: a prepared image, or pixels. */
async function inputOf(ref: ImageRef): Promise<{ input: RasterImage | PreparedImage; raster: RasterImage | null }> {
  if ('prepared' in ref) {
    const image = prepared.get(ref.prepared);
    if (!image) throw new FsimError('USAGE', 'that prepared image was released');
    return { input: image, raster: null };
  }
  const { image } = await rasterOf(ref);
  return { input: image, raster: image };
}

/** RGBA, opaque, from 1, 3 or 4 channels of any sample type (the 0..255 scale). */
function rgbaOf(image: RasterImage): Uint8ClampedArray<ArrayBuffer> {
  const { width, height, channels, data } = image;
  const divisor = data instanceof Uint16Array ? 257 : 1;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let p = 0, s = 0; p < out.length; p += 4, s += channels) {
    const r = data[s] / divisor;
    out[p] = r;
    out[p + 1] = channels >= 3 ? data[s + 1] / divisor : r;
    out[p + 2] = channels >= 3 ? data[s + 2] / divisor : r;
    out[p + 3] = 255;
  }
  return out;
}

async function bitmapOf(rgba: Uint8ClampedArray<ArrayBuffer>, width: number, height: number, maxSide?: number): Promise<ImageBitmap> {
  const data = new ImageData(rgba, width, height);
  const shrink = maxSide !== undefined && Math.max(width, height) > maxSide ? maxSide / Math.max(width, height) : 1;
  if (shrink === 1) return createImageBitmap(data);
  return createImageBitmap(data, {
    resizeWidth: Math.max(1, Math.round(width * shrink)),
    resizeHeight: Math.max(1, Math.round(height * shrink)),
    resizeQuality: 'medium',
  });
}

/** One view of a comparison, drawn: the compared images (aligned where they were), or a map through the heatmap ramp. */
async function drawView(set: MapSet, view: MapView): Promise<ImageBitmap> {
  if (view === 'reference' || view === 'distorted') {
    const image = view === 'reference' ? set.ref : set.dist;
    if (!image) throw new FsimError('USAGE', `the ${view} image was given prepared: no pixels to draw`);
    const resized = set.result.resized?.[view];
    const shown = resized ? alignImage(image, resized.to, resized.mode).image : image;
    return bitmapOf(rgbaOf(shown), shown.width, shown.height);
  }
  const [h, w] = set.downsampled;
  const { maps, scales } = set;
  const [values, top] = {
    pc1: [maps.pc1, scales.pc],
    pc2: [maps.pc2, scales.pc],
    gm1: [maps.gm1, scales.gm],
    gm2: [maps.gm2, scales.gm],
    similarity: [maps.similarity, scales.similarity],
    difference: [set.difference, scales.difference],
  }[view] as [Float32Array, number];
  return bitmapOf(colourise(values, top, 4), w, h);
}

async function handle(request: Request): Promise<void> {
  const { id } = request;
  const progressFor = (wanted: boolean) => {
    if (!wanted) return undefined;
    // Two images per comparison: each reports its own 0..1.
    let done = 0;
    return (fraction: number, stage: string) => {
      if (fraction >= 1) done++;
      reply({ id, type: 'progress', fraction: Math.min(1, (done + (fraction < 1 ? fraction : 0)) / 2), stage });
    };
  };
  switch (request.type) {
    case 'init': {
      engine = await createEngineWith(request.settings);
      const backend = engine.backend;
      const cpu = backend instanceof CpuBackend ? backend : null;
      reply({
        id,
        type: 'init',
        backend: { name: backend.name, kind: cpu ? 'cpu' : 'gpu', threads: cpu?.threads ?? 1, ...(cpu?.note ? { note: cpu.note } : {}) },
      });
      return;
    }
    case 'decode': {
      const entry = await rasterOf(request.image);
      const key = ++nextId;
      held.set(key, entry);
      const { width, height, channels } = entry.image;
      reply({ id, type: 'decode', held: key, width, height, channels });
      return;
    }
    case 'bitmap': {
      const entry = held.get(request.held);
      if (!entry) throw new FsimError('USAGE', 'that image was released');
      const { image } = entry;
      const bitmap = await bitmapOf(rgbaOf(image), image.width, image.height, request.maxSide);
      reply({ id, type: 'bitmap', bitmap }, [bitmap]);
      return;
    }
    case 'raster': {
      const entry = held.get(request.held);
      if (!entry) throw new FsimError('USAGE', 'that image was released');
      reply({ id, type: 'raster', image: entry.image }); // a copy: the worker keeps its own
      return;
    }
    case 'prepare': {
      const { image, name } = await rasterOf(request.image);
      validateImage(image, name);
      const result = await live().prepareWith(image, { ...request.options, progress: progressFor(request.progress) });
      const key = ++nextId;
      prepared.set(key, result);
      const { backend, size, downsampled, factor, colour, resized, timings } = result;
      reply({ id, type: 'prepare', prepared: key, info: { backend, size, downsampled, factor, colour, resized, timings } });
      return;
    }
    case 'compare': {
      const [ref, dist] = await Promise.all([inputOf(request.ref), inputOf(request.dist)]);
      const wantsMaps = request.options.maps === true || request.mapImages;
      const result = await live().compareWith(ref.input, dist.input, {
        ...request.options,
        maps: wantsMaps,
        progress: progressFor(request.progress),
      });
      let maps: { id: number; scales: MapScales } | undefined;
      if (request.mapImages && result.maps) {
        const m = result.maps;
        const difference = differenceMap(m);
        const scales = {
          pc: 1,
          gm: Math.max(heatmapScale(m.gm1), heatmapScale(m.gm2)),
          similarity: heatmapScale(m.similarity),
          difference: heatmapScale(difference),
        };
        const key = ++nextId;
        mapSets.set(key, { maps: m, difference, scales, downsampled: result.downsampled, ref: ref.raster, dist: dist.raster, result });
        maps = { id: key, scales };
      }
      // The maps travel to the page only where asked for as data (moved, not copied: a set kept
      // here for drawing keeps its own).
      const sent: FsimResult = { ...result };
      const transfer: Transferable[] = [];
      if (request.options.maps === true && result.maps) {
        const copy = maps ? (a: Float32Array) => a.slice() : (a: Float32Array) => a;
        const { pc1, pc2, gm1, gm2, similarity } = result.maps;
        sent.maps = { pc1: copy(pc1), pc2: copy(pc2), gm1: copy(gm1), gm2: copy(gm2), similarity: copy(similarity) };
        transfer.push(...Object.values(sent.maps).map((a: Float32Array) => a.buffer));
      } else delete sent.maps;
      reply({ id, type: 'compare', result: sent, ...(maps ? { maps } : {}) }, transfer);
      return;
    }
    case 'mapImage': {
      const set = mapSets.get(request.maps);
      if (!set) throw new FsimError('USAGE', 'those maps were released');
      const bitmap = await drawView(set, request.view);
      reply({ id, type: 'bitmap', bitmap }, [bitmap]);
      return;
    }
    case 'release': {
      if (request.held !== undefined) held.delete(request.held);
      if (request.prepared !== undefined) {
        prepared.get(request.prepared)?.release();
        prepared.delete(request.prepared);
      }
      if (request.maps !== undefined) mapSets.delete(request.maps);
      reply({ id, type: 'done' });
      return;
    }
    case 'dispose': {
      for (const image of prepared.values()) image.release();
      prepared.clear();
      held.clear();
      mapSets.clear();
      await engine?.dispose();
      engine = null;
      reply({ id, type: 'done' });
      return;
    }
  }
}

scope.onmessage = (event: MessageEvent<Request>) => {
  const request = event.data;
  handle(request).catch((error: unknown) => {
    const code = error instanceof FsimError ? error.code : undefined;
    reply({ id: request.id, type: 'error', message: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) });
  });
};
