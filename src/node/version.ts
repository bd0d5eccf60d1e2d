/** This package's version and root folder, from its package.json (found above this file: sources, dist or the CLI's bundle). */
import { readFileSync } from 'node:fs';

let found: { root: URL; version: string } | null | undefined;

function findPackage(): { root: URL; version: string } | null {
  if (found === undefined) {
    found = null;
    // src/node/version.ts, dist/src/node/version.js or dist/src/node/cli.bundle.js: the root is two or three up.
    for (const up of ['../../', '../../../']) {
      const root = new URL(up, import.meta.url);
      try {
        const json = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { name?: string; version?: string };
        if (json.name === 'fsim-gpu' && typeof json.version === 'string') {
          found = { root, version: json.version };
          break;
        }
      } catch {
        // not there: try one level up
      }
    }
  }
  return found;
}

export function packageVersion(): string {
  return findPackage()?.version ?? 'unknown';
}

/** The package's root folder (a file: URL ending in /), if its package.json is found. */
export function packageRoot(): URL | undefined {
  return findPackage()?.root;
}
