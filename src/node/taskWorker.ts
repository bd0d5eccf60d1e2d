/**
 * Worker-thread entry: runs phase-congruency tasks on maps shared through SharedArrayBuffers,
 * and prepares whole small images (a large raster downsampled to one thread's work) with the
 * same code the calling thread would run, their maps returned shared.
 */
import { parentPort } from 'node:worker_threads';
import { CpuBackend, type CpuPrepared } from '../cpu/backend.js';
import { InlineExecutor } from '../cpu/executor.js';
import { type CpuTask, TaskRunner } from '../cpu/tasks.js';
import { FsimError } from '../errors.js';
import type { RasterImage } from '../image.js';

const runner = new TaskRunner();
/** This thread's own engine for whole images (its workspace and banks kept between them). */
const backend = new CpuBackend(new InlineExecutor());

type Message = { id: number } & ({ task: CpuTask } | { prepare: { image: RasterImage; factor: number } });

parentPort!.on('message', async (message: Message) => {
  try {
    if ('task' in message) {
      runner.run(message.task);
      parentPort!.postMessage({ id: message.id });
      return;
    }
    const { image, factor } = message.prepare;
    const { colour, timings, chroma, pc, gm } = (await backend.prepare(image, factor)) as CpuPrepared;
    parentPort!.postMessage({ id: message.id, prepared: { colour, timings, chroma, pc, gm } });
  } catch (error) {
    parentPort!.postMessage({
      id: message.id,
      error: error instanceof Error ? error.message : String(error),
      ...(error instanceof FsimError ? { code: error.code } : {}),
    });
  }
});
