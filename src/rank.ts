/**
 * Ranking: one reference against many candidates, best first. The reference is prepared
 * once (its FFT and phase congruency are reused for every candidate); candidates are
 * decoded a few ahead of the comparisons, so decoding overlaps GPU work while memory stays
 * bounded (at most `lookahead` decoded candidates are held). A candidate that cannot be
 * decoded or compared lands in `errors`; the others are ranked regardless.
 */
import type { AlignMode, AlignOption, Resized } from './align.js';
import { FsimError, printable } from './errors.js';
import { type Fsim, type ImageInput, isPrepared, type ResolvedCompare } from './fsim.js';
import { validateImage, type RasterImage } from './image.js';
import { alignOf, RANK_SPECS, resolveOptions } from './optionTable.js';
import type { ScaleOption } from './scale.js';

export interface RankCandidate {
  /** How the candidate is named in the results (a file path, a URL, …). */
  readonly name: string;
  /** Decodes it; rejections become entries of `errors`. */
  readonly load: () => Promise<RasterImage>;
}

export interface RankOptions {
  scale?: ScaleOption;
  /** Candidates of other sizes: resampled to the reference's size (or to `size`), as compare's. */
  resize?: AlignMode;
  size?: readonly [number, number];
  /** The older form of resize and size (still taken). */
  align?: AlignOption;
  /** The verdict's threshold, as compare's; `threshold` is its older name. */
  minScore?: number;
  threshold?: number;
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

/** Rank options resolved by an entry point (src/optionTable.ts), frozen. */
export interface ResolvedRank {
  readonly compare: ResolvedCompare;
  readonly by?: 'fsim' | 'fsimc';
  readonly top?: number;
  readonly lookahead: number;
  readonly progress?: (done: number, total: number | undefined, name: string) => void;
  readonly signal?: AbortSignal;
}

/** Rank options checked against the option table, once. */
export function resolveRankOptions(options: RankOptions | undefined, what = 'rank'): ResolvedRank {
  const o = resolveOptions(RANK_SPECS, options, what);
  return Object.freeze({
    compare: Object.freeze({ scale: o.scale, minScore: o.minScore, align: alignOf(o) }),
    by: o.by,
    top: o.top,
    lookahead: o.lookahead,
    progress: o.progress as ResolvedRank['progress'],
    signal: o.signal,
  });
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
  /** The verdict's threshold (the options' minScore). */
  minScore: number;
  backend: string;
  /** Best first. */
  results: RankEntry[];
  errors: { file: string; error: string }[];
  /** How often the reference was prepared (1: reused for every candidate). */
  referencePrepared: number;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

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
  return rankWith(engine, reference, candidates, resolveRankOptions(options));
}

/** rank() for options resolved already (resolveRankOptions). */
export async function rankWith(
  engine: Fsim,
  reference: ImageInput,
  candidates: Iterable<RankCandidate> | AsyncIterable<RankCandidate>,
  options: ResolvedRank,
): Promise<RankResult> {
  if (candidates === null || typeof candidates !== 'object' || !(Symbol.iterator in candidates || Symbol.asyncIterator in candidates)) {
    throw new FsimError('USAGE', 'candidates must be an iterable or async iterable of { name, load() }');
  }
  const { compare, lookahead } = options;
  const checkCancelled = () => {
    if (options.signal?.aborted) throw new FsimError('CANCELLED', 'ranking cancelled');
  };
  // Aligned to an explicit size when asked; otherwise candidates are aligned to the reference's.
  if (!isPrepared(reference)) validateImage(reference, 'reference');
  const prepared = isPrepared(reference) ? reference : await engine.prepareWith(reference, compare);
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
  // Comparisons in flight at once: as many as the engine has threads (at most the lookahead),
  // so that candidates prepared on threads of their own (a photo downsampled to one thread's
  // work) keep every thread busy. Results are kept in candidate order, as one at a time gives.
  const parallel = Math.max(1, Math.min(lookahead, engine.backend.threads ?? 1));
  const scoreOne = async (
    name: string,
    image: Promise<RasterImage>,
  ): Promise<{ entry: RankEntry } | { error: { file: string; error: string } }> => {
    try {
      const candidate = await image;
      validateImage(candidate, name); // named after the candidate; compare checks the size
      const r = await engine.compareWith(prepared, candidate, compare);
      const score = by === 'fsimc' ? r.fsimc : r.fsim;
      const resized = r.resized?.distorted;
      return { entry: { file: name, fsim: r.fsim, fsimc: r.fsimc, similar: score >= compare.minScore, ...(resized ? { resized } : {}) } };
    } catch (error) {
      if (error instanceof FsimError && (error.code === 'CANCELLED' || error.code === 'USAGE')) throw error;
      return { error: { file: name, error: message(error).replace(`${printable(name)}: `, '') } };
    }
  };
  // Scoring in flight, oldest first: each settles in candidate order (results, progress).
  const scoring: { name: string; outcome: ReturnType<typeof scoreOne> }[] = [];
  let done = 0;
  const settleOldest = async () => {
    const { name, outcome } = scoring.shift()!;
    const settled = await outcome;
    if ('entry' in settled) results.push(settled.entry);
    else errors.push(settled.error);
    options.progress?.(++done, total, name);
  };
  try {
    await refill();
    while (inFlight.length > 0) {
      checkCancelled();
      const { name, image } = inFlight.shift()!;
      await refill(); // the next decodes run while this candidate is compared
      const outcome = scoreOne(name, image);
      outcome.catch(() => {}); // surfaced when it settles in turn
      scoring.push({ name, outcome });
      if (scoring.length >= parallel) await settleOldest();
    }
    while (scoring.length > 0) await settleOldest();
  } finally {
    await Promise.allSettled(scoring.map((s) => s.outcome));
    if (prepared !== reference) prepared.release();
  }
  const key = (e: RankEntry) => (by === 'fsimc' ? e.fsimc : e.fsim);
  results.sort((a, b) => key(b) - key(a));
  return {
    by,
    minScore: compare.minScore,
    backend: engine.backend.name,
    results: options.top !== undefined ? results.slice(0, options.top) : results,
    errors,
    referencePrepared: prepared !== reference ? 1 : 0,
  };
}
