#!/usr/bin/env node
// The `fsim` command: runs the compiled CLI (npm run build, or npm ci which builds on prepare).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('fsim: the package is not built; run `npm run build` first\n');
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
