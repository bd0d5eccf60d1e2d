/**
 * Ranking: one reference against many candidates, best first. The reference is prepared
 * once (its FFT and phase congruency are reused for every candidate); candidates are
 * decoded a few ahead of the comparisons, so decoding overlaps GPU work while memory stays
 * bounded (at most `lookahead` decoded candidates are held). A candidate that cannot be
 * decoded or compared lands in `errors`; the others are ranked regardless.
 */
import { FsimError } from './errors.js';
import type { CompareOptions, Fsim, ImageInput } from './fsim.js';
import { checkThreshold } from './fsim.js';
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

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function rank(
  engine: Fsim,
  reference: ImageInput,
  candidates: Iterable<RankCandidate> | AsyncIterable<RankCandidate>,
  options: RankOptions = {},
): Promise<RankResult> {
  const threshold = checkThreshold(options.threshold ?? DEFAULT_THRESHOLD);
  const lookahead = Math.max(1, options.lookahead ?? 2);
  const checkCancelled = () => {
    if (options.signal?.aborted) throw new FsimError('CANCELLED', 'ranking cancelled');
  };
  const prepared = 'release' in reference ? reference : await engine.prepare(reference, { scale: options.scale }, 'reference');
  const by = options.by ?? (prepared.colour ? 'fsimc' : 'fsim');
  const total = Array.isArray(candidates) ? candidates.length : undefined;
  const results: RankEntry[] = [];
  const errors: RankResult['errors'] = [];
  const inFlight: { name: string; image: Promise<RasterImage> }[] = [];
  const iterator = (Symbol.asyncIterator in candidates ? candidates[Symbol.asyncIterator]() : candidates[Symbol.iterator]()) as
    AsyncIterator<RankCandidate> | Iterator<RankCandidate>;
  let exhausted = false;
  const refill = async () => {
    while (!exhausted && inFlight.length < lookahead) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const image = next.value.load();
      image.catch(() => {}); // surfaced when its turn comes
      inFlight.push({ name: next.value.name, image });
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
        const r = await engine.compare(prepared, candidate, { scale: options.scale, threshold });
        const score = by === 'fsimc' ? r.fsimc : r.fsim;
        results.push({ file: name, fsim: r.fsim, fsimc: r.fsimc, similar: score >= threshold });
      } catch (error) {
        if (error instanceof FsimError && error.code === 'CANCELLED') throw error;
        errors.push({ file: name, error: message(error).replace(`${name}: `, '') });
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
    results: options.top !== undefined ? results.slice(0, Math.max(0, options.top)) : results,
    errors,
    referencePrepared: prepared !== reference ? 1 : 0,
  };
}
