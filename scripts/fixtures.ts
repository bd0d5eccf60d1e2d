/**
 * Where the project's fixtures are, for tests, benchmarks and the demo build: the folder
 * named by FSIM_FIXTURES, else ../shared/fixtures beside the checkout. Found from the package
 * root, so compiled code under dist/ finds the same folder as the sources.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('fixtures: no package.json above this file');
    dir = parent;
  }
  return dir;
}

export const FIXTURES = resolve(process.env.FSIM_FIXTURES ?? join(packageRoot(), '../shared/fixtures'));
export const FIXTURE_IMAGES = join(FIXTURES, 'images');
