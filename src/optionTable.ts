/**
 * Every option of fsim-gpu, defined once: its name (one per concept), its flag (the CLI's
 * `--flag`, the demo's URL parameter and the server's form field), the older names it still
 * answers to, its value's form in help, its default, its check and its help text. The API's
 * validation, the CLI's parser and help, the demo's URL parameters and the server's form fields
 * all read this table. An entry point resolves what it was given once (resolveOptions; text
 * first through parseOptionText), into a frozen object the functions behind it take as it is.
 * docs/ARCHITECTURE.md ("Options") says how to add one.
 */
import type { AlignMode, AlignOption } from './align.js';
import { DEFAULT_THRESHOLD, MAX_PIXELS, MAX_THREADS, MIN_SIDE } from './constants.js';
import type { BackendKind } from './engine.js';
import { FsimError } from './errors.js';
import type { FftKernels } from './gpu/backend.js';
import {
  checkBoolean,
  checkFraction,
  checkFunction,
  checkInteger,
  checkOneOf,
  checkOptions,
  checkSignal,
  describeValue,
} from './options.js';
import type { ScaleOption } from './scale.js';

/** One option; `T` is its value's type once checked. */
export interface OptionSpec<N extends string = string, T = unknown> {
  /** The API's name: the one name of the concept. */
  readonly name: N;
  /** The CLI flag (without --), URL parameter and form field; absent where the option is API-only. */
  readonly flag?: string;
  /** Older names still taken, in the API and as flags (documented as aliases). */
  readonly aliases?: readonly string[];
  readonly flagAliases?: readonly string[];
  /** The value's form in help ('auto|N'); absent for a switch (a flag that takes no value). */
  readonly arg?: string;
  readonly help: string;
  /** Filled in where the option is not given; absent: it stays undefined. */
  readonly default?: T;
  /** The value, checked; `label` is how the caller spelled the option (FsimError 'USAGE' naming it). */
  check(value: unknown, label: string): T;
  /** Text (a flag's value, a URL parameter, a form field) to the value check() takes. */
  parse?(text: string): unknown;
}

/** A spec as written (its name's literal type, and whether it has a default, kept for Resolved). */
// biome-ignore lint/suspicious/noExplicitAny: each spec's own value type
function option<const S extends OptionSpec<string, any>>(spec: S): S {
  return spec;
}

const oneOf =
  <const V extends string>(choices: readonly V[]) =>
  (value: unknown, label: string): V =>
    checkOneOf(label, value, choices);
const text = (t: string): unknown => t;
/** Whole numbers as numbers; anything else stays text, for the check to refuse as typed. */
const wholeNumber = (t: string): unknown => (/^[0-9]+$/.test(t) ? Number(t) : t);

// ---------------------------------------------------------------- the comparison

export const scale = option({
  name: 'scale',
  flag: 'scale',
  arg: 'auto|N',
  help: 'downsampling: auto (the reference: F = round(min side / 256)) or F = N ≥ 1',
  default: 'auto' as ScaleOption,
  check: (value, label): ScaleOption => {
    if (value === 'auto' || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1)) return value;
    throw new FsimError('USAGE', `${label} must be auto or an integer ≥ 1, got ${describeValue(value)}`);
  },
  parse: (t) => (/^[1-9][0-9]{0,15}$/.test(t) ? Number(t) : t),
});

export const minScore = option({
  name: 'minScore',
  flag: 'min-score',
  aliases: ['threshold'],
  flagAliases: ['threshold'],
  arg: 'S',
  help: `"similar" when FSIMc ≥ S (default ${DEFAULT_THRESHOLD}; FSIMc = FSIM for greyscale). threshold is its older name (unlike pixelmatch's and odiff's threshold, higher is stricter)`,
  default: DEFAULT_THRESHOLD,
  check: (value, label): number => checkFraction(label, value),
  parse: (t) => (/^(0(\.[0-9]*)?|1(\.0*)?|\.[0-9]+)$/.test(t) ? Number(t) : t),
});

export const resize = option({
  name: 'resize',
  flag: 'resize',
  arg: 'stretch|cover',
  help: "compare images of different sizes: resample the distorted image (rank: every candidate) to the reference's size, stretched or cropped to its aspect ratio first (cover); without it, sizes must match",
  check: oneOf<AlignMode>(['stretch', 'cover']),
  parse: text,
});

/** A target size [width, height] in whole pixels, each ≥ 3, within the pixel limit. */
function checkSize(value: unknown, label: string): readonly [number, number] {
  const pair = value as [number, number];
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isSafeInteger(v)))
    throw new FsimError('USAGE', `${label} must be WIDTHxHEIGHT in pixels ([width, height]; e.g. 1920x1080), got ${describeValue(value)}`);
  const [width, height] = pair;
  if (width < MIN_SIDE || height < MIN_SIDE)
    throw new FsimError('USAGE', `${label} ${width}x${height} is under the ${MIN_SIDE}x${MIN_SIDE} minimum`);
  if (width * height > MAX_PIXELS)
    throw new FsimError('USAGE', `${label} ${width}x${height} exceeds the ${MAX_PIXELS}-pixel limit (8192x8192)`);
  return [width, height];
}

export const size = option({
  name: 'size',
  flag: 'size',
  arg: 'WxH',
  help: 'with resize: align both images to W×H pixels instead ([width, height] in the API)',
  check: checkSize,
  parse: (t) => {
    const match = /^([0-9]{1,9})x([0-9]{1,9})$/.exec(t);
    return match ? [Number(match[1]), Number(match[2])] : t;
  },
});

/** A target [rows, cols] of the older align option: whole numbers, each ≥ 3, within the pixel limit. */
function checkRowsCols(value: unknown, label: string): readonly [number, number] {
  const pair = value as [number, number];
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isSafeInteger(v)))
    throw new FsimError('USAGE', `${label} must be [rows, cols] of whole numbers, got ${JSON.stringify(value) ?? String(value)}`);
  const [rows, cols] = pair;
  if (rows < MIN_SIDE || cols < MIN_SIDE)
    throw new FsimError('USAGE', `${label} ${rows}×${cols} (rows×cols) is under the ${MIN_SIDE}×${MIN_SIDE} minimum`);
  if (rows * cols > MAX_PIXELS) throw new FsimError('USAGE', `${label} ${rows}×${cols} (rows×cols) exceeds the ${MAX_PIXELS}-pixel limit`);
  return [rows, cols];
}

export const align = option({
  name: 'align',
  help: 'the older form of resize and size: { mode, size?: [rows, cols] }',
  check: (value, label): AlignOption => {
    const given = checkOptions(value as AlignOption, ['mode', 'size'], label);
    const mode = checkOneOf(`${label}.mode`, given.mode, ['stretch', 'cover'] as const);
    return given.size === undefined ? { mode } : { mode, size: checkRowsCols(given.size, `${label}.size`) };
  },
});

export const maps = option({
  name: 'maps',
  help: 'also return the maps (PC and GM of each image, S_L·PCm) as Float32Arrays',
  check: (value, label) => checkBoolean(label, value),
});

export const mask = option({
  name: 'mask',
  flag: 'mask',
  arg: 'FILE',
  help: "ignore the reference's regions that are black in this image (the compared size)",
  check: (value, label) => {
    if (value === null || value === '' || (typeof value !== 'object' && typeof value !== 'string'))
      throw new FsimError('USAGE', `${label} must be an image (a file path, its bytes, or a decoded image), got ${describeValue(value)}`);
    return value;
  },
  parse: text,
});

export const progress = option({
  name: 'progress',
  help: 'called as the work advances',
  // biome-ignore lint/suspicious/noExplicitAny: each call takes its own progress signature
  check: (value, label) => checkFunction(label, value) as (...args: any[]) => void,
});

// ---------------------------------------------------------------- the engine

export const backend = option({
  name: 'backend',
  flag: 'backend',
  arg: 'cpu|gpu|auto',
  help: 'cpu: the float64 reference path; gpu: WebGPU on any adapter (never falls back); auto (default): the fastest here',
  default: 'auto' as BackendKind,
  check: oneOf<BackendKind>(['cpu', 'gpu', 'auto']),
  parse: text,
});

export const threads = option({
  name: 'threads',
  flag: 'threads',
  arg: 'N',
  help: `CPU path threads (default: the cores, at most 4; at most ${MAX_THREADS})`,
  check: (value, label) => checkInteger(label, value, 1, MAX_THREADS),
  parse: wholeNumber,
});

export const limits = option({
  name: 'limits',
  flag: 'limits',
  arg: 'adapter|default',
  help: "WebGPU limits: the adapter's maxima (default) or WebGPU's defaults",
  check: oneOf(['adapter', 'default']),
  parse: text,
});

export const kernels = option({
  name: 'kernels',
  flag: 'kernels',
  arg: 'auto|fused|fused-fft|per-stage',
  help: 'WebGPU kernels: auto (fused on hardware adapters, per stage on software ones), or one forced',
  default: 'auto' as FftKernels,
  check: oneOf<FftKernels>(['auto', 'fused', 'fused-fft', 'per-stage']),
  parse: text,
});

// ---------------------------------------------------------------- one call from files (compareImages, matchers, CLI)

export const diffPath = option({
  name: 'diffPath',
  flag: 'diff',
  arg: 'FILE.png',
  help: 'write where the images differ over the reference (full size), and list the regions that differ most',
  check: (value, label): string => {
    if (typeof value !== 'string' || value === '')
      throw new FsimError('USAGE', `${label} must be a file path, got ${describeValue(value)}`);
    return value;
  },
  parse: text,
});

export const diffWhen = option({
  name: 'diffWhen',
  help: "with diffPath: write it 'always' (default), or only for the verdict reported on: 'dissimilar' or 'similar'",
  default: 'always' as 'always' | 'dissimilar' | 'similar',
  check: oneOf(['always', 'dissimilar', 'similar']),
});

export const regions = option({
  name: 'regions',
  help: 'find the regions that differ most (done anyway with diffPath or maps)',
  check: (value, label) => checkBoolean(label, value),
});

// ---------------------------------------------------------------- ranking

export const by = option({
  name: 'by',
  flag: 'by',
  arg: 'fsim|fsimc',
  help: 'rank: sort key (default FSIMc for a colour reference, else FSIM)',
  check: oneOf(['fsim', 'fsimc']),
  parse: text,
});

export const top = option({
  name: 'top',
  flag: 'top',
  arg: 'K',
  help: 'rank: list the K best only',
  check: (value, label) => checkInteger(label, value, 0, Number.MAX_SAFE_INTEGER),
  parse: wholeNumber,
});

/** Most candidates decoded ahead of the comparison. */
export const MAX_LOOKAHEAD = 64;

export const lookahead = option({
  name: 'lookahead',
  help: `candidates decoded ahead of the comparison in progress (default 2, at most ${MAX_LOOKAHEAD})`,
  default: 2,
  check: (value, label) => checkInteger(label, value, 1, MAX_LOOKAHEAD),
});

export const signal = option({
  name: 'signal',
  help: 'an AbortSignal that cancels the ranking',
  check: (value, label) => checkSignal(label, value),
});

// ---------------------------------------------------------------- the browser's engine in a Worker

export const mapImages = option({
  name: 'mapImages',
  help: 'keep the maps in the worker and draw any view of them on request (result.mapImages)',
  check: (value, label) => checkBoolean(label, value),
});

// ---------------------------------------------------------------- the demo page

export const colour = option({
  name: 'colour',
  flag: 'colour',
  arg: '0|1',
  help: 'the verdict by FSIMc (1, the default) or by FSIM (0)',
  default: true,
  check: (value, label) => checkBoolean(label, value),
  parse: (t) => (t === '1' ? true : t === '0' ? false : t),
});

// ---------------------------------------------------------------- the CLI's own (fsim compare, fsim rank)

const switchValue = (value: unknown, label: string) => checkBoolean(label, value);
const nonEmpty =
  (what: string) =>
  (value: unknown, label: string): string => {
    if (typeof value !== 'string' || value === '') throw new FsimError('USAGE', `${label} needs ${what}`);
    return value;
  };

export const json = option({
  name: 'json',
  flag: 'json',
  help: 'print one JSON object with the result on stdout (--pairs: one per line)',
  check: switchValue,
});

export const mapsDir = option({
  name: 'mapsDir',
  flag: 'maps',
  arg: 'DIR',
  help: 'write PC, gradient and local-similarity heatmaps as PNG into DIR',
  check: nonEmpty('a folder name'),
  parse: text,
});

export const assertSimilar = option({
  name: 'assertSimilar',
  flag: 'assert-similar',
  help: 'compare: exit with status 1 when the images are not similar',
  check: switchValue,
});

export const pairs = option({
  name: 'pairs',
  flag: 'pairs',
  arg: 'FILE',
  help: 'compare: every pair of a CSV or TSV file (header row: reference and distorted columns, e.g. ref_img,dist_img; other columns pass through), one result per line as it goes; exit 1 if any pair failed',
  check: nonEmpty('a file name'),
  parse: text,
});

export const refColumn = option({
  name: 'refColumn',
  flag: 'ref-column',
  arg: 'NAME',
  help: 'with --pairs: the column holding the reference paths, when not a usual name',
  check: nonEmpty('a column name'),
  parse: text,
});

export const distColumn = option({
  name: 'distColumn',
  flag: 'dist-column',
  arg: 'NAME',
  help: 'with --pairs: the column holding the distorted paths, when not a usual name',
  check: nonEmpty('a column name'),
  parse: text,
});

export const root = option({
  name: 'root',
  flag: 'root',
  arg: 'DIR',
  help: "with --pairs: relative paths are under DIR (default: the file's folder)",
  check: nonEmpty('a folder name'),
  parse: text,
});

export const csv = option({
  name: 'csv',
  flag: 'csv',
  help: "with --pairs: CSV out (the file's columns, fsim, fsimc, similar, error)",
  check: switchValue,
});

export const progressBar = option({
  name: 'progressBar',
  flag: 'progress',
  help: 'rank, --pairs: a progress bar on stderr even when it is not a terminal',
  check: switchValue,
});

export const diffImage = option({
  name: 'diffImage',
  flag: 'diff',
  arg: '0|1',
  help: 'also return the diff image (PNG bytes; base64 in JSON) and the regions that differ most',
  check: (value, label) => checkBoolean(label, value),
  parse: (t) => (t === '1' || t === 'true' ? true : t === '0' || t === 'false' ? false : t),
});

// ---------------------------------------------------------------- batches on a cluster

/** A share of a batch: the K-th of N (1-based). */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const shard = option({
  name: 'shard',
  flag: 'shard',
  arg: 'K/N',
  help: 'rank, --pairs: do the K-th of N shares only (rows k with k mod N = K-1; candidates by sorted path); default from JOB_COMPLETION_INDEX and JOB_COMPLETIONS (a Kubernetes Indexed Job); join the outputs with fsim merge',
  check: (value, label): Shard => {
    const s = value as Shard;
    if (
      s === null ||
      typeof s !== 'object' ||
      !Number.isSafeInteger(s.index) ||
      !Number.isSafeInteger(s.count) ||
      s.count < 1 ||
      s.index < 1 ||
      s.index > s.count
    )
      throw new FsimError(
        'USAGE',
        `${label} must be K/N with 1 ≤ K ≤ N (e.g. 2/8), got ${describeValue(typeof value === 'object' && value !== null ? `${s.index}/${s.count}` : value)}`,
      );
    return Object.freeze({ index: s.index, count: s.count });
  },
  parse: (t) => {
    const match = /^([0-9]{1,9})\/([0-9]{1,9})$/.exec(t);
    return match ? { index: Number(match[1]), count: Number(match[2]) } : t;
  },
});

// ---------------------------------------------------------------- fsim serve

export const port = option({
  name: 'port',
  flag: 'port',
  arg: 'N',
  help: 'serve: the TCP port (default 8080; 0 picks a free one)',
  default: 8080,
  check: (value, label) => checkInteger(label, value, 0, 65535),
  parse: wholeNumber,
});

export const host = option({
  name: 'host',
  flag: 'host',
  arg: 'ADDR',
  help: 'serve: the address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 exposes it)',
  default: '127.0.0.1',
  check: nonEmpty('an address'),
  parse: text,
});

export const maxUpload = option({
  name: 'maxUpload',
  flag: 'max-upload',
  arg: 'MiB',
  help: 'serve: the largest request body, in MiB (default 64); larger ones get 413 before they are read',
  default: 64,
  check: (value, label) => checkInteger(label, value, 1, 4096),
  parse: wholeNumber,
});

export const concurrency = option({
  name: 'concurrency',
  flag: 'concurrency',
  arg: 'N',
  help: 'serve: comparisons (or rankings) run at once (default 2); the rest wait in the queue',
  default: 2,
  check: (value, label) => checkInteger(label, value, 1, 256),
  parse: wholeNumber,
});

export const queue = option({
  name: 'queue',
  flag: 'queue',
  arg: 'N',
  help: 'serve: requests that may wait for a slot (default 64); beyond that, 503 with Retry-After',
  default: 64,
  check: (value, label) => checkInteger(label, value, 0, 100_000),
  parse: wholeNumber,
});

export const timeout = option({
  name: 'timeout',
  flag: 'timeout',
  arg: 'S',
  help: 'serve: seconds a request may take, waiting included (default 120); then 503',
  default: 120,
  check: (value, label) => checkInteger(label, value, 1, 86_400),
  parse: wholeNumber,
});

export const token = option({
  name: 'token',
  flag: 'token',
  arg: 'SECRET',
  help: 'serve: require Authorization: Bearer SECRET on /v1/* (default: FSIM_TOKEN, if set)',
  check: nonEmpty('a secret'),
  parse: text,
});

export const backends = option({
  name: 'backends',
  flag: 'backends',
  arg: 'LIST',
  help: "serve: the backends a request's backend field may name, comma-separated (default: --backend's, and cpu)",
  check: (value, label): readonly BackendKind[] => {
    const list = value as unknown[];
    if (!Array.isArray(list) || list.length === 0)
      throw new FsimError('USAGE', `${label} must list cpu, gpu or auto, got ${describeValue(value)}`);
    return Object.freeze([...new Set(list.map((v) => checkOneOf(label, v, ['cpu', 'gpu', 'auto'] as const)))]);
  },
  parse: (t) => t.split(','),
});

export const stdio = option({
  name: 'stdio',
  flag: 'stdio',
  help: 'serve: JSON lines on stdin and stdout instead of HTTP ({"id", "reference": PATH, "distorted": PATH, …fields})',
  check: switchValue,
});

// ---------------------------------------------------------------- the options of each entry point

export const PREPARE_SPECS = [scale, resize, size, align, progress] as const;
export const COMPARE_SPECS = [...PREPARE_SPECS, minScore, maps, mask] as const;
export const RANK_SPECS = [scale, resize, size, align, minScore, by, top, lookahead, progress, signal] as const;
export const ENGINE_SPECS = [backend, threads, limits] as const;
export const BROWSER_ENGINE_SPECS = [...ENGINE_SPECS, kernels] as const;
export const WORKER_COMPARE_SPECS = [...COMPARE_SPECS, mapImages] as const;
export const COMPARE_IMAGES_SPECS = [
  ...ENGINE_SPECS,
  minScore,
  scale,
  resize,
  size,
  mask,
  diffPath,
  diffWhen,
  diffImage,
  maps,
  regions,
] as const;
/** The CLI's flags: what compareImages and rank take, in their text form, and the CLI's own. */
const CLI_COMMON = [scale, backend, threads, minScore, resize, size, json] as const;
export const CLI_COMPARE_SPECS = [...CLI_COMMON, mapsDir, diffPath, mask, assertSimilar] as const;
export const CLI_PAIRS_SPECS = [...CLI_COMMON, pairs, refColumn, distColumn, root, csv, progressBar, shard] as const;
export const CLI_RANK_SPECS = [...CLI_COMMON, top, by, progressBar, shard] as const;
export const CLI_MERGE_SPECS = [top] as const;
/** fsim serve's flags. */
export const CLI_SERVE_SPECS = [port, host, backend, backends, threads, maxUpload, concurrency, queue, timeout, token, stdio] as const;
/** The form fields of POST /v1/compare and /v1/rank (besides their files), and of a --stdio line (besides id and paths). */
export const SERVE_COMPARE_FIELDS = [scale, minScore, resize, size, backend, diffImage] as const;
export const SERVE_RANK_FIELDS = [scale, minScore, resize, size, backend, by, top] as const;
export const STDIO_COMPARE_FIELDS = [scale, minScore, resize, size, backend, mask, diffPath] as const;
/** The demo page's URL parameters (besides ref and dist). */
export const DEMO_SPECS = [scale, colour, minScore, resize, size, backend, kernels] as const;

// ---------------------------------------------------------------- resolution

type Spec = OptionSpec<string, unknown>;

type ValueOf<K> = K extends { check(value: unknown, label: string): infer T } ? T : never;
/** The resolved options of a list of specs: each by its name, defaults filled in (undefined where absent and without one). */
export type Resolved<S extends readonly Spec[]> = {
  readonly [K in S[number] as K['name']]: K extends { default: unknown } ? ValueOf<K> : ValueOf<K> | undefined;
};

/** How the caller spelled the options: the API's names, or flags ('flag': the CLI's --name; 'parameter': URL and form). */
export type Spelling = 'api' | 'flag' | 'parameter';

/** The names a spec answers to in a spelling, first its own. */
const namesOf = (spec: Spec, spelling: Spelling): readonly string[] =>
  spelling === 'api' ? [spec.name, ...(spec.aliases ?? [])] : spec.flag ? [spec.flag, ...(spec.flagAliases ?? [])] : [];
const labelOf = (name: string, spelling: Spelling) => (spelling === 'flag' ? `--${name}` : name);

/**
 * `given` checked against `specs`: unknown names and one option given under two names are
 * errors; defaults filled in; frozen. `what` names the call in messages ('compare', …).
 */
export function resolveOptions<const S extends readonly Spec[]>(
  specs: S,
  given: object | undefined,
  what: string,
  spelling: Spelling = 'api',
): Resolved<S> {
  if (given === undefined) given = {};
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new FsimError('USAGE', `${what} options must be an object, got ${describeValue(given)}`);
  const byName = new Map<string, Spec>();
  for (const spec of specs) for (const name of namesOf(spec, spelling)) byName.set(name, spec);
  const out: Record<string, unknown> = {};
  const seen = new Map<Spec, string>();
  for (const [key, value] of Object.entries(given)) {
    const spec = byName.get(key);
    if (!spec) {
      const known = [...byName.keys()].map((k) => labelOf(k, spelling)).join(', ');
      throw new FsimError('USAGE', `unknown ${what} option ${spelling === 'flag' ? labelOf(key, spelling) : `'${key}'`} (known: ${known})`);
    }
    if (value === undefined) continue;
    const earlier = seen.get(spec);
    if (earlier !== undefined)
      throw new FsimError('USAGE', `${labelOf(earlier, spelling)} and ${labelOf(key, spelling)} are one option; give one`);
    seen.set(spec, key);
    out[spec.name] = spec.check(value, labelOf(key, spelling));
  }
  for (const spec of specs) if (!(spec.name in out) && spec.default !== undefined) out[spec.name] = spec.default;
  return Object.freeze(out) as Resolved<S>;
}

/**
 * Text values (flags, URL parameters, form fields) keyed by flag, each through its spec's
 * parse (a switch's `true` as it is), for resolveOptions(specs, …, 'flag' | 'parameter').
 */
export function parseOptionText(specs: readonly Spec[], texts: Record<string, string | boolean | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(texts)) {
    const spec = specs.find((s) => s.flag === key || s.flagAliases?.includes(key));
    out[key] = spec?.parse && typeof value === 'string' ? spec.parse(value) : value;
  }
  return out;
}

/**
 * The one alignment of resize and size (or the older align): the target internally, [rows,
 * cols]; undefined where sizes must match.
 */
export function alignOf(
  options: { resize?: AlignMode; size?: readonly [number, number]; align?: AlignOption },
  spelling: Spelling = 'api',
): AlignOption | undefined {
  const name = (n: string) => labelOf(n, spelling);
  if (options.align && (options.resize || options.size))
    throw new FsimError('USAGE', `align and ${options.resize ? 'resize' : 'size'} are one option; give one`);
  if (options.align) return options.align;
  if (options.size && !options.resize) throw new FsimError('USAGE', `${name('size')} goes with ${name('resize')} (stretch or cover)`);
  if (!options.resize) return undefined;
  return options.size ? { mode: options.resize, size: [options.size[1], options.size[0]] } : { mode: options.resize };
}

/** Help lines of these specs' flags: `  --flag ARG` and the help, wrapped. */
export function optionHelp(specs: readonly Spec[], width = 100): string {
  const indent = 23;
  const lines: string[] = [];
  for (const spec of specs) {
    if (!spec.flag) continue;
    const head = `  --${spec.flag}${spec.arg ? ` ${spec.arg}` : ''}`;
    const wrapped: string[] = [];
    let line = '';
    for (const word of spec.help.split(' ')) {
      if (line && indent + line.length + 1 + word.length > width) {
        wrapped.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    wrapped.push(line);
    const pad = ' '.repeat(indent);
    if (head.length < indent - 1) lines.push(`${head.padEnd(indent)}${wrapped[0]}`, ...wrapped.slice(1).map((l) => pad + l));
    else lines.push(head, ...wrapped.map((l) => pad + l));
  }
  return lines.join('\n');
}
