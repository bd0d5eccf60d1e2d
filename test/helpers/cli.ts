/** Running the built `fsim` command in tests, and counting what an engine prepares. */
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Fsim } from '../../src/node/index.js';
import { type GoldenResizeCase, image } from '../fixtures.js';

export const BIN = resolve(import.meta.dirname, '../../bin/fsim.js');

/** `fsim ARGS…` in a child process (the compiled CLI under dist/). */
export function runFsim(args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr), signal: r.signal };
}

/** The `fsim compare` arguments that score a golden_resize case as JSON. */
export function compareArgsOf(c: GoldenResizeCase, backend: 'cpu' | 'gpu'): string[] {
  const size = c.size ? ['--size', `${c.size[1]}x${c.size[0]}`] : [];
  return [
    'compare',
    image(c.ref),
    image(c.dist),
    '--resize',
    c.resize,
    ...size,
    '--scale',
    String(c.scale),
    '--backend',
    backend,
    '--json',
  ];
}

/** Counts the images an engine prepares from now on. */
export function countPrepares(engine: Fsim): () => number {
  let prepares = 0;
  const prepare = engine.backend.prepare.bind(engine.backend);
  engine.backend.prepare = (...args) => {
    prepares++;
    return prepare(...args);
  };
  return () => prepares;
}
