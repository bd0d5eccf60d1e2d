/**
 * One warm engine per process for each engine configuration: compareImages, the test-suite
 * matchers and `fsim serve` take theirs from here instead of creating (and paying for) an
 * engine per call. The CPU path's idle worker threads and Dawn never hold the process open, so
 * nothing needs releasing before exit; releaseSharedEngines() frees them earlier (tests, a
 * server's shutdown).
 */
import type { Fsim } from '../fsim.js';
import { createFsimWith, type EngineRole, type ResolvedEngine } from './engine.js';

const engines = new Map<string, Promise<Fsim>>();

const keyOf = ({ backend, threads, limits }: ResolvedEngine, role: EngineRole) =>
  `${backend}/${threads ?? ''}/${limits ?? ''}/${role.sideBySide ? 'side-by-side' : ''}`;

/** The process's engine for these options, created on first use; an engine that failed to start is tried again next time. */
export function sharedEngine(options: ResolvedEngine, role: EngineRole = {}): Promise<Fsim> {
  const key = keyOf(options, role);
  let engine = engines.get(key);
  if (!engine) {
    engine = createFsimWith(options, role);
    engines.set(key, engine);
    engine.catch(() => {
      if (engines.get(key) === engine) engines.delete(key);
    });
  }
  return engine;
}

/** Disposes every shared engine (later calls create new ones). */
export async function releaseSharedEngines(): Promise<void> {
  const live = [...engines.values()];
  engines.clear();
  await Promise.all(live.map(async (engine) => (await engine.catch(() => undefined))?.dispose()));
}
