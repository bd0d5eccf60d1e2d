/**
 * The `fsim` command.
 *   fsim compare REF DIST [--scale auto|N] [--backend cpu|gpu|auto] [--min-score S]
 *                         [--json] [--maps DIR] [--diff FILE] [--mask FILE] [--assert-similar]
 *   fsim compare --pairs FILE …, fsim rank REF CANDIDATE… (USAGE below).
 * Exit status: 0 done, 1 not similar under --assert-similar (some failed: --pairs, rank),
 * 2 bad usage or input, 3 sizes differ.
 */
import { DEFAULT_THRESHOLD, MAX_PIXELS, MIN_SIDE } from './constants.js';
import { constants } from 'node:fs';
import { parseArgs as nodeParseArgs } from 'node:util';
import { access } from 'node:fs/promises';
import { FsimError, printable } from './errors.js';
import { describeResized, type AlignOption } from './align.js';
import { checkThreshold, type FsimResult } from './fsim.js';
import type { ScaleOption } from './scale.js';
import { type BackendKind, checkBackendKind } from './engine.js';
import { ensureDir } from './node/ensureDir.js';
import type { RankResult } from './rank.js';

// Engines, codecs and the GPU stack load when a command needs them: `fsim --help` loads none.
const engines = () => import('./node/engine.js');

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
  --min-score S        "similar" when FSIMc ≥ S (default ${DEFAULT_THRESHOLD}); --threshold is its
                       older name (unlike pixelmatch's and odiff's --threshold, higher is stricter)
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
  --diff FILE.png      compare: write where the images differ over the reference (full size),
                       and list the regions that differ most (in --json: regions)
  --mask FILE          compare: ignore the reference's regions that are black in FILE (same size)
  --assert-similar     compare: exit with status 1 when the images are not similar
  --top K              rank: list the K best only
  --by fsim|fsimc      rank: sort key (default FSIMc for a colour reference, else FSIM)
  --progress           rank: progress bar on stderr even when it is not a terminal
  -h, --help           show this help
  -V, --version        print the version
  --                   end of options: every later argument is a file (names starting with '-')

exit status: compare: 0 done, 1 not similar (with --assert-similar), 2 bad usage or input,
             3 the images differ in size (give --resize to compare them anyway);
             compare --pairs, rank: 0 every pair or candidate scored, 1 some could not be
             (reported on their lines / in errors), 2 bad usage or an unreadable file`;

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
  /** compare --diff FILE.png, --mask FILE. */
  diff?: string;
  mask?: string;
  assertSimilar: boolean;
  top?: number;
  by?: 'fsim' | 'fsimc';
  progress: boolean;
  /** From --resize and --size. */
  align?: AlignOption;
}

/** Exit statuses, documented in the help text and README. */
const EXIT = { ok: 0, notSimilar: 1, someFailed: 1, usage: 2, sizesDiffer: 3 } as const;

/** compare: the two images differ in size (and no --resize was given): exit 3, not 2. */
class SizesDiffer extends FsimError {
  constructor(message: string) {
    super('SIZE', message);
  }
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

/** Every option of every command: its type for util.parseArgs. */
const OPTIONS = {
  scale: { type: 'string' },
  backend: { type: 'string' },
  'min-score': { type: 'string' },
  threshold: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  resize: { type: 'string' },
  size: { type: 'string' },
  pairs: { type: 'string' },
  'ref-column': { type: 'string' },
  'dist-column': { type: 'string' },
  root: { type: 'string' },
  maps: { type: 'string' },
  diff: { type: 'string' },
  mask: { type: 'string' },
  'assert-similar': { type: 'boolean' },
  top: { type: 'string' },
  by: { type: 'string' },
  progress: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** util.parseArgs' errors as this CLI's one-line usage errors. */
function parseError(error: unknown): never {
  const { code, message } = error as { code?: string; message: string };
  const option = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') usageError(`unknown option ${option}`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    // (No "ambiguous" value: parseArgs below joins a value that starts with '-' to its option.)
    if (/does not take an argument/.test(message)) usageError(`${option} takes no value`);
    usageError(`${option} needs a value`);
  }
  usageError(message.split('\n')[0]);
}

/**
 * Parses the options a command accepts (`allowed`) with Node's util.parseArgs (strict: an
 * unknown option or a missing value is a usage error; --name=value works; after `--` every
 * argument is a file), positional arguments in order.
 */
function parseArgs(args: string[], allowed: readonly OptionName[]): Args {
  // Before `--`: a value that starts with '-' still belongs to its option (util.parseArgs
  // would call it ambiguous: '--size -3x4' should say what is wrong with -3x4), and a lone
  // '-x' is no option of ours, refused whole (util.parseArgs would split it into -x).
  const end = args.indexOf('--');
  const head = end < 0 ? args : args.slice(0, end);
  const joined: string[] = [];
  for (let k = 0; k < head.length; k++) {
    const arg = head[k];
    const name = arg.startsWith('--') && !arg.includes('=') ? (arg.slice(2) as OptionName) : undefined;
    if (name && allowed.includes(name) && OPTIONS[name].type === 'string' && head[k + 1]?.startsWith('-')) {
      joined.push(`${arg}=${head[++k]}`);
      continue;
    }
    if (/^-[^-]/.test(arg)) usageError(`unknown option ${arg}`);
    joined.push(arg);
  }
  if (end >= 0) joined.push(...args.slice(end));
  let parsed: { values: Partial<Record<OptionName, string | boolean>>; positionals: string[] };
  try {
    parsed = nodeParseArgs({
      args: joined,
      options: Object.fromEntries(allowed.map((name) => [name, OPTIONS[name]])),
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (error) {
    parseError(error);
  }
  const v = parsed.values;
  const text = (name: OptionName) => v[name] as string | undefined;
  const out: Args = {
    positional: parsed.positionals,
    scale: text('scale') === undefined ? 'auto' : parseScale(text('scale')!),
    backend: text('backend') === undefined ? 'auto' : checkBackendKind(text('backend')),
    threshold: DEFAULT_THRESHOLD,
    json: v.json === true,
    csv: v.csv === true,
    assertSimilar: v['assert-similar'] === true,
    progress: v.progress === true,
    pairs: text('pairs'),
    refColumn: text('ref-column'),
    distColumn: text('dist-column'),
    root: text('root'),
    maps: text('maps'),
    diff: text('diff'),
    mask: text('mask'),
  };
  // --min-score, and --threshold its older name (pixelmatch's and odiff's --threshold mean the opposite).
  if (text('min-score') !== undefined && text('threshold') !== undefined)
    usageError('--min-score and --threshold are one option; give one');
  const score = text('min-score') ?? text('threshold');
  if (score !== undefined) {
    const name = text('min-score') !== undefined ? 'min-score' : 'threshold';
    if (!/^[0-9.eE+-]+$/.test(score) || !(Number(score) >= 0 && Number(score) <= 1))
      usageError(`--${name} must be a number in [0, 1], got '${score}'`);
    out.threshold = checkThreshold(Number(score));
  }
  const top = text('top');
  if (top !== undefined) {
    if (!/^[0-9]+$/.test(top)) usageError(`--top must be a whole number, got '${top}'`);
    out.top = Number(top);
  }
  const by = text('by');
  if (by !== undefined) {
    if (by !== 'fsim' && by !== 'fsimc') usageError(`--by must be fsim or fsimc, got '${by}'`);
    out.by = by;
  }
  const [resize, size] = [text('resize'), text('size')];
  if (size !== undefined && resize === undefined) usageError('--size needs --resize stretch|cover');
  if (resize !== undefined) out.align = parseAlign(resize, size);
  return out;
}

const COMMON: OptionName[] = ['scale', 'backend', 'min-score', 'threshold', 'json', 'resize', 'size'];

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
    'maps',
    'diff',
    'mask',
    'assert-similar',
    'pairs',
    'ref-column',
    'dist-column',
    'root',
    'csv',
    'progress',
  ]);
  if (parsed.pairs !== undefined) return pairsCommand(parsed);
  for (const option of ['refColumn', 'distColumn', 'root', 'csv', 'progress'] as const) {
    if (parsed[option]) usageError(`--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --pairs`);
  }
  if (parsed.positional.length !== 2) usageError(`compare takes two images, got ${parsed.positional.length}`);
  const opts = { ...parsed, ref: parsed.positional[0], dist: parsed.positional[1] };
  if (opts.diff === '') usageError('--diff needs a file name');
  // A maps folder that cannot be written fails before any computing.
  if (opts.maps !== undefined) await prepareMapsDir(opts.maps);
  const { compareImages } = await import('./node/compareImages.js');
  let result: Awaited<ReturnType<typeof compareImages>>;
  try {
    result = await compareImages(opts.ref, opts.dist, {
      backend: opts.backend,
      scale: opts.scale,
      minScore: opts.threshold,
      resize: opts.align?.mode,
      size: opts.align?.size ? [opts.align.size[1], opts.align.size[0]] : undefined,
      mask: opts.mask,
      diffPath: opts.diff,
      maps: opts.maps !== undefined,
    });
  } catch (error) {
    // The engine's size check names no file: here the distorted one is named.
    if (error instanceof FsimError && error.code === 'SIZE' && error.message.startsWith('size ')) {
      throw new SizesDiffer(`${printable(opts.dist)}: ${error.message}`);
    }
    throw error;
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
  const { maps: _maps, version, ...fields } = result;
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ version, reference: opts.ref, distorted: opts.dist, ...fields, ...(opts.maps ? { mapFiles: written } : {}) })}\n`,
    );
  } else {
    process.stdout.write(`${formatHuman(result)}\n`);
    if (opts.diff !== undefined) {
      process.stdout.write(`diff      ${printable(opts.diff)}\n`);
      for (const r of result.regions ?? []) {
        process.stdout.write(`region    ${r.width}×${r.height} at (${r.x}, ${r.y}): ${(100 * r.share).toFixed(1)}% of the difference\n`);
      }
    }
    if (written.length) process.stdout.write(`maps      ${written.join(', ')}\n`);
  }
  return opts.assertSimilar && !result.similar ? EXIT.notSimilar : EXIT.ok;
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
  if (opts.maps !== undefined || opts.assertSimilar || opts.diff !== undefined || opts.mask !== undefined)
    usageError('--maps, --diff, --mask and --assert-similar compare one pair; not with --pairs');
  if (opts.json && opts.csv) usageError('--json and --csv exclude each other');
  const [{ createFsim }, { comparePairs, csvField, readPairs }, { packageVersion }] = await Promise.all([
    engines(),
    import('./node/pairs.js'),
    import('./node/version.js'),
  ]);
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
        process.stdout.write(`${JSON.stringify({ version: packageVersion(), ...columns, ...fields })}\n`);
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
  return failed > 0 ? EXIT.someFailed : EXIT.ok;
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
  const opts = parseArgs(args, [...COMMON, 'top', 'by', 'progress']);
  if (opts.positional.length < 2)
    usageError(
      `rank takes a reference and at least one candidate, got ${opts.positional.length} argument${opts.positional.length === 1 ? '' : 's'}`,
    );
  const [reference, ...candidates] = opts.positional;
  const [{ createFsim, rankFiles }, { packageVersion }] = await Promise.all([engines(), import('./node/version.js')]);
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
      `${JSON.stringify({ version: packageVersion(), reference, by: result.by, threshold: result.threshold, backend: result.backend, results: result.results, errors: result.errors })}\n`,
    );
  } else {
    process.stdout.write(`${formatRank(reference, result)}\n`);
  }
  return result.errors.length > 0 ? EXIT.someFailed : EXIT.ok;
}

export async function main(argv: string[]): Promise<number> {
  const optionsEnd = argv.indexOf('--');
  const flags = optionsEnd < 0 ? argv : argv.slice(0, optionsEnd);
  const json = flags.includes('--json');
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    if (flags.includes('-h') || flags.includes('--help')) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (flags.includes('--version') || flags.includes('-V')) {
      const { packageVersion } = await import('./node/version.js');
      process.stdout.write(`fsim-gpu ${packageVersion()}\n`);
      return EXIT.ok;
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
    if (json) {
      const { packageVersion } = await import('./node/version.js');
      process.stdout.write(
        `${JSON.stringify({ version: packageVersion(), error: message, code: error instanceof FsimError ? error.code : 'INTERNAL' })}\n`,
      );
    }
    return error instanceof SizesDiffer ? EXIT.sizesDiffer : EXIT.usage;
  }
}
