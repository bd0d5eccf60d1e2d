/** Access to the fixtures (read in place, never copied into the project): scripts/fixtures.ts says where. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_IMAGES, FIXTURES } from '../scripts/fixtures.js';

export { FIXTURES };
export const IMAGES = FIXTURE_IMAGES;

if (!existsSync(join(FIXTURES, 'golden.jsonl'))) {
  throw new Error(
    `fixtures not found at ${FIXTURES}: the tests read ../shared/fixtures beside the checkout, or the folder FSIM_FIXTURES names`,
  );
}

export interface GoldenCase {
  case: string;
  ref: string;
  dist: string;
  scale: 'auto' | number;
  F: number;
  size: [number, number];
  downsampled: [number, number];
  fsim: number;
  fsimc: number;
}

/** One object per line of a fixtures JSONL file. */
function readJsonl<T>(name: string): T[] {
  return readFileSync(join(FIXTURES, name), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as T);
}

export const golden = readJsonl<GoldenCase>('golden.jsonl');

/** Tolerances from fixtures/README.md. */
export const CPU_TOLERANCE = 1e-6;
export const GPU_TOLERANCE = 1e-4;

export function image(name: string): string {
  return join(IMAGES, name);
}

/** A reference map from fixtures/maps (raw little-endian float64). */
export function referenceMap(name: string): Float64Array {
  const bytes = readFileSync(join(FIXTURES, 'maps', name));
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

export interface GoldenResizeCase {
  case: string;
  ref: string;
  dist: string;
  resize: 'stretch' | 'cover';
  /** Both images aligned to this [rows, cols]; otherwise the distorted image to the reference's size. */
  size?: [number, number];
  scale: 'auto' | number;
  F: number;
  ref_size: [number, number];
  dist_size: [number, number];
  aligned: [number, number];
  fsim: number;
  fsimc: number;
}

export const goldenResize = readJsonl<GoldenResizeCase>('golden_resize.jsonl');

/** The align option a golden_resize case stands for. */
export const alignOf = (c: GoldenResizeCase) => ({ mode: c.resize, ...(c.size ? { size: c.size } : {}) });
