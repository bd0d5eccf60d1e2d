/// <reference lib="webworker" />
/**
 * Web Worker entry of the browser's CPU thread pool (src/browser/workerPool.ts): runs the CPU
 * path's tasks on maps shared through SharedArrayBuffers and a shared WebAssembly memory, as
 * src/node/taskWorker.ts does on Node's worker threads.
 */
import { type CpuTask, TaskRunner } from '../cpu/tasks.js';

const runner = new TaskRunner();
const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<{ id: number; task: CpuTask }>) => {
  const { id, task } = event.data;
  try {
    runner.run(task);
    scope.postMessage({ id });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
