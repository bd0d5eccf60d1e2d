/**
 * Many pairs in one process (`fsim compare --pairs FILE`): a CSV or TSV whose header names a
 * reference and a distorted column (IQA datasets ship exactly that: KADID-10k's dmos.csv has
 * dist_img,ref_img,dmos), scored on one engine in file order. Images are decoded a few pairs
 * ahead while the engine computes; a reference that repeats is prepared once (the last few are
 * kept); every other column passes through to the output. A bad pair is reported in its own
 * result and the run goes on.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import type { PreparedImage } from '../backend.js';
import { FsimError, printable } from '../errors.js';
import type { Fsim, ResolvedCompare } from '../fsim.js';
import { type RasterImage, validateImage } from '../image.js';
import { decodeFile } from './decode.js';

/** Column names recognised without options (compared case-insensitively). */
export const REFERENCE_COLUMNS = ['ref', 'reference', 'ref_img', 'ref_image', 'reference_image'];
export const DISTORTED_COLUMNS = ['dist', 'distorted', 'dist_img', 'dist_image', 'distorted_image'];

/** Rows of a CSV (RFC 4180 quoting) or, when the first line has a tab, TSV. */
export function parseTable(text: string): string[][] {
  const body = text.replace(/^\uFEFF/, '');
  const delimiter = (body.split(/\r?\n/, 1)[0] ?? '').includes('\t') ? '\t' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let k = 0; k < body.length; k++) {
    const c = body[k];
    if (quoted) {
      if (c === '"' && body[k + 1] === '"') {
        field += '"';
        k++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[k + 1] === '\n') k++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw new FsimError('INPUT', 'the pairs file ends inside a quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

export interface PairsOptions {
  refColumn?: string;
  distColumn?: string;
  /** Folder relative paths are taken from (default: the pairs file's folder). */
  root?: string;
}

export interface PairRow {
  /** 1-based line of the pair in the file, after the header (for messages). */
  line: number;
  ref: string;
  dist: string;
  /** Every column of the row, by header name (the pass-through fields). */
  columns: Record<string, string>;
}

export interface PairsTable {
  header: string[];
  refColumn: string;
  distColumn: string;
  rows: PairRow[];
}

function findColumn(header: string[], asked: string | undefined, known: string[], what: string, option: string): string {
  if (asked !== undefined) {
    if (!header.includes(asked))
      throw new FsimError('USAGE', `${option} '${asked}' is not a column of the pairs file (${header.join(', ')})`);
    return asked;
  }
  const found = header.find((name) => known.includes(name.trim().toLowerCase()));
  if (!found) {
    throw new FsimError(
      'USAGE',
      `the pairs file has no ${what} column (${known.join(', ')}); its columns are ${header.join(', ')}: name one with ${option}`,
    );
  }
  return found;
}

/** Reads and checks a pairs file; paths are resolved against `root` or the file's folder. */
export async function readPairs(path: string, options: PairsOptions = {}): Promise<PairsTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FsimError('INPUT', `${printable(path)}: ${code === 'ENOENT' ? 'no such file' : 'cannot read the pairs file'}`);
  }
  const [header, ...body] = parseTable(text);
  if (!header) throw new FsimError('INPUT', `${printable(path)}: the pairs file is empty`);
  const refColumn = findColumn(header, options.refColumn, REFERENCE_COLUMNS, 'reference', '--ref-column');
  const distColumn = findColumn(header, options.distColumn, DISTORTED_COLUMNS, 'distorted', '--dist-column');
  const root = options.root ?? dirname(path);
  const resolve = (file: string) => (isAbsolute(file) ? file : join(root, file));
  const rows = body.map((cells, k): PairRow => {
    const columns = Object.fromEntries(header.map((name, c) => [name, cells[c] ?? '']));
    return { line: k + 1, ref: resolve(columns[refColumn].trim()), dist: resolve(columns[distColumn].trim()), columns };
  });
  return { header, refColumn, distColumn, rows };
}

export interface PairResult {
  row: PairRow;
  fsim?: number;
  fsimc?: number;
  similar?: boolean;
  error?: string;
}

/** How many pairs are decoded ahead of the one being compared, and how many references stay prepared. */
const LOOKAHEAD = 2;
const KEPT_REFERENCES = 4;

/**
 * Scores every pair in order, yielding each result as soon as it is known. Decoding runs ahead
 * of the comparisons; a reference used by consecutive (or recent) pairs is decoded and
 * prepared once.
 */
export async function* comparePairs(engine: Fsim, rows: readonly PairRow[], options: ResolvedCompare): AsyncGenerator<PairResult> {
  const prepared = new Map<string, Promise<PreparedImage>>();
  const prepareReference = (path: string): Promise<PreparedImage> => {
    let entry = prepared.get(path);
    if (entry) {
      prepared.delete(path); // re-inserted below: most recently used last
    } else {
      entry = decodeFile(path).then((image) => {
        validateImage(image, printable(path));
        return engine.prepareWith(image, options);
      });
      entry.catch(() => {});
      while (prepared.size >= KEPT_REFERENCES) {
        const [oldest, image] = prepared.entries().next().value as [string, Promise<PreparedImage>];
        prepared.delete(oldest);
        void image.then(
          (p) => p.release(),
          () => {},
        );
      }
    }
    prepared.set(path, entry);
    return entry;
  };
  const decoded: Promise<RasterImage>[] = [];
  // Rows whose decoding has begun: [0, begun) (a scored row's entry is deleted, not restarted).
  let begun = 0;
  const decodeUpTo = (end: number) => {
    for (; begun < Math.min(end, rows.length); begun++) {
      decoded[begun] = decodeFile(rows[begun].dist);
      decoded[begun].catch(() => {});
    }
  };
  // Pairs scored at once: as many as the engine has threads (images prepared on threads of
  // their own keep them all busy); results are yielded in row order all the same.
  const parallel = Math.max(1, Math.min(LOOKAHEAD, engine.backend.threads ?? 1));
  const scored: Promise<PairResult>[] = [];
  const score = (k: number) => {
    if (k >= rows.length || scored[k] !== undefined) return;
    const row = rows[k];
    scored[k] = (async (): Promise<PairResult> => {
      try {
        const [reference, distorted] = await Promise.all([prepareReference(row.ref), decoded[k]]);
        const r = await engine.compareWith(reference, distorted, options);
        return { row, fsim: r.fsim, fsimc: r.fsimc, similar: r.similar };
      } catch (error) {
        if (error instanceof FsimError && error.code === 'USAGE') throw error;
        return { row, error: error instanceof Error ? error.message : String(error) };
      } finally {
        delete decoded[k];
      }
    })();
    scored[k].catch(() => {});
  };
  try {
    for (let k = 0; k < rows.length; k++) {
      decodeUpTo(k + LOOKAHEAD + parallel);
      for (let next = k; next < k + parallel; next++) score(next);
      const result = await scored[k];
      delete scored[k];
      yield result;
    }
  } finally {
    for (const image of prepared.values())
      void image.then(
        (p) => p.release(),
        () => {},
      );
  }
}

/** A CSV field, quoted when it must be. */
export function csvField(value: string | number | boolean | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
