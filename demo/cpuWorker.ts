/// <reference lib="webworker" />
/** The float64 CPU path off the main thread: the demo's engine when WebGPU is missing. */
import { createFsim, type CompareOptions, type FsimResult, type PreparedImage, type RasterImage } from '../src/browser/index.js';

export type WorkerRequest =
  | { id: number; type: 'compare'; ref: RasterImage; dist: RasterImage; options: CompareOptions }
  | { id: number; type: 'prepare'; ref: RasterImage; options: CompareOptions }
  | { id: number; type: 'compare-prepared'; dist: RasterImage; options: CompareOptions }
  | { id: number; type: 'release' };

export type WorkerReply =
  | { id: number; type: 'progress'; fraction: number; stage: string }
  | { id: number; type: 'result'; result: FsimResult | null }
  | { id: number; type: 'error'; message: string };

const engine = createFsim({ backend: 'cpu' });
let prepared: PreparedImage | null = null;

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  const reply = (message: WorkerReply) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message);
  try {
    const fsim = await engine;
    // Two images per comparison: each reports its own 0..1.
    let done = 0;
    const progress = (fraction: number, stage: string) => {
      if (fraction >= 1) done++;
      reply({ id: request.id, type: 'progress', fraction: Math.min(1, (done + (fraction < 1 ? fraction : 0)) / 2), stage });
    };
    switch (request.type) {
      case 'compare':
        reply({ id: request.id, type: 'result', result: await fsim.compare(request.ref, request.dist, { ...request.options, progress }) });
        break;
      case 'prepare':
        prepared?.release();
        prepared = await fsim.prepare(request.ref, request.options, 'reference');
        reply({ id: request.id, type: 'result', result: null });
        break;
      case 'compare-prepared':
        if (!prepared) throw new Error('no prepared reference');
        reply({ id: request.id, type: 'result', result: await fsim.compare(prepared, request.dist, request.options) });
        break;
      case 'release':
        prepared?.release();
        prepared = null;
        reply({ id: request.id, type: 'result', result: null });
    }
  } catch (error) {
    reply({ id: request.id, type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
};
