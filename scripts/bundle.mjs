/**
 * Bundles two entries of the compiled package (run after `tsc`: npm run build:lib):
 *  - the CLI (dist/src/cli.js and everything it imports, the lazily loaded engines and codecs
 *    included) into dist/src/node/cli.bundle.js, which bin/fsim.js runs: one module to load
 *    instead of some forty, ~12 ms less per `fsim` process;
 *  - fsim-gpu/jest as CommonJS, dist/src/node/jest.cjs: Jest loads setup files with require()
 *    unless told to use ES modules, and the package is ES modules ('Must use import to load
 *    ES Module'). import.meta.url becomes the bundle's own URL, so the worker threads' entry
 *    (dist/src/node/taskWorker.js, beside both bundles) and package.json are found as from
 *    the sources.
 * sharp and webgpu stay external (optional, loaded only when needed), and so do the server's
 * libraries (CommonJS that requires Node's modules at run time; loaded by `fsim serve` only).
 */
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['sharp', 'webgpu', 'fastify', '@fastify/*', 'prom-client'],
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['dist/src/cli.js'], outfile: 'dist/src/node/cli.bundle.js', format: 'esm' });

await build({
  ...common,
  entryPoints: ['dist/src/testing/jest.js'],
  outfile: 'dist/src/node/jest.cjs',
  format: 'cjs',
  define: { 'import.meta.url': '__fsimModuleUrl' },
  banner: { js: "const __fsimModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
