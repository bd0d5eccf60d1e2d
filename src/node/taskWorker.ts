/** Worker-thread entry: runs phase-congruency tasks on maps shared through SharedArrayBuffers. */
import { parentPort } from 'node:worker_threads';
import { type CpuTask, TaskRunner } from '../cpu/tasks.js';

const runner = new TaskRunner();

parentPort!.on('message', (message: { id: number; task: CpuTask }) => {
  try {
    runner.run(message.task);
    parentPort!.postMessage({ id: message.id });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
