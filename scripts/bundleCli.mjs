/**
 * Bundles the compiled CLI (dist/src/cli.js and everything it imports, the lazily loaded
 * engines and codecs included) into one file, dist/src/node/cli.bundle.js, which bin/fsim.js
 * runs: one module to load instead of some forty, ~12 ms less per `fsim` process. sharp and
 * webgpu stay external (optional, loaded only when needed); the worker threads keep their own
 * entry (dist/src/node/taskWorker.js, next to the bundle). Run after `tsc` (npm run build:lib).
 */
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli.js'],
  outfile: 'dist/src/node/cli.bundle.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['sharp', 'webgpu'],
  logLevel: 'warning',
});
