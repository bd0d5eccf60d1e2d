/**
 * Ranking: one reference against many candidates, best first. The reference is prepared
 * once (its FFT and phase congruency are reused for every candidate); candidates are
 * decoded a few ahead of the comparisons, so decoding overlaps GPU work while memory stays
 * bounded (at most `lookahead` decoded candidates are held). A candidate that cannot be
 * decoded or compared lands in `errors`; the others are ranked regardless.
 */
import type { Resized } from './align.js';
import { FsimError, printable } from './errors.js';
import type { CompareOptions, Fsim, ImageInput } from './fsim.js';
import { checkPrepareOptions, checkThreshold, isPrepared } from './fsim.js';
import { checkFunction, checkInteger, checkOneOf, checkOptions, checkSignal } from './options.js';
import { validateImage, type RasterImage } from './image.js';
import { DEFAULT_THRESHOLD } from './constants.js';

export interface RankCandidate {
  /** How the candidate is named in the results (a file path, a URL, …). */
  readonly name: string;
  /** Decodes it; rejections become entries of `errors`. */
  readonly load: () => Promise<RasterImage>;
}

export interface RankOptions extends Omit<CompareOptions, 'maps' | 'progress'> {
  /** Sort key: 'fsimc' or 'fsim'; by default FSIMc for a colour reference, FSIM for greyscale. */
  by?: 'fsim' | 'fsimc';
  /** Keep only the K best results (errors are all kept). */
  top?: number;
  /** Candidates decoded ahead of the comparison in progress (default 2). */
  lookahead?: number;
  /** Called after each candidate with the count done, the total (when known) and its name. */
  progress?: (done: number, total: number | undefined, name: string) => void;
  signal?: AbortSignal;
}

export interface RankEntry {
  file: string;
  fsim: number;
  fsimc: number;
  /** The sort key's score ≥ threshold. */
  similar: boolean;
  /** With `align`, when the candidate was resampled: how. */
  resized?: Resized;
}

export interface RankResult {
  by: 'fsim' | 'fsimc';
  threshold: number;
  backend: string;
  /** Best first. */
  results: RankEntry[];
  errors: { file: string; error: string }[];
  /** How often the reference was prepared (1: reused for every candidate). */
  referencePrepared: number;
}

/** Most candidates decoded ahead of the comparison. */
const MAX_LOOKAHEAD = 64;

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

const RANK_OPTIONS = ['scale', 'threshold', 'align', 'by', 'top', 'lookahead', 'progress', 'signal'] as const;

/** Every rank option checked, by name. */
export function checkRankOptions(options: RankOptions | undefined, what = 'rank'): RankOptions {
  const checked = checkOptions(options, RANK_OPTIONS, what);
  checkPrepareOptions({
    ...(checked.scale !== undefined ? { scale: checked.scale } : {}),
    ...(checked.align !== undefined ? { align: checked.align } : {}),
  });
  if (checked.threshold !== undefined) checkThreshold(checked.threshold);
  if (checked.by !== undefined) checkOneOf('by', checked.by, ['fsim', 'fsimc']);
  if (checked.top !== undefined) checkInteger('top', checked.top, 0, Number.MAX_SAFE_INTEGER);
  if (checked.lookahead !== undefined) checkInteger('lookahead', checked.lookahead, 1, MAX_LOOKAHEAD);
  if (checked.progress !== undefined) checkFunction('progress', checked.progress);
  if (checked.signal !== undefined) checkSignal('signal', checked.signal);
  return checked;
}

function checkCandidate(candidate: RankCandidate, index: number): RankCandidate {
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.name !== 'string' || typeof candidate.load !== 'function') {
    throw new FsimError('USAGE', `candidate ${index} must be an object { name: string, load(): Promise<RasterImage> }`);
  }
  return candidate;
}

export async function rank(
  engine: Fsim,
  reference: ImageInput,
  candidates: Iterable<RankCandidate> | AsyncIterable<RankCandidate>,
  options?: RankOptions,
): Promise<RankResult> {
  options = checkRankOptions(options);
  if (candidates === null || typeof candidates !== 'object' || !(Symbol.iterator in candidates || Symbol.asyncIterator in candidates)) {
    throw new FsimError('USAGE', 'candidates must be an iterable or async iterable of { name, load() }');
  }
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const lookahead = options.lookahead ?? 2;
  const checkCancelled = () => {
    if (options.signal?.aborted) throw new FsimError('CANCELLED', 'ranking cancelled');
  };
  // Aligned to an explicit size when asked; otherwise candidates are aligned to the reference's.
  const prepared = isPrepared(reference)
    ? reference
    : await engine.prepare(reference, { scale: options.scale, align: options.align }, 'reference');
  const by = options.by ?? (prepared.colour ? 'fsimc' : 'fsim');
  const total = Array.isArray(candidates) ? candidates.length : undefined;
  const results: RankEntry[] = [];
  const errors: RankResult['errors'] = [];
  const inFlight: { name: string; image: Promise<RasterImage> }[] = [];
  const iterator = (Symbol.asyncIterator in candidates ? candidates[Symbol.asyncIterator]() : candidates[Symbol.iterator]()) as
    | AsyncIterator<RankCandidate>
    | Iterator<RankCandidate>;
  let exhausted = false;
  let index = 0;
  const refill = async () => {
    while (!exhausted && inFlight.length < lookahead) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const candidate = checkCandidate(next.value, index++);
      // A load that throws instead of rejecting is a failed candidate too.
      const image = Promise.resolve().then(() => candidate.load());
      image.catch(() => {}); // surfaced when its turn comes
      inFlight.push({ name: candidate.name, image });
    }
  };
  try {
    let done = 0;
    await refill();
    while (inFlight.length > 0) {
      checkCancelled();
      const { name, image } = inFlight.shift()!;
      await refill(); // the next decodes run while this candidate is compared
      try {
        const candidate = await image;
        validateImage(candidate, name); // named after the candidate; compare checks the size
        const r = await engine.compare(prepared, candidate, { scale: options.scale, threshold, align: options.align });
        const score = by === 'fsimc' ? r.fsimc : r.fsim;
        const resized = r.resized?.distorted;
        results.push({ file: name, fsim: r.fsim, fsimc: r.fsimc, similar: score >= threshold, ...(resized ? { resized } : {}) });
      } catch (error) {
        if (error instanceof FsimError && (error.code === 'CANCELLED' || error.code === 'USAGE')) throw error;
        errors.push({ file: name, error: message(error).replace(`${printable(name)}: `, '') });
      }
      options.progress?.(++done, total, name);
    }
  } finally {
    if (prepared !== reference) prepared.release();
  }
  const key = (e: RankEntry) => (by === 'fsimc' ? e.fsimc : e.fsim);
  results.sort((a, b) => key(b) - key(a));
  return {
    by,
    threshold,
    backend: engine.backend.name,
    results: options.top !== undefined ? results.slice(0, options.top) : results,
    errors,
    referencePrepared: prepared !== reference ? 1 : 0,
  };
}
