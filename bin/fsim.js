#!/usr/bin/env node
// The `fsim` command: runs the compiled CLI (npm run build, or npm ci which builds on prepare):
// its one-file bundle (scripts/bundle.mjs), unless a later `tsc` left it older than the
// compiled sources, then those.
import { existsSync, statSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
const bundle = new URL('../dist/src/node/cli.bundle.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('fsim: the package is not built; run `npm run build` first\n');
  process.exit(2);
}
const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(cli).mtimeMs;
const { main } = await import((fresh ? bundle : cli).href);
process.exitCode = await main(process.argv.slice(2));
