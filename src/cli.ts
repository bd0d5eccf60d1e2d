/**
 * The `fsim` command.
 *   fsim compare REF DIST [--scale auto|N] [--backend cpu|gpu|auto] [--threshold T]
 *                         [--json] [--maps DIR] [--assert-similar]
 * Exit status: 0 done, 1 not similar under --assert-similar, 2 bad usage or input.
 */
import { DEFAULT_THRESHOLD, MAX_PIXELS, MIN_SIDE } from './constants.js';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { FsimError, printable } from './errors.js';
import { describeResized, type AlignOption } from './align.js';
import { checkThreshold, type FsimResult } from './fsim.js';
import { validateImage } from './image.js';
import type { ScaleOption } from './scale.js';
import { type BackendKind, checkBackendKind } from './engine.js';
import { ensureDir } from './node/ensureDir.js';
import type { RankResult } from './rank.js';

// Engines, codecs and the GPU stack load when a command needs them: `fsim --help` loads none.
const engines = () => import('./node/engine.js');
const decoding = () => import('./node/decode.js');

const USAGE = `usage: fsim compare REF DIST [options]
       fsim compare --pairs FILE [--ref-column NAME] [--dist-column NAME] [--root DIR] [--json|--csv] [options]
       fsim rank REF CANDIDATE... [--top K] [--by fsim|fsimc] [--progress] [options]

compare: FSIM and FSIMc of two images (Zhang et al., IEEE TIP 2011).
rank:    every candidate (a directory means its images, recursively) against REF, best first;
         the reference is prepared once.

options:
  --scale auto|N       downsampling: auto (the reference: F = round(min side / 256)) or F = N ≥ 1
  --backend cpu|gpu|auto
                       cpu: float64 reference path; gpu: WebGPU (never falls back); auto (default)
  --threshold T        "similar" when FSIMc ≥ T (default ${DEFAULT_THRESHOLD})
  --resize stretch|cover
                       compare images of different sizes: resample the distorted image (rank:
                       every candidate) to the reference's size, stretched or cropped to its
                       aspect ratio first (cover); without it, sizes must match
  --size WxH           with --resize: align both images to W×H pixels instead
  --pairs FILE         compare: every pair of a CSV or TSV file (header row: reference and
                       distorted columns, e.g. ref_img,dist_img; other columns pass through),
                       one result per line as it goes; exit 1 if any pair failed
  --ref-column NAME, --dist-column NAME
                       with --pairs: the columns holding the paths, when not a usual name
  --root DIR           with --pairs: relative paths are under DIR (default: the file's folder)
  --csv                with --pairs: CSV out (the file's columns, fsim, fsimc, similar, error)
  --json               print one JSON object with the result on stdout (--pairs: one per line)
  --maps DIR           write PC, gradient and local-similarity heatmaps as PNG into DIR
  --assert-similar     compare: exit with status 1 when the images are not similar
  --top K              rank: list the K best only
  --by fsim|fsimc      rank: sort key (default FSIMc for a colour reference, else FSIM)
  --progress           rank: progress bar on stderr even when it is not a terminal
  -h, --help           show this help
  --                   end of options: every later argument is a file (names starting with '-')

exit status: compare: 0 done, 1 not similar (with --assert-similar), 2 bad usage or input;
             rank: 0 every candidate scored, 1 some could not be (listed in errors),
             2 bad usage or an unreadable reference`;

interface Args {
  positional: string[];
  /** compare --pairs FILE and its options. */
  pairs?: string;
  refColumn?: string;
  distColumn?: string;
  root?: string;
  csv: boolean;
  scale: ScaleOption;
  backend: BackendKind;
  threshold: number;
  json: boolean;
  maps?: string;
  assertSimilar: boolean;
  top?: number;
  by?: 'fsim' | 'fsimc';
  progress: boolean;
  /** From --resize and --size. */
  align?: AlignOption;
}

function usageError(message: string): never {
  throw new FsimError('USAGE', `${message} (see fsim --help)`);
}

export function parseScale(value: string): ScaleOption {
  if (value === 'auto') return 'auto';
  if (!/^[1-9][0-9]*$/.test(value)) usageError(`--scale must be auto or an integer ≥ 1, got '${value}'`);
  return Number(value);
}

/** --resize MODE [--size WIDTHxHEIGHT]: width first, as image tools write it. */
function parseAlign(mode: string, size: string | undefined): AlignOption {
  if (mode !== 'stretch' && mode !== 'cover') usageError(`--resize must be stretch or cover, got '${mode}'`);
  if (size === undefined) return { mode };
  const match = /^([0-9]{1,9})x([0-9]{1,9})$/.exec(size);
  if (!match) usageError(`--size must be WIDTHxHEIGHT in pixels (e.g. 1920x1080), got '${size}'`);
  const [width, height] = [Number(match[1]), Number(match[2])];
  if (width < MIN_SIDE || height < MIN_SIDE) usageError(`--size ${size} is under the ${MIN_SIDE}x${MIN_SIDE} minimum`);
  if (width * height > MAX_PIXELS) usageError(`--size ${size} exceeds the ${MAX_PIXELS}-pixel limit`);
  return { mode, size: [height, width] };
}

/** Parses the options a command accepts (`allowed`), positional arguments in order. */
function parseArgs(args: string[], allowed: readonly string[]): Args {
  const out: Args = {
    positional: [],
    scale: 'auto',
    backend: 'auto',
    threshold: DEFAULT_THRESHOLD,
    json: false,
    csv: false,
    assertSimilar: false,
    progress: false,
  };
  let optionsEnded = false;
  let resize: string | undefined;
  let size: string | undefined;
  for (let k = 0; k < args.length; k++) {
    const arg = args[k];
    // After `--` everything is a file name, even one that starts with '-'.
    if (optionsEnded) {
      out.positional.push(arg);
      continue;
    }
    if (arg === '--') {
      optionsEnded = true;
      continue;
    }
    const value = (): string => {
      const v = args[++k];
      if (v === undefined) usageError(`${arg} needs a value`);
      return v;
    };
    if (arg.startsWith('--') && !allowed.includes(arg)) usageError(`unknown option ${arg}`);
    switch (arg) {
      case '--scale':
        out.scale = parseScale(value());
        break;
      case '--resize':
        resize = value();
        break;
      case '--size':
        size = value();
        break;
      case '--backend':
        out.backend = checkBackendKind(value());
        break;
      case '--threshold': {
        const v = value();
        out.threshold = checkThreshold(/^[0-9.eE+-]+$/.test(v) ? Number(v) : NaN);
        break;
      }
      case '--json':
        out.json = true;
        break;
      case '--csv':
        out.csv = true;
        break;
      case '--pairs':
        out.pairs = value();
        break;
      case '--ref-column':
        out.refColumn = value();
        break;
      case '--dist-column':
        out.distColumn = value();
        break;
      case '--root':
        out.root = value();
        break;
      case '--maps':
        out.maps = value();
        break;
      case '--assert-similar':
        out.assertSimilar = true;
        break;
      case '--progress':
        out.progress = true;
        break;
      case '--top': {
        const v = value();
        if (!/^[0-9]+$/.test(v)) usageError(`--top must be a whole number, got '${v}'`);
        out.top = Number(v);
        break;
      }
      case '--by': {
        const v = value();
        if (v !== 'fsim' && v !== 'fsimc') usageError(`--by must be fsim or fsimc, got '${v}'`);
        out.by = v;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') usageError(`unknown option ${arg}`);
        out.positional.push(arg);
    }
  }
  if (size !== undefined && resize === undefined) usageError('--size needs --resize stretch|cover');
  if (resize !== undefined) out.align = parseAlign(resize, size);
  return out;
}

const COMMON = ['--scale', '--backend', '--threshold', '--json', '--resize', '--size'];

function formatHuman(r: FsimResult): string {
  const ms = (v?: number): string => (v === undefined ? '-' : `${v.toFixed(1)} ms`);
  const lines = [
    `FSIM      ${r.fsim.toFixed(6)}`,
    `FSIMc     ${r.fsimc.toFixed(6)}${r.colour ? '' : '  (greyscale: FSIMc = FSIM)'}`,
    `verdict   ${r.similar ? 'similar' : 'not similar'} (FSIMc ${r.similar ? '≥' : '<'} ${r.threshold})`,
    `scale     F = ${r.scale}: ${r.size[0]}×${r.size[1]} → ${r.downsampled[0]}×${r.downsampled[1]} (rows×cols)`,
    `backend   ${r.backend}`,
    `time      ${ms(r.timings.total)} (phase congruency ${ms(r.timings.phaseCongruency)})`,
  ];
  for (const [side, resized] of Object.entries(r.resized ?? {})) lines.push(`resized   ${side} ${describeResized(resized)}`);
  if (r.pooling === 'uniform') lines.push('note      neither image has phase congruency (flat): pooled uniformly');
  return lines.join('\n');
}

async function compareCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, [
    ...COMMON,
    '--maps',
    '--assert-similar',
    '--pairs',
    '--ref-column',
    '--dist-column',
    '--root',
    '--csv',
    '--progress',
  ]);
  if (parsed.pairs !== undefined) return pairsCommand(parsed);
  for (const option of ['refColumn', 'distColumn', 'root', 'csv', 'progress'] as const) {
    if (parsed[option]) usageError(`--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --pairs`);
  }
  if (parsed.positional.length !== 2) usageError(`compare takes two images, got ${parsed.positional.length}`);
  const opts = { ...parsed, ref: parsed.positional[0], dist: parsed.positional[1] };
  // A maps folder that cannot be written fails before any computing.
  if (opts.maps !== undefined) await prepareMapsDir(opts.maps);
  const [{ createFsim }, { decodeFile }] = await Promise.all([engines(), decoding()]);
  const [ref, dist] = await Promise.all([decodeFile(opts.ref), decodeFile(opts.dist)]);
  validateImage(ref, printable(opts.ref));
  validateImage(dist, printable(opts.dist));
  const engine = await createFsim({ backend: opts.backend });
  let result: FsimResult;
  try {
    result = await engine.compare(ref, dist, {
      scale: opts.scale,
      threshold: opts.threshold,
      maps: opts.maps !== undefined,
      align: opts.align,
    });
  } catch (error) {
    // The engine's size check names no file: here the distorted one is named.
    if (error instanceof FsimError && error.code === 'SIZE' && error.message.startsWith('size ')) {
      throw new FsimError('SIZE', `${printable(opts.dist)}: ${error.message}`);
    }
    throw error;
  } finally {
    await engine.dispose();
  }
  let written: string[] = [];
  if (opts.maps !== undefined && result.maps) {
    try {
      const { writeHeatmaps } = await import('./node/heatmap.js');
      written = await writeHeatmaps(opts.maps, result.maps, result.downsampled[0], result.downsampled[1]);
    } catch (error) {
      throw new FsimError(
        'INPUT',
        `${printable(opts.maps)}: cannot write the maps (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      );
    }
  }
  const { maps: _maps, ...fields } = result;
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ reference: opts.ref, distorted: opts.dist, ...fields, ...(opts.maps ? { mapFiles: written } : {}) })}\n`,
    );
  } else {
    process.stdout.write(`${formatHuman(result)}\n`);
    if (written.length) process.stdout.write(`maps      ${written.join(', ')}\n`);
  }
  return opts.assertSimilar && !result.similar ? 1 : 0;
}

async function prepareMapsDir(dir: string): Promise<void> {
  if (dir === '') throw new FsimError('USAGE', '--maps needs a folder name (see fsim --help)');
  try {
    await ensureDir(dir);
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
        ? 'not writable'
        : code === 'EEXIST' || code === 'ENOTDIR'
          ? 'not a folder'
          : (error as Error).message;
    throw new FsimError('INPUT', `${printable(dir)}: cannot write the maps there (${why})`);
  }
}

/**
 * compare --pairs FILE: every pair of a CSV/TSV on one engine, one result per line as it is
 * known (NDJSON with --json, CSV with --csv), the file's other columns passed through.
 * Exit 1 when any pair could not be scored (it is reported on its line).
 */
async function pairsCommand(opts: Args): Promise<number> {
  if (opts.positional.length > 0) usageError(`compare --pairs takes no image arguments, got ${opts.positional.length}`);
  if (opts.maps !== undefined || opts.assertSimilar) usageError('--maps and --assert-similar compare one pair; not with --pairs');
  if (opts.json && opts.csv) usageError('--json and --csv exclude each other');
  const [{ createFsim }, { comparePairs, csvField, readPairs }] = await Promise.all([engines(), import('./node/pairs.js')]);
  const table = await readPairs(opts.pairs!, { refColumn: opts.refColumn, distColumn: opts.distColumn, root: opts.root });
  const engine = await createFsim({ backend: opts.backend });
  const bar = progressBar(opts.progress || (process.stderr.isTTY ?? false));
  const scores = ['fsim', 'fsimc', 'similar', 'error'];
  if (opts.csv) process.stdout.write(`${[...table.header, ...scores].map(csvField).join(',')}\n`);
  let failed = 0;
  let done = 0;
  try {
    for await (const r of comparePairs(engine, table.rows, { scale: opts.scale, threshold: opts.threshold, align: opts.align })) {
      if (r.error !== undefined) failed++;
      const { columns } = r.row;
      if (opts.json) {
        const fields = r.error !== undefined ? { error: r.error } : { fsim: r.fsim, fsimc: r.fsimc, similar: r.similar };
        process.stdout.write(`${JSON.stringify({ ...columns, ...fields })}\n`);
      } else if (opts.csv) {
        process.stdout.write(
          `${[...table.header.map((name) => columns[name]), r.fsim, r.fsimc, r.similar, r.error].map(csvField).join(',')}\n`,
        );
      } else {
        const names = `${printable(columns[table.refColumn])}  ${printable(columns[table.distColumn])}`;
        const line =
          r.error !== undefined
            ? `error     ${names}: ${printable(r.error)}`
            : `${r.fsimc!.toFixed(6)}  ${r.fsim!.toFixed(6)}  ${(r.similar ? 'similar' : 'not similar').padEnd(11)}  ${names}`;
        process.stdout.write(`${line}\n`);
      }
      bar.update(++done, table.rows.length, columns[table.distColumn]);
    }
  } finally {
    bar.done();
    await engine.dispose();
  }
  if (failed > 0) process.stderr.write(`fsim: ${failed} of ${table.rows.length} pairs could not be scored (see their lines)\n`);
  return failed > 0 ? 1 : 0;
}

/** A one-line progress bar, redrawn in place on stderr. */
function progressBar(enabled: boolean) {
  let shown = false;
  return {
    update(done: number, total: number | undefined, name: string) {
      if (!enabled) return;
      const width = 24;
      const filled = total ? Math.round((done / total) * width) : done % (width + 1);
      const count = total ? `${done}/${total}` : `${done}`;
      process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${count} ${name.slice(-50)}\x1b[K`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

function formatRank(reference: string, r: RankResult): string {
  const key = r.by === 'fsimc' ? 'FSIMc' : 'FSIM';
  const lines = [
    `reference ${printable(reference)} — ranked by ${key}, threshold ${r.threshold}, ${r.backend}`,
    ` #  ${key.padEnd(8)}  ${(key === 'FSIMc' ? 'FSIM' : 'FSIMc').padEnd(8)}  verdict      file`,
  ];
  r.results.forEach((e, k) => {
    const [a, b] = r.by === 'fsimc' ? [e.fsimc, e.fsim] : [e.fsim, e.fsimc];
    const resized = e.resized ? `  (resampled ${describeResized(e.resized)})` : '';
    lines.push(
      `${String(k + 1).padStart(2)}  ${a.toFixed(6)}  ${b.toFixed(6)}  ${(e.similar ? 'similar' : 'not similar').padEnd(11)}  ${printable(e.file)}${resized}`,
    );
  });
  if (r.errors.length) {
    lines.push(`not scored (${r.errors.length}):`);
    for (const e of r.errors) lines.push(`  ${printable(e.file)}: ${e.error}`);
  }
  return lines.join('\n');
}

async function rankCommand(args: string[]): Promise<number> {
  const opts = parseArgs(args, [...COMMON, '--top', '--by', '--progress']);
  if (opts.positional.length < 2)
    usageError(
      `rank takes a reference and at least one candidate, got ${opts.positional.length} argument${opts.positional.length === 1 ? '' : 's'}`,
    );
  const [reference, ...candidates] = opts.positional;
  const { createFsim, rankFiles } = await engines();
  const engine = await createFsim({ backend: opts.backend });
  const bar = progressBar(opts.progress || (process.stderr.isTTY ?? false));
  let result: RankResult;
  try {
    result = await rankFiles(reference, candidates, engine, {
      scale: opts.scale,
      threshold: opts.threshold,
      align: opts.align,
      by: opts.by,
      top: opts.top,
      progress: bar.update,
    });
  } finally {
    bar.done();
    await engine.dispose();
  }
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ reference, by: result.by, threshold: result.threshold, backend: result.backend, results: result.results, errors: result.errors })}\n`,
    );
  } else {
    process.stdout.write(`${formatRank(reference, result)}\n`);
  }
  return result.errors.length > 0 ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const optionsEnd = argv.indexOf('--');
  const json = (optionsEnd < 0 ? argv : argv.slice(0, optionsEnd)).includes('--json');
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    const flags = optionsEnd < 0 ? rest : rest.slice(0, rest.indexOf('--'));
    if (flags.includes('-h') || flags.includes('--help')) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (command === 'compare') return await compareCommand(rest);
    if (command === 'rank') return await rankCommand(rest);
    usageError(`unknown command '${command}'`);
  } catch (error) {
    // One line whatever the message carries (file names may hold newlines).
    const message = printable(
      error instanceof FsimError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.stderr.write(`fsim: ${message}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ error: message, code: error instanceof FsimError ? error.code : 'INTERNAL' })}\n`);
    return 2;
  }
}
