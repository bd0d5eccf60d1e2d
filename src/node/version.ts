/** This package's version, from its package.json (found above this file, built or not). */
import { readFileSync } from 'node:fs';

let version: string | undefined;

export function packageVersion(): string {
  if (version === undefined) {
    // src/node/version.ts, or dist/src/node/version.js: the package root is two or three up.
    for (const up of ['../../package.json', '../../../package.json']) {
      try {
        const json = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
        if (json.name === 'fsim-gpu' && typeof json.version === 'string') {
          version = json.version;
          break;
        }
      } catch {
        // not there: try one level up
      }
    }
    version ??= 'unknown';
  }
  return version;
}
