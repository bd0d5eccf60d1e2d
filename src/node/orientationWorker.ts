/** Worker-thread entry: runs orientation jobs on maps shared through SharedArrayBuffers. */
import { parentPort } from 'node:worker_threads';
import { KernelCache, runJob, type OrientationJob } from '../cpu/executor.js';

const kernels = new KernelCache();

parentPort!.on('message', (message: { id: number; job: OrientationJob }) => {
  try {
    runJob(kernels, message.job);
    parentPort!.postMessage({ id: message.id });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
